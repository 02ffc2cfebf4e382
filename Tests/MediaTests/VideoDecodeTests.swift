import Foundation
import Testing

@testable import Media

/// Runs ffmpeg with `arguments` (argv, no shell) to make a test fixture.
func encode(_ arguments: [String]) throws {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["ffmpeg", "-nostdin", "-y", "-loglevel", "error"] + arguments
  process.standardInput = FileHandle.nullDevice
  try process.run()
  process.waitUntilExit()
  #expect(process.terminationStatus == 0, "ffmpeg \(arguments.joined(separator: " ")) failed")
}

/// Whether ffmpeg is installed.
let ffmpegInstalled = (try? FFmpeg().locate("ffmpeg", for: "")) != nil

/// `clip` written as `name` in a fresh folder: first as Y4M, then encoded by ffmpeg with
/// `codec` (options before the input in `input`). nil, with an issue recorded, when ffmpeg is
/// not installed: the tests that need it say how to get it rather than pass silently.
func encodedFixture(
  _ clip: Clip, as name: String, _ codec: [String], input: [String] = [],
  sourceLocation: SourceLocation = #_sourceLocation
) throws -> (folder: String, y4m: String, video: String)? {
  guard ffmpegInstalled else {
    Issue.record("ffmpeg is not installed (apt-get install ffmpeg); cannot make \(name)", sourceLocation: sourceLocation)
    return nil
  }
  let (folder, y4m) = try y4mFixture(clip)
  let video = (folder as NSString).appendingPathComponent(name)
  try encode(input + ["-i", y4m] + codec + [video])
  return (folder, y4m, video)
}

/// A Y4M fixture of `clip` in a fresh folder.
func y4mFixture(_ clip: Clip) throws -> (folder: String, y4m: String) {
  let folder = try temporaryFolder()
  let y4m = (folder as NSString).appendingPathComponent("source.y4m")
  try Y4M.write(clip, to: y4m, chroma: .c444)
  return (folder, y4m)
}

@Suite struct VideoDecodeTests {
  /// Each container and codec a generator might hand us, encoded here from a 64×48, 10-frame,
  /// 25 fps clip and decoded back. Tolerances are mean absolute error per channel in levels,
  /// set about twice what each codec was measured to leave at worst over the frames: H.264 at
  /// crf 12 1.8 levels, VP9 at crf 10 0.8, MJPEG at q 2 1.3 (mostly 4:2:0 at the moving
  /// square's edges); GIF maps the picture's ~2,600 colours (a red-green ramp over ten blues)
  /// to one 256-colour palette with dithering, 8.2 levels, so 12.
  @Test(arguments: [
    ("mp4", ["-c:v", "libx264", "-crf", "12", "-pix_fmt", "yuv420p"], 4.0),
    ("mov", ["-c:v", "libx264", "-crf", "12", "-pix_fmt", "yuv420p"], 4.0),
    ("mkv", ["-c:v", "libx264", "-crf", "12", "-pix_fmt", "yuv420p"], 4.0),
    ("webm", ["-c:v", "libvpx-vp9", "-crf", "10", "-b:v", "0", "-deadline", "realtime"], 4.0),
    ("avi", ["-c:v", "mjpeg", "-q:v", "2", "-pix_fmt", "yuvj420p"], 4.0),
    ("gif", ["-vf", "split[a][b];[a]palettegen[p];[b][p]paletteuse"], 12.0),
  ])
  func decodesEachContainerWithinTolerance(ext: String, codec: [String], tolerance: Double) throws {
    let clip = smoothClip()
    guard let (_, _, video) = try encodedFixture(clip, as: "clip.\(ext)", codec) else { return }
    let loaded = try ClipLoader.load(path: video)
    #expect(loaded.clip.frames.count == 10)
    #expect(loaded.info.frameCount == 10)
    // GIF stores delays in hundredths of a second: 25 fps is exactly 4/100 s.
    #expect(abs((loaded.containerFPS ?? 0) - 25) < 1e-9, "container fps \(String(describing: loaded.containerFPS))")
    #expect(loaded.fps == loaded.containerFPS)
    #expect(loaded.clip.width == 64 && loaded.clip.height == 48)
    for (k, (a, b)) in zip(clip.frames, loaded.clip.frames).enumerated() {
      let d = difference(a, b)
      #expect(d.mean < tolerance, "frame \(k): mean difference \(d.mean) levels")
    }
  }

  /// A user's rate replaces the container's, which is still reported.
  @Test func statedFPSOverridesTheContainer() throws {
    guard
      let (_, y4m, video) = try encodedFixture(
        smoothClip(frames: 4, fps: 30), as: "slowmo.mp4", ["-c:v", "libx264", "-pix_fmt", "yuv420p"])
    else { return }
    let loaded = try ClipLoader.load(path: video, fps: 120)
    #expect(loaded.containerFPS == 30)
    #expect(loaded.fps == 120)
    #expect(loaded.clip.duration == 4.0 / 120)
    let y4mLoaded = try ClipLoader.load(path: y4m, fps: 240)
    #expect(y4mLoaded.containerFPS == 30 && y4mLoaded.fps == 240)
  }

