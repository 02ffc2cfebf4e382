import Foundation
import Testing

@testable import Media

/// A fresh temporary folder for one test.
func temporaryFolder() throws -> String {
  let path = (NSTemporaryDirectory() as NSString)
    .appendingPathComponent("plumb-media-\(UUID().uuidString)")
  try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  return path
}

/// A deterministic image that uses every byte value in each channel.
func patternImage(width: Int, height: Int) -> RGBImage {
  var pixels = [UInt8](repeating: 0, count: width * height * 3)
  var state: UInt32 = 12345
  for i in pixels.indices {
    state = state &* 1_103_515_245 &+ 12345
    pixels[i] = UInt8(truncatingIfNeeded: state >> 16)
  }
  return RGBImage(width: width, height: height, pixels: pixels)
}

/// CRC-32 as PNG chunks use it (ISO 3309), to forge headers in tests.
func crc32(_ bytes: [UInt8]) -> UInt32 {
  var crc: UInt32 = 0xFFFF_FFFF
  for byte in bytes {
    crc ^= UInt32(byte)
    for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
  }
  return ~crc
}

func bigEndian(_ value: UInt32) -> [UInt8] {
  [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
}

@Suite struct PNGTests {
  @Test func roundTripIsLossless() throws {
    let image = patternImage(width: 37, height: 23)
    let decoded = try PNGCodec.decode(PNGCodec.encode(image), name: "memory")
    #expect(decoded == image)

    let path = (try temporaryFolder() as NSString).appendingPathComponent("pattern.png")
    try PNGCodec.write(image, path: path)
    #expect(try PNGCodec.read(path: path) == image)
  }

  @Test func truncatedFileIsAClearError() throws {
    let data = try PNGCodec.encode(patternImage(width: 64, height: 64))
    let path = (try temporaryFolder() as NSString).appendingPathComponent("cut.png")
    try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
    let error = #expect(throws: MediaError.self) { try PNGCodec.read(path: path) }
    #expect(error?.path == path)
    #expect(error?.reason.hasPrefix("invalid PNG pixel data (libpng: ") == true)
  }

  @Test func nonPNGIsRefusedByName() throws {
    let path = (try temporaryFolder() as NSString).appendingPathComponent("notes.png")
    try Data("just some text".utf8).write(to: URL(fileURLWithPath: path))
    let error = #expect(throws: MediaError.self) { try PNGCodec.read(path: path) }
    #expect(error?.description == "\(path): not a PNG file (missing PNG signature)")
  }

  @Test func absurdDimensionsAreRefusedBeforeAllocating() throws {
    // A well-formed file whose IHDR declares 100000×100000 RGB over a tiny IDAT: decoding it
    // would need 30 GB, so it must be refused from the header alone.
    func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
      let typed = Array(type.utf8) + body
      return bigEndian(UInt32(body.count)) + typed + bigEndian(crc32(typed))
    }
    var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    bytes += chunk("IHDR", bigEndian(100_000) + bigEndian(100_000) + [8, 2, 0, 0, 0])
    bytes += chunk("IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])
    bytes += chunk("IEND", [])
    let error = #expect(throws: MediaError.self) {
      try PNGCodec.decode(Data(bytes), name: "huge.png")
    }
    #expect(
      error?.description
        == "huge.png: declares 100000×100000 pixels; at most 16384 a side and 268435456 pixels are accepted"
    )
  }

  @Test func missingFileNamesThePath() throws {
    let path = "/nonexistent/plumb/frame.png"
    let error = #expect(throws: MediaError.self) { try PNGCodec.read(path: path) }
    #expect(error?.path == path)
    #expect(error?.reason.hasPrefix("cannot be read") == true)
  }

  @Test func frameFolderKeepsNumericOrder() throws {
    let folder = try temporaryFolder()
    let frames = (0..<12).map { i in RGBImage(width: 8, height: 4, fill: RGB(UInt8(i * 20), 0, 0)) }
    try FrameFolder.write(Clip(frames: frames, fps: 24), to: folder)
    let clip = try FrameFolder.read(folder, fps: 24)
    #expect(clip.frames == frames)
    #expect(clip.fps == 24)
  }

  @Test func frameFolderRefusesMixedSizes() throws {
    let folder = try temporaryFolder()
    try PNGCodec.write(RGBImage(width: 8, height: 8), path: folder + "/f1.png")
    try PNGCodec.write(RGBImage(width: 9, height: 8), path: folder + "/f2.png")
    let error = #expect(throws: MediaError.self) { try FrameFolder.read(folder, fps: 30) }
    #expect(error?.description == "\(folder)/f2.png: is 9×8, expected 8×8 like the frames before it")
  }
}
