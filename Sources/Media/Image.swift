// Media: the frames and clips that flow from generators to analyzers, and their file formats.

/// An 8-bit RGB colour.
public struct RGB: Sendable, Hashable, Codable {
  public var r: UInt8
  public var g: UInt8
  public var b: UInt8

  public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
    self.r = r
    self.g = g
    self.b = b
  }
}

/// An 8-bit RGB image, stored row-major without padding (3 bytes a pixel).
public struct RGBImage: Sendable, Equatable {
  public let width: Int
  public let height: Int
  public var pixels: [UInt8]

  /// Wraps `pixels`, which must hold exactly `width * height * 3` bytes.
  public init(width: Int, height: Int, pixels: [UInt8]) {
    precondition(width > 0 && height > 0, "image dimensions must be positive")
    precondition(pixels.count == width * height * 3, "pixel buffer does not match \(width)×\(height) RGB")
    self.width = width
    self.height = height
    self.pixels = pixels
  }

  /// An image filled with one colour.
  public init(width: Int, height: Int, fill: RGB = RGB(0, 0, 0)) {
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    for i in stride(from: 0, to: pixels.count, by: 3) {
      pixels[i] = fill.r
      pixels[i + 1] = fill.g
      pixels[i + 2] = fill.b
    }
    self.init(width: width, height: height, pixels: pixels)
  }

  public subscript(x: Int, y: Int) -> RGB {
    get {
      let i = (y * width + x) * 3
      return RGB(pixels[i], pixels[i + 1], pixels[i + 2])
    }
    set {
      let i = (y * width + x) * 3
      pixels[i] = newValue.r
      pixels[i + 1] = newValue.g
      pixels[i + 2] = newValue.b
    }
  }
}

/// A video: frames of one size at a constant frame rate.
public struct Clip: Sendable {
  public var frames: [RGBImage]
  /// Frames per second: the true rate of the footage, which may differ from a container's claim.
  public var fps: Double

  public init(frames: [RGBImage], fps: Double) {
    self.frames = frames
    self.fps = fps
  }

  public var width: Int { frames.first?.width ?? 0 }
  public var height: Int { frames.first?.height ?? 0 }
  public var duration: Double { Double(frames.count) / fps }
}
