// Vision: the classical-vision machinery the analyzers share (grey images and pyramids,
// corners and tracking, dense flow, two-view geometry, frame statistics). Each type owns one
// kind of buffer and calls the C kernels in CKernels; arrays reach C through Swift's implicit
// array-to-pointer conversion, which keeps them alive and in place for that one call.

import CKernels
import Media

/// A single-channel float image on the 0…255 scale of 8-bit input, row-major without padding.
///
/// Coordinates are continuous: pixel (i, j) covers [i, i + 1) × [j, j + 1), so its centre is
/// (i + 0.5, j + 0.5); x runs right and y down. Every point in this module uses that convention.
public struct GreyImage: Sendable, Equatable {
  public let width: Int
  public let height: Int
  /// Row-major values; keep the count at width × height.
  public var pixels: [Float]

  /// Wraps `pixels`, which must hold exactly `width * height` values.
  public init(width: Int, height: Int, pixels: [Float]) {
    precondition(width > 0 && height > 0, "image dimensions must be positive")
    precondition(pixels.count == width * height, "pixel buffer does not match \(width)×\(height)")
    self.width = width
    self.height = height
    self.pixels = pixels
  }

  /// An image of one value.
  public init(width: Int, height: Int, fill: Float = 0) {
    self.init(width: width, height: height, pixels: [Float](repeating: fill, count: width * height))
  }

  /// Luma of an RGB image (BT.601 weights, as OpenCV's grey conversion).
  public init(_ image: RGBImage) {
    var out = [Float](repeating: 0, count: image.width * image.height)
    pk_rgb8_to_grey(image.pixels, Int32(image.width), Int32(image.height), image.width * 3, &out,
                    image.width)
    self.init(width: image.width, height: image.height, pixels: out)
  }

  public subscript(x: Int, y: Int) -> Float {
    get { pixels[y * width + x] }
    set { pixels[y * width + x] = newValue }
  }

  /// The image at a continuous point, bilinearly interpolated; outside, the nearest edge value.
  public func sample(x: Double, y: Double) -> Float {
    pk_sample_bilinear(pixels, width, 1, Int32(width), Int32(height), Float(x), Float(y))
  }

  /// Gaussian blur (separable, kernel radius ⌈3σ⌉, edges replicated).
  public func blurred(sigma: Double) -> GreyImage {
    let weights = Self.gaussianWeights(sigma: sigma)
    var out = self
    out.blur(weights: weights)
    return out
  }

  /// Derivatives ∂I/∂x and ∂I/∂y (Scharr, in grey levels per pixel).
  public func gradients() -> (x: GreyImage, y: GreyImage) {
    var gx = [Float](repeating: 0, count: pixels.count)
    var gy = gx
    pk_scharr(pixels, width, Int32(width), Int32(height), &gx, &gy, width)
    return (GreyImage(width: width, height: height, pixels: gx),
            GreyImage(width: width, height: height, pixels: gy))
  }

  /// Half the size in each axis (rounded down), binomially filtered, so that a point (x, y)
  /// here is exactly (x/2, y/2) there. Requires at least 2×2 pixels.
  public func halved() -> GreyImage {
    precondition(width >= 2 && height >= 2, "cannot halve a \(width)×\(height) image")
    var out = [Float](repeating: 0, count: (width / 2) * (height / 2))
    var scratch = [Float](repeating: 0, count: (width / 2) * height)
    pk_downsample2(pixels, width, Int32(width), Int32(height), &out, width / 2, &scratch)
    return GreyImage(width: width / 2, height: height / 2, pixels: out)
  }

  /// Normalised Gaussian taps for `sigma`, radius ⌈3σ⌉ (at least 1).
  static func gaussianWeights(sigma: Double) -> [Float] {
    let radius = max(1, Int((3 * sigma).rounded(.up)))
    var weights = [Float](repeating: 0, count: 2 * radius + 1)
    pk_gaussian_kernel(Float(sigma), Int32(radius), &weights)
    return weights
  }

  /// Blurs in place with odd-length normalised taps.
  mutating func blur(weights: [Float]) {
    var scratch = [Float](repeating: 0, count: pixels.count)
    Self.blurPlanes(&pixels, count: 1, width: width, height: height, weights: weights,
                    scratch: &scratch)
  }

  /// Blurs `count` consecutive width×height planes of `planes` in place.
  static func blurPlanes(_ planes: inout [Float], count: Int, width: Int, height: Int,
                         weights: [Float], scratch: inout [Float]) {
    let plane = width * height
    let radius = Int32(weights.count / 2)
    planes.withUnsafeMutableBufferPointer { buffer in
      // Each plane is blurred in place, which pk_blur_separable allows (src may equal dst);
      // the offsets stay inside the buffer because it holds `count` whole planes.
      precondition(buffer.count >= count * plane)
      for p in 0..<count {
        let base = buffer.baseAddress! + p * plane
        pk_blur_separable(base, width, Int32(width), Int32(height), weights, radius, base, width,
                          &scratch)
      }
    }
  }
}

/// A Gaussian-style image pyramid: level 0 the image, each next level half the size, with the
/// derivatives of every level for tracking.
///
/// All levels live in one buffer (and the derivatives in two more) so that the tracker can
/// hand C an array of level views with a single borrow of each buffer.
public struct ImagePyramid: Sendable {
  struct Level: Sendable {
    let width: Int
    let height: Int
    let offset: Int
  }

  let levels: [Level]
  let storage: [Float]
  let gradientX: [Float]
  let gradientY: [Float]

  /// Builds up to `levels` levels, stopping before a level would have a side below `minSide`.
  public init(_ image: GreyImage, levels maxLevels: Int, minSide: Int = 16) {
    var images = [image]
    while images.count < maxLevels, let last = images.last, last.width / 2 >= minSide,
      last.height / 2 >= minSide
    {
      images.append(last.halved())
    }
    var levels: [Level] = []
    var storage: [Float] = []
    var gx: [Float] = []
    var gy: [Float] = []
    for level in images {
      levels.append(Level(width: level.width, height: level.height, offset: storage.count))
      storage += level.pixels
      let g = level.gradients()
      gx += g.x.pixels
      gy += g.y.pixels
    }
    self.levels = levels
    self.storage = storage
    self.gradientX = gx
    self.gradientY = gy
  }

  /// Number of levels.
  public var count: Int { levels.count }

  /// Level `index` as an image (level 0 is the original).
  public subscript(index: Int) -> GreyImage {
    let l = levels[index]
    return GreyImage(width: l.width, height: l.height,
                     pixels: Array(storage[l.offset..<(l.offset + l.width * l.height)]))
  }

  /// Calls `body` with C views of the levels and their derivatives. The views point into this
  /// pyramid's buffers, which are borrowed for the whole call, so they are valid exactly as
  /// long as `body` runs; they must not escape it.
  func withViews<R>(
    _ body: (_ images: [pk_image_f32], _ gx: [pk_image_f32], _ gy: [pk_image_f32]) -> R
  ) -> R {
    storage.withUnsafeBufferPointer { s in
      gradientX.withUnsafeBufferPointer { x in
        gradientY.withUnsafeBufferPointer { y in
          func views(_ base: UnsafePointer<Float>) -> [pk_image_f32] {
            levels.map {
              pk_image_f32(data: base + $0.offset, width: Int32($0.width),
                           height: Int32($0.height), stride: $0.width)
            }
          }
          return body(views(s.baseAddress!), views(x.baseAddress!), views(y.baseAddress!))
        }
      }
    }
  }
}
