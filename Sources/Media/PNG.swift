import CPNG
import Foundation

/// A file that could not be read or written as an image, with the reason.
public struct MediaError: Error, CustomStringConvertible, Equatable {
  public let path: String
  public let reason: String

  public init(path: String, reason: String) {
    self.path = path
    self.reason = reason
  }

  public var description: String { "\(path): \(reason)" }
}

/// PNG encoding and decoding through the system libpng.
///
/// Only libpng's simplified `png_image_*` API is used: it keeps libpng's longjmp error
/// handling inside the library and reports failures in `image.message`, so a corrupt file
/// becomes a Swift error instead of aborting the process.
public enum PNGCodec {
  /// Images larger than this on a side are refused before any pixel memory is allocated.
  public static let maxSide = 16384
  /// Images with more pixels than this (2^28) are refused likewise.
  public static let maxPixels = 1 << 28

  private static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

  /// Reads the PNG at `path` as 8-bit RGB (grey, palette, 16-bit and alpha are converted).
  public static func read(path: String) throws -> RGBImage {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw MediaError(path: path, reason: "cannot be read (\(describe(error)))")
    }
    return try decode(data, name: path)
  }

  /// Decodes PNG bytes; `name` identifies the source in errors.
  public static func decode(_ data: Data, name: String) throws -> RGBImage {
    guard data.count >= signature.count, data.prefix(signature.count).elementsEqual(signature)
    else {
      throw MediaError(path: name, reason: "not a PNG file (missing PNG signature)")
    }
    var image = png_image()
    image.version = png_uint_32(PNG_IMAGE_VERSION)
    defer { png_image_free(&image) }

    let begun = data.withUnsafeBytes { raw in
      png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count)
    }
    guard begun != 0 else { throw failure(image, name: name, doing: "header") }

    let width = Int(image.width)
    let height = Int(image.height)
    guard width <= maxSide, height <= maxSide, width * height <= maxPixels else {
      throw MediaError(
        path: name,
        reason: "declares \(width)×\(height) pixels; at most \(maxSide) a side and \(maxPixels) "
          + "pixels are accepted")
    }
    image.format = png_uint_32(PNG_FORMAT_RGB)
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    // The buffer outlives the call and holds exactly width·height·3 bytes, the size libpng
    // writes for PNG_FORMAT_RGB with the default (zero) row stride.
    let finished = data.withUnsafeBytes { _ in
      pixels.withUnsafeMutableBytes { out in
        png_image_finish_read(&image, nil, out.baseAddress, 0, nil)
      }
    }
    guard finished != 0 else { throw failure(image, name: name, doing: "pixel data") }
    return RGBImage(width: width, height: height, pixels: pixels)
  }

  /// Encodes an image as an 8-bit RGB PNG.
  public static func encode(_ picture: RGBImage, name: String = "image") throws -> Data {
    var image = png_image()
    image.version = png_uint_32(PNG_IMAGE_VERSION)
    image.width = png_uint_32(picture.width)
    image.height = png_uint_32(picture.height)
    image.format = png_uint_32(PNG_FORMAT_RGB)
    defer { png_image_free(&image) }

    return try picture.pixels.withUnsafeBytes { src in
      // First call measures, second call writes into a buffer of that size.
      var size = 0
      guard png_image_write_to_memory(&image, nil, &size, 0, src.baseAddress, 0, nil) != 0 else {
        throw failure(image, name: name, doing: "encoding")
      }
      var out = Data(count: size)
      let written = out.withUnsafeMutableBytes { dst in
        png_image_write_to_memory(&image, dst.baseAddress, &size, 0, src.baseAddress, 0, nil)
      }
      guard written != 0 else { throw failure(image, name: name, doing: "encoding") }
      return out.prefix(size)
    }
  }

  /// Writes an image to `path` atomically: a reader never sees half a file.
  public static func write(_ picture: RGBImage, path: String) throws {
    let data = try encode(picture, name: path)
    do {
      try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
      throw MediaError(path: path, reason: "cannot be written (\(describe(error)))")
    }
  }

  private static func failure(_ image: png_image, name: String, doing stage: String) -> MediaError {
    var message = image.message
    let text = withUnsafeBytes(of: &message) { raw in
      String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
    }
    let reason = text.isEmpty ? "unknown libpng error" : text
    return MediaError(path: name, reason: "invalid PNG \(stage) (libpng: \(reason))")
  }
}

/// A short text for a Foundation error, without the object dump that `description` gives.
func describe(_ error: Error) -> String {
  let ns = error as NSError
  if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError {
    return String(cString: strerror(Int32(underlying.code)))
  }
  return ns.localizedDescription
}
