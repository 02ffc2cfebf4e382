import CKernels
import Foundation
import Testing

@testable import Media

/// A smooth test picture that video codecs can keep: horizontal and vertical ramps in red and
/// green, blue from the frame index, and a white square moving right one 4 px step per frame.
func smoothClip(width: Int = 64, height: Int = 48, frames: Int = 10, fps: Double = 25) -> Clip {
  let images = (0..<frames).map { k in
    var image = RGBImage(width: width, height: height)
    for y in 0..<height {
      for x in 0..<width {
        image[x, y] = RGB(
          UInt8(40 + 160 * x / width), UInt8(40 + 160 * y / height), UInt8(60 + 10 * k))
      }
    }
    for y in 16..<32 { for x in (4 * k)..<(4 * k + 12) where x < width { image[x, y] = RGB(240, 240, 240) } }
    return image
  }
  return Clip(frames: images, fps: fps)
}

/// Largest and mean absolute difference per channel between two equal-sized images.
func difference(_ a: RGBImage, _ b: RGBImage) -> (max: Int, mean: Double) {
  precondition(a.width == b.width && a.height == b.height)
  var worst = 0, total = 0
  for i in a.pixels.indices {
    let d = abs(Int(a.pixels[i]) - Int(b.pixels[i]))
    worst = max(worst, d)
    total += d
  }
  return (worst, Double(total) / Double(a.pixels.count))
}

@Suite struct Y4MTests {
  /// Limited range has 220 luma levels for 256 RGB levels, so one RGB step can fall between
  /// two codes: the round trip may be off by 2 levels in a channel, never more (the colour
  /// matrix spreads one code's rounding over the three channels). Every byte value appears.
  @Test func limitedRange444RoundTripIsWithinTwoLevels() throws {
    let folder = try temporaryFolder()
    let clip = Clip(frames: [patternImage(width: 33, height: 17), patternImage(width: 33, height: 17).rotated(clockwise: 180)], fps: 30)
    let path = (folder as NSString).appendingPathComponent("clip.y4m")
    try Y4M.write(clip, to: path, chroma: .c444)
    let back = try Y4M.read(path: path)
    #expect(back.frames.count == 2)
    #expect(back.fps == 30)
    for (a, b) in zip(clip.frames, back.frames) {
      let d = difference(a, b)
      #expect(d.max <= 2, "largest difference \(d.max) levels")
      #expect(d.mean < 0.8, "mean difference \(d.mean) levels")
    }
  }

  /// Full range keeps 256 codes per channel; the matrix's rounding leaves at most 1 level.
  @Test func fullRange444RoundTripIsWithinOneLevel() throws {
    let folder = try temporaryFolder()
    let clip = Clip(frames: [patternImage(width: 20, height: 10)], fps: 24)
    let path = (folder as NSString).appendingPathComponent("full.y4m")
    try Y4M.write(clip, to: path, chroma: .c444, fullRange: true)
    let header = try String(contentsOfFile: path, encoding: .isoLatin1).prefix { $0 != "\n" }
    #expect(header == "YUV4MPEG2 W20 H10 F24:1 Ip A1:1 C444 XCOLORRANGE=FULL")
    let d = difference(clip.frames[0], try Y4M.read(path: path).frames[0])
    #expect(d.max <= 1, "largest difference \(d.max) levels")
  }

  /// 4:2:0 keeps one colour per 2×2 block. On the smooth picture (ramps change 2.5 levels a
  /// pixel, the square's edges are block-aligned or not) the mean error stays under 2 levels
  /// and the worst, at the square's edges where white and ramp share a block, under 60.
  @Test func roundTrip420IsLossyWithinStatedTolerance() throws {
    let folder = try temporaryFolder()
    let clip = smoothClip(width: 63, height: 47, frames: 3)  // odd sizes: partial chroma blocks
    let path = (folder as NSString).appendingPathComponent("c420.y4m")
    try Y4M.write(clip, to: path, chroma: .c420)
    let back = try Y4M.read(path: path)
    #expect(back.frames.count == 3)
    for (a, b) in zip(clip.frames, back.frames) {
      let d = difference(a, b)
      #expect(d.mean < 2, "mean difference \(d.mean) levels")
      #expect(d.max < 60, "largest difference \(d.max) levels")
    }
  }