  /// 64×48 brought to long side 32 is 32×24; 100×30 to long side 25 is 25 × 7.5, whose even
  /// neighbour is 8 (26×8 once the long side is made even too). Rotation swaps the sides first.
  @Test func scalesToLongSideKeepingAspectWithEvenSides() throws {
    #expect(analysisSize(width: 64, height: 48, longSide: 32) == (32, 24))
    #expect(analysisSize(width: 100, height: 30, longSide: 25) == (26, 8))
    #expect(analysisSize(width: 64, height: 48, longSide: 512) == (64, 48))
    let clip = smoothClip()
    guard let (_, y4m, video) = try encodedFixture(clip, as: "clip.mkv", ["-c:v", "ffv1"]) else { return }
    let small = try ClipLoader.load(path: video, longSide: 32)
    #expect(small.clip.width == 32 && small.clip.height == 24)
    #expect(small.info.originalWidth == 64 && small.info.originalHeight == 48)
    // ffmpeg's area filter and ours average the same 2×2 blocks of a lossless (FFV1) decode.
    let ours = clip.frames[3].downsampled(width: 32, height: 24)
    #expect(difference(ours, small.clip.frames[3]).mean < 2.5)
    let turned = try ClipLoader.load(path: video, longSide: 32, rotation: 90)
    #expect(turned.clip.width == 24 && turned.clip.height == 32)
    #expect(difference(ours.rotated(clockwise: 90), turned.clip.frames[3]).mean < 2.5)
    // The same through the Swift path for Y4M.
    let y4mTurned = try ClipLoader.load(path: y4m, longSide: 32, rotation: 90)
    #expect(y4mTurned.clip.width == 24 && y4mTurned.clip.height == 32)
    #expect(difference(ours.rotated(clockwise: 90), y4mTurned.clip.frames[3]).mean < 2.5)
  }

  /// An MP4 cut in half loses frames mid-stream; one cut before its index cannot be opened.
  /// Either way the error names the file.
  @Test func truncatedMP4IsAnErrorNamingTheFile() throws {
    guard
      let (folder, _, video) = try encodedFixture(
        smoothClip(frames: 20), as: "whole.mp4",
        ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart"])
    else { return }
    let data = try Data(contentsOf: URL(fileURLWithPath: video))
    for (name, bytes) in [("cut.mp4", data.prefix(data.count * 2 / 3)), ("head.mp4", data.prefix(200))] {
      let path = (folder as NSString).appendingPathComponent(name)
      try bytes.write(to: URL(fileURLWithPath: path))
      let error = #expect(throws: MediaError.self) { try ClipLoader.load(path: path) }
      #expect(error?.path == path)
      #expect(error?.description.hasPrefix("\(path): ") == true)
      if name == "cut.mp4" {
        // Where ffmpeg gives up depends on where the cut falls; the form does not.
        let reason = error?.reason ?? ""
        let frame = reason.hasPrefix("frame ") ? Int(reason.dropFirst(6).prefix { $0.isNumber }) : nil
        #expect(frame.map { $0 < 20 } == true, "\(reason)")
        #expect(reason.hasSuffix(" of 20 could not be decoded (ffmpeg: Invalid data found when processing input)"), "\(reason)")
      }
    }
  }

  @Test func missingFFmpegSaysHowToInstallIt() throws {
    let (folder, _) = try y4mFixture(smoothClip(frames: 1))
    let path = (folder as NSString).appendingPathComponent("any.mp4")
    try Data([0, 0, 0, 0]).write(to: URL(fileURLWithPath: path))
    let error = #expect(throws: MediaError.self) {
      try ClipLoader.open(path: path, ffmpeg: FFmpeg(searchPath: [folder]))
    }
    #expect(error?.description == "\(path): needs ffmpeg to be decoded, and ffmpeg is not on PATH; install ffmpeg (Debian, Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg) or convert the video to Y4M or a folder of PNG frames")
  }

  /// Stopping after two frames of a long stream ends and reaps ffmpeg at once.
  @Test func closingEarlyStopsTheDecoder() throws {
    // 10 frames looped 30 times: more output than a pipe buffer holds.
    guard
      let (_, _, video) = try encodedFixture(
        smoothClip(frames: 10), as: "loop.mkv", ["-c:v", "ffv1"], input: ["-stream_loop", "30"])
    else { return }
    let reader = try FFmpegReader(path: video)
    #expect(try reader.next() != nil)
    #expect(try reader.next() != nil)
    reader.close()
    #expect(try reader.next() == nil)
  }

  /// A PNG folder states no rate: the user's is used, else 30 fps, and no container rate is
  /// reported. Rotation and scaling apply as for any other source.
  @Test func loadsPNGFolderAtStatedOrDefaultRate() throws {
    let folder = try temporaryFolder()
    let clip = smoothClip(frames: 3)
    try FrameFolder.write(clip, to: folder)
    let plain = try ClipLoader.load(path: folder)
    #expect(plain.containerFPS == nil && plain.fps == 30)
    #expect(plain.clip.frames == clip.frames)
    let turned = try ClipLoader.load(path: folder, fps: 12, longSide: 32, rotation: 270)
    #expect(turned.fps == 12 && turned.info.rotation == 270)
    #expect(turned.clip.width == 24 && turned.clip.height == 32)
    #expect(turned.clip.frames[1] == clip.frames[1].downsampled(width: 32, height: 24).rotated(clockwise: 270))
  }
}
