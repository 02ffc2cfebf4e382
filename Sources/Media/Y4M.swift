import CKernels
import Foundation

/// YUV4MPEG2 (`.y4m`): raw planar Y'CbCr frames behind a one-line text header, read and written
/// without ffmpeg.
///
/// Supported: 8-bit 4:2:0 (`C420jpeg`, `C420mpeg2`, `C420paldv`, `C420`) and 4:4:4 (`C444`).
/// The header names no colour matrix, so BT.601 is assumed, as ffmpeg and most tools that
/// write Y4M do for standard-definition and unlabelled video. The range is limited (Y' 16–235,
/// Cb Cr 16–240) unless the header carries ffmpeg's `XCOLORRANGE=FULL`; this writer says which
/// it used. The three 4:2:0 tags differ only in where chroma samples sit; each chroma sample is
/// taken to cover its 2×2 block, which moves colour edges by at most half a pixel.
///
/// Accuracy of a round trip RGB → Y4M → RGB: 4:4:4 is within 2 levels per channel in limited
/// range (Y' has 220 codes for 256 levels) and within 1 in full range. 4:2:0 matches 4:4:4 on
/// flat colour, but the four pixels of a 2×2 block share one chroma sample, so colour edges
/// inside a block bleed: on a smooth test picture with sharp-edged squares the mean error is
/// under 2 levels and the worst, at the edges, under 60 (see Y4MTests).
public enum Y4M {
  public enum Chroma: String, Sendable, CaseIterable {
    case c420 = "420jpeg"
    case c444 = "444"

    var shift: Int32 { self == .c420 ? 1 : 0 }
  }

  /// Reads a whole Y4M file.
  public static func read(path: String) throws -> Clip {
    try Y4MReader(path: path).collect()
  }

  /// Writes `clip` to `path`, replacing any file there.
  public static func write(
    _ clip: Clip, to path: String, chroma: Chroma = .c444, fullRange: Bool = false
  ) throws {
    guard let first = clip.frames.first else {
      throw MediaError(path: path, reason: "cannot write a clip without frames")
    }
    let writer = try Y4MWriter(
      path: path, width: first.width, height: first.height, fps: clip.fps, chroma: chroma,
      fullRange: fullRange)
    defer { writer.close() }
    for frame in clip.frames { try writer.append(frame) }
  }
}

/// The parts of a Y4M stream header this reader uses.
struct Y4MHeader {
  var width = 0
  var height = 0
  var frameRate: FrameRate?
  var chroma = Y4M.Chroma.c420
  var fullRange = false

  init(_ line: [UInt8], path: String) throws {
    let text = String(decoding: line, as: UTF8.self)
    let fields = text.split(separator: " ", omittingEmptySubsequences: true)
    guard fields.first == "YUV4MPEG2" else {
      throw MediaError(path: path, reason: "not a Y4M file (does not start with 'YUV4MPEG2')")
    }
    for field in fields.dropFirst() {
      let value = String(field.dropFirst())
      switch field.first {
      case "W": width = Int(value) ?? 0
      case "H": height = Int(value) ?? 0
      case "F": frameRate = FrameRate(parsing: value)
      case "C":
        switch value {
        case "420jpeg", "420mpeg2", "420paldv", "420": chroma = .c420
        case "444": chroma = .c444
        default:
          throw MediaError(
            path: path,
            reason: "uses colour space 'C\(value)'; only 8-bit C420jpeg, C420mpeg2, C420paldv, C420 and C444 are supported (convert with: ffmpeg -i IN -pix_fmt yuv444p OUT.y4m)")
        }
      case "X" where value.hasPrefix("COLORRANGE="):
        fullRange = value == "COLORRANGE=FULL"
      default:
        break  // interlacing, aspect ratio and other extensions do not change the samples
      }
    }
    guard width > 0, height > 0, width <= PNGCodec.maxSide, height <= PNGCodec.maxSide else {
      throw MediaError(
        path: path,
        reason: "Y4M header gives size \(width)×\(height); expected W and H between 1 and \(PNGCodec.maxSide)")
    }
    guard frameRate != nil else {
      throw MediaError(path: path, reason: "Y4M header has no valid frame rate (F<num>:<den>)")
    }
  }

  var chromaWidth: Int { (width + Int(chroma.shift)) >> Int(chroma.shift) }
  var chromaHeight: Int { (height + Int(chroma.shift)) >> Int(chroma.shift) }
  var frameBytes: Int { width * height + 2 * chromaWidth * chromaHeight }
}

/// Reads a Y4M file a frame at a time.
public final class Y4MReader: FrameSource {
  public private(set) var info: VideoInfo
  private let header: Y4MHeader
  private var handle: FileHandle?
  private var planes: [UInt8]
  private var index = 0