  /// The three 4:2:0 tags and the NTSC rate are read; grey (Cb = Cr = 128, limited range
  /// Y' = 126) is RGB (128, 128, 128) up to 1 level: (126 − 16) · 255/219 = 128.08.
  @Test(arguments: ["C420jpeg", "C420mpeg2", "C420paldv"])
  func readsEach420Tag(tag: String) throws {
    let folder = try temporaryFolder()
    let path = (folder as NSString).appendingPathComponent("grey.y4m")
    var bytes = Array("YUV4MPEG2 W4 H2 F30000:1001 It A0:0 \(tag)\nFRAME\n".utf8)
    bytes += [UInt8](repeating: 126, count: 8) + [UInt8](repeating: 128, count: 4)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let reader = try Y4MReader(path: path)
    #expect(reader.info.containerFrameRate == FrameRate(numerator: 30000, denominator: 1001))
    #expect(reader.info.frameCount == 1)
    let clip = try reader.collect()
    #expect(clip.frames.count == 1)
    #expect(clip.frames[0].pixels.allSatisfy { abs(Int($0) - 128) <= 1 })
  }

  @Test func truncatedFrameNamesFileAndFrame() throws {
    let folder = try temporaryFolder()
    let path = (folder as NSString).appendingPathComponent("cut.y4m")
    try Y4M.write(smoothClip(frames: 3), to: path)
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    try data.prefix(data.count - 100).write(to: URL(fileURLWithPath: path))
    #expect(throws: MediaError(path: path, reason: "frame 2 is truncated: 9116 of 9216 bytes")) {
      try Y4M.read(path: path)
    }
  }

  @Test func unsupportedColourSpaceSaysWhatIsSupported() throws {
    let folder = try temporaryFolder()
    let path = (folder as NSString).appendingPathComponent("deep.y4m")
    try Data("YUV4MPEG2 W4 H2 F25:1 C420p10\n".utf8).write(to: URL(fileURLWithPath: path))
    let error = #expect(throws: MediaError.self) { try Y4MReader(path: path) }
    #expect(error?.description == "\(path): uses colour space 'C420p10'; only 8-bit C420jpeg, C420mpeg2, C420paldv, C420 and C444 are supported (convert with: ffmpeg -i IN -pix_fmt yuv444p OUT.y4m)")
  }

  /// The kernel against the BT.601 definition in floating point, on every 8th RGB cube point:
  /// the fixed-point result may differ by one code from the rounded exact value.
  @Test func forwardKernelMatchesBT601Definition() {
    var worst = 0.0
    for r in stride(from: 0, through: 255, by: 8) {
      for g in stride(from: 0, through: 255, by: 8) {
        for b in stride(from: 0, through: 255, by: 8) {
          let px: [UInt8] = [UInt8(r), UInt8(g), UInt8(b)]
          var y: UInt8 = 0, u: UInt8 = 0, v: UInt8 = 0
          pk_rgb8_to_yuv(px, 3, 1, 1, 0, 0, 0, &y, 1, &u, &v, 1)
          let (R, G, B) = (Double(r), Double(g), Double(b))
          let ey = 0.299 * R + 0.587 * G + 0.114 * B
          let exact = [16 + ey * 219 / 255, 128 + (B - ey) / 1.772 * 224 / 255, 128 + (R - ey) / 1.402 * 224 / 255]
          for (code, truth) in zip([y, u, v], exact) { worst = max(worst, abs(Double(code) - truth)) }
        }
      }
    }
    #expect(worst <= 1.0, "largest difference from the definition: \(worst) codes")
  }
}
