import Foundation
import Generators
import Media
import Scenarios
import Testing

@Suite struct FolderGeneratorTests {
  func frames(_ count: Int, seed: Int) -> [RGBImage] {
    (0..<count).map {
      RGBImage(width: 32, height: 32, fill: RGB(UInt8(40 * $0), UInt8(seed * 50), 200))
    }
  }

  /// Encodes frames with ffmpeg into `path`, the container chosen by its extension.
  func encode(_ frames: [RGBImage], to path: String, scratch: Scratch) throws {
    let pngs = scratch.file("pngs-\(UUID().uuidString)")
    try FrameFolder.write(Clip(frames: frames, fps: 8), to: pngs)
    let ffmpeg = Process()
    ffmpeg.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    ffmpeg.arguments =
      [
        "ffmpeg", "-nostdin", "-v", "error", "-y", "-framerate", "8", "-i",
        "\(pngs)/frame_%05d.png",
      ]
      + (path.hasSuffix(".y4m") ? ["-pix_fmt", "yuv444p"] : []) + [path]
    try ffmpeg.run()
    ffmpeg.waitUntilExit()
    #expect(ffmpeg.terminationStatus == 0, "ffmpeg could not write \(path)")
  }

  @Test func findsEachLayoutAndNamesWhatIsMissing() async throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let root = scratch.file("clips")
    try FrameFolder.write(
      Clip(frames: frames(4, seed: 0), fps: 8), to: "\(root)/falling-cups/tiny/seed-0")
    try FrameFolder.write(
      Clip(frames: frames(4, seed: 1), fps: 8), to: "\(root)/falling-cups__tiny_s1")
    let folder = FolderGenerator(name: "made-elsewhere", root: root)
    let scenario = tinyScenario()
    for seed in [0, 1] {
      let clip = try await folder.generate(
        GenerationRequest(scenario: scenario, seed: UInt64(seed)))
      #expect(clip.frames == frames(4, seed: seed))
    }
    let samples =
      (0..<3).map { (scenarioID: scenario.id, seed: UInt64($0)) } + [
        (scenarioID: "occlusion/wall", seed: 0)
      ]
    #expect(
      folder.missing(samples) == [
        "falling-cups/tiny seed 2: expected falling-cups/tiny/seed-2.{mp4,webm,gif,y4m} or falling-cups__tiny_s2.{mp4,webm,gif,y4m} (or a PNG folder of that name)",
        "occlusion/wall seed 0: expected occlusion/wall/seed-0.{mp4,webm,gif,y4m} or occlusion__wall_s0.{mp4,webm,gif,y4m} (or a PNG folder of that name)",
      ])
    do {
      _ = try await folder.generate(GenerationRequest(scenario: scenario, seed: 2))
      Issue.record("a missing clip was found")
    } catch let error as GeneratorError {
      #expect(
        error.description
          == "no clip in \(root) for falling-cups/tiny seed 2: expected falling-cups/tiny/seed-2.{mp4,webm,gif,y4m} or falling-cups__tiny_s2.{mp4,webm,gif,y4m} (or a PNG folder of that name)"
      )
    }
  }

  @Test(.enabled(if: hasFFmpeg, "writing MP4, WebM and GIF needs ffmpeg"))
  func readsVideoFormats() async throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let root = scratch.file("clips")
    try FileManager.default.createDirectory(
      atPath: "\(root)/falling-cups/tiny", withIntermediateDirectories: true)
    let files = [
      "falling-cups/tiny/seed-0.mp4", "falling-cups/tiny/seed-1.webm", "falling-cups__tiny_s2.gif",
      "falling-cups__tiny_s3.y4m",
    ]
    for (seed, name) in files.enumerated() {
      try encode(frames(4, seed: seed), to: "\(root)/\(name)", scratch: scratch)
    }
    // A clip of the wrong length is found but refused.
    try encode(frames(3, seed: 4), to: "\(root)/falling-cups/tiny/seed-4.mp4", scratch: scratch)
    let folder = FolderGenerator(name: "made-elsewhere", root: root)
    for seed in 0..<4 {
      let clip = try await folder.generate(
        GenerationRequest(scenario: tinyScenario(), seed: UInt64(seed)))
      #expect(clip.frames.count == 4, "\(files[seed])")
      #expect(clip.width == 32 && clip.height == 32)
      // Lossy codecs and GIF's palette move flat colours a little; 12 levels is far below the
      // 40-level step between frames, so the frames are the ones written and in order.
      let expected = frames(4, seed: seed)
      for k in 0..<4 {
        let got = clip.frames[k][16, 16]
        #expect(
          abs(Int(got.r) - Int(expected[k][16, 16].r)) <= 12, "\(files[seed]) frame \(k): \(got)")
      }
    }
    await #expect(
      throws: GeneratorError("\(root)/falling-cups/tiny/seed-4.mp4 has 3 frames, 4 were asked for")
    ) {
      try await folder.generate(GenerationRequest(scenario: tinyScenario(), seed: 4))
    }
  }
}