  /// Opens `path` and reads its header. `fps` overrides the header's rate.
  public init(path: String, fps: Double? = nil) throws {
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw MediaError(path: path, reason: "cannot be opened for reading")
    }
    let reader = ByteReader(fd: handle.fileDescriptor)
    let line: [UInt8]?
    do { line = try reader.readLine(limit: 1024) } catch {
      throw MediaError(path: path, reason: "cannot be read (\(describe(error)))")
    }
    guard let line, line.count <= 1024 else {
      throw MediaError(path: path, reason: "not a Y4M file (no header line)")
    }
    let header = try Y4MHeader(line, path: path)
    self.header = header
    self.handle = handle
    planes = [UInt8](repeating: 0, count: header.frameBytes)
    let fileSize = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
    // Every frame is "FRAME\n" (parameters after FRAME are rare) plus the planes.
    let count = fileSize.map { ($0 - line.count - 1) / (header.frameBytes + 6) }
    let rate = header.frameRate!
    info = VideoInfo(
      path: path, format: "y4m", originalWidth: header.width, originalHeight: header.height,
      width: header.width, height: header.height, rotation: 0,
      containerFrameRate: rate, fps: fps ?? rate.fps,
      frameCount: count, duration: count.map { Double($0) / rate.fps })
  }

  deinit { close() }

  public func next() throws -> RGBImage? {
    guard let handle else { return nil }
    let reader = ByteReader(fd: handle.fileDescriptor)
    let marker: [UInt8]?
    do { marker = try reader.readLine(limit: 256) } catch {
      throw damaged("cannot be read (\(describe(error)))")
    }
    guard let marker else {
      close()
      return nil
    }
    guard marker.starts(with: Array("FRAME".utf8)), marker.count <= 256 else {
      throw damaged("has no FRAME marker where frame \(index) should begin")
    }
    let got: Int
    do { got = try planes.withUnsafeMutableBytes { try reader.readFully($0) } } catch {
      throw damaged("cannot be read (\(describe(error)))")
    }
    guard got == planes.count else {
      throw damaged("frame \(index) is truncated: \(got) of \(planes.count) bytes")
    }
    index += 1
    return convert()
  }

  public func close() {
    try? handle?.close()
    handle = nil
  }

  private func damaged(_ reason: String) -> MediaError {
    close()
    return MediaError(path: info.path, reason: reason)
  }

  private func convert() -> RGBImage {
    let w = header.width, h = header.height
    let cw = header.chromaWidth, lumaBytes = w * h, chromaBytes = cw * header.chromaHeight
    var rgb = [UInt8](repeating: 0, count: w * h * 3)
    // The planes buffer holds Y' then Cb then Cr at the offsets used; rgb holds w·h·3 bytes.
    planes.withUnsafeBufferPointer { p in
      let y = p.baseAddress!
      pk_yuv_to_rgb8(
        y, w, y + lumaBytes, y + lumaBytes + chromaBytes, cw, header.chroma.shift,
        header.chroma.shift, Int32(w), Int32(h), header.fullRange ? 1 : 0, &rgb, w * 3)
    }
    return RGBImage(width: w, height: h, pixels: rgb)
  }
}

/// Writes a Y4M file a frame at a time; every frame must have the first one's size.
public final class Y4MWriter {
  public let path: String
  private let header: Y4MHeader
  private var handle: FileHandle?
  private var planes: [UInt8]

  public init(
    path: String, width: Int, height: Int, fps: Double, chroma: Y4M.Chroma = .c444,
    fullRange: Bool = false
  ) throws {
    self.path = path
    let rate = FrameRate(approximating: fps)
    let line =
      "YUV4MPEG2 W\(width) H\(height) F\(rate.numerator):\(rate.denominator) Ip A1:1 "
      + "C\(chroma.rawValue) XCOLORRANGE=\(fullRange ? "FULL" : "LIMITED")"
    header = try Y4MHeader(Array(line.utf8), path: path)
    guard FileManager.default.createFile(atPath: path, contents: Data((line + "\n").utf8)),
      let handle = FileHandle(forWritingAtPath: path)
    else {
      throw MediaError(path: path, reason: "cannot be created for writing")
    }
    handle.seekToEndOfFile()
    self.handle = handle
    planes = [UInt8](repeating: 0, count: header.frameBytes)
  }

  deinit { close() }

  public func append(_ frame: RGBImage) throws {
    guard frame.width == header.width, frame.height == header.height else {
      throw MediaError(
        path: path,
        reason: "frame is \(frame.width)×\(frame.height), the file's frames are \(header.width)×\(header.height)")
    }
    guard let handle else { throw MediaError(path: path, reason: "is already closed") }
    let w = header.width, h = header.height
    let cw = header.chromaWidth, lumaBytes = w * h, chromaBytes = cw * header.chromaHeight
    // Same plane layout as the reader; the buffer is exactly frameBytes long.
    planes.withUnsafeMutableBufferPointer { p in
      let y = p.baseAddress!
      pk_rgb8_to_yuv(
        frame.pixels, w * 3, Int32(w), Int32(h), header.chroma.shift, header.chroma.shift,
        header.fullRange ? 1 : 0, y, w, y + lumaBytes, y + lumaBytes + chromaBytes, cw)
    }
    do {
      try handle.write(contentsOf: Data("FRAME\n".utf8))
      try handle.write(contentsOf: planes)
    } catch {
      throw MediaError(path: path, reason: "cannot be written (\(describe(error)))")
    }
  }

  public func close() {
    try? handle?.close()
    handle = nil
  }
}
