import Engine
import Foundation
import Media
import Scenarios
import Testing

@testable import Analysis

/// Reference scenarios rendered small for debug-build speed: long side `longSide`, 15 fps
/// (at 15 fps VBench's dynamic-degree step is 2 frames, the same pairs the interpolation
/// uses, so each flow is computed once).
enum TemporalFixtures {
  static func scenario(_ file: String, longSide: Int) throws -> Scenario {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    var s = try ScenarioLoader.load(path: root.appendingPathComponent("scenarios/\(file).yaml").path)
    let k = Double(longSide) / Double(max(s.clip.width, s.clip.height))
    s.clip.width = Int((Double(s.clip.width) * k / 2).rounded()) * 2
    s.clip.height = Int((Double(s.clip.height) * k / 2).rounded()) * 2
    s.clip.fps = 15
    return s
  }

  /// The clip of `scenario`, broken by `defect` (a `reference:` defect name without the prefix).
  static func render(_ scenario: Scenario, defect: String? = nil) throws -> Clip {
    guard let defect else { return try ReferenceRenderer(scenario: scenario).renderClip() }
    let (broken, distortion) = try Defect.parse(defect).apply(to: scenario, seed: 0)
    return try ReferenceRenderer(scenario: broken, distortion: distortion).renderClip()
  }

  static func analyze(_ clip: Clip, _ scenario: Scenario) throws -> AnalysisResult {
    try TemporalAnalyzer().analyze(clip, scenario: scenario, check: CheckSpec(kind: .temporal))
  }

  static func score(_ result: AnalysisResult, _ name: String) throws -> Double {
    try #require(result.measurement(name)?.score, "\(name) has no score")
  }
}

/// A falling cup seen from a tripod: the reference passes, and freeze and flicker are caught.
@Suite struct TemporalAnalyzerOnAFallingCup {
  static let scenario = Result { try TemporalFixtures.scenario("falling-cups/drop-1m", longSide: 96) }
  static let reference = Result { try TemporalFixtures.analyze(TemporalFixtures.render(scenario.get()), scenario.get()) }

  /// The engine's frames are steady: no frozen run, brightness steady to a tenth of a level
  /// (measured 0.005: only the cup's shading changes the mean), and the VBench scores of a
  /// nearly static clip near 1 (measured 0.9997 and 0.9998).
  @Test func referencePassesWithHighScores() throws {
    let result = try Self.reference.get()
    #expect(result.passed, "\(result.findings)")
    #expect(try TemporalFixtures.score(result, "frozen_fraction") == 1)
    #expect(try #require(result.measurement("brightness_flicker")?.value) < 0.1)
    #expect(try TemporalFixtures.score(result, "temporal_flickering") > 0.99)
    #expect(try TemporalFixtures.score(result, "motion_smoothness") > 0.99)
    for m in result.measurements {
      #expect(m.value.map { $0.isFinite } ?? true, "\(m.name)")
    }
  }

  /// Freeze at 0.25 holds one frame for round(0.25 · 30) = 8 frames: 7 of the 29 pairs
  /// (0.241) repeat it. The run found must be exactly that long.
  @Test func freezeIsCaughtAsAFrozenRun() throws {
    let s = try Self.scenario.get()
    let result = try TemporalFixtures.analyze(TemporalFixtures.render(s, defect: "freeze"), s)
    let frozen = result.findings.filter { $0.severity == .violation && $0.message.contains("repeat the same image") }
    #expect(frozen.count == 1, "\(result.findings)")
    #expect(frozen.first?.frames.count == 8, "\(frozen)")
    let fraction = try #require(result.measurement("frozen_fraction")?.value)
    #expect(abs(fraction - 7.0 / 29) < 1e-9)
    let broken = try TemporalFixtures.score(result, "frozen_fraction")
    let steady = try TemporalFixtures.score(Self.reference.get(), "frozen_fraction")
    #expect(broken < steady - 0.2)
  }

  /// Flicker at 0.2 multiplies linear light by 1 ± 0.2 per frame; the mean brightness then
  /// jumps by several levels (measured 6.5), far above the 1-level limit, and the flicker
  /// score falls by more than half (1 − 6.5/10).
  @Test func flickerIsCaughtAsBrightnessFlicker() throws {
    let s = try Self.scenario.get()
    let result = try TemporalFixtures.analyze(TemporalFixtures.render(s, defect: "flicker"), s)
    #expect(result.findings.contains { $0.severity == .violation && $0.message.hasPrefix("brightness flickers") })
    #expect(result.findings.allSatisfy { !$0.message.contains("repeat the same image") }, "flicker is not a freeze")
    let reference = try Self.reference.get()
    let flickering = try TemporalFixtures.score(result, "brightness_flicker")
    let steady = try TemporalFixtures.score(reference, "brightness_flicker")
    #expect(flickering < steady - 0.5)
    let vbench = try TemporalFixtures.score(result, "temporal_flickering")
    let vbenchSteady = try TemporalFixtures.score(reference, "temporal_flickering")
    #expect(vbench < vbenchSteady - 0.02)
  }
}

/// Occlusion scenes hold still while their moving objects are hidden or held by a scripted
/// path: that stillness is what the scenario asks for, not a frozen generator. A freeze that
/// lets the object out of hiding in one jump is still caught.
@Suite struct TemporalAnalyzerOnOcclusion {
  static func scenario(_ name: String) throws -> Scenario {
    try TemporalFixtures.scenario("occlusion/\(name)", longSide: 128)
  }

  /// Every occlusion scene of the suite has a still run (measured 9–44 frames at 15 fps), each
  /// explained by the scenario, and passes.
  @Test(arguments: [
    ("ball-behind-wall", "ball hidden"), ("cross-behind-occluder", "red-ball, blue-ball hidden"),
    ("lid-covers", "cup hidden; cover held by its path"), ("long-occlusion", "ball hidden"),
  ])
  func referenceStillnessIsExplained(name: String, why: String) throws {
    let s = try Self.scenario(name)
    let result = try TemporalFixtures.analyze(TemporalFixtures.render(s), s)
    #expect(result.passed, "\(result.findings)")
    #expect(try TemporalFixtures.score(result, "frozen_fraction") == 1)
    let explained = result.findings.filter { $0.message.contains("as the scenario expects: \(why)") }
    #expect(explained.count == 1, "\(result.findings)")
    #expect(explained.first?.severity == .info)
  }

  /// Freeze at 0.25 from mid-motion: on these scenes the ball (or cover, or screen) is seen
  /// moving into the repeated frames or comes out of hiding whole on the frame after.
  @Test(arguments: ["ball-behind-wall", "cross-behind-occluder", "lid-covers", "screen-sweep"])
  func freezeIsStillCaught(name: String) throws {
    let s = try Self.scenario(name)
    let result = try TemporalFixtures.analyze(TemporalFixtures.render(s, defect: "freeze"), s)
    #expect(result.findings.contains { $0.severity == .violation && $0.message.contains("repeat the same image") }, "\(result.findings)")
    #expect(try TemporalFixtures.score(result, "frozen_fraction") < 0.9)
  }

  /// On long-occlusion the freeze falls wholly inside the time the ball is hidden and ends
  /// before it comes out: the clip is the reference's, frame for frame, so nothing can be
  /// caught and nothing must be.
  @Test func freezeWhileHiddenLeavesTheReferenceClip() throws {
    let s = try Self.scenario("long-occlusion")
    let frozen = try TemporalFixtures.render(s, defect: "freeze")
    let reference = try TemporalFixtures.render(s)
    #expect(frozen.frames == reference.frames)
  }
}

/// A camera arcing 90° around still blocks: its path runs at constant speed, so non-uniform
/// time shows as the scene's image speed slowing and speeding up again.
@Suite struct TemporalAnalyzerOnACameraArc {
  static let scenario = Result { try TemporalFixtures.scenario("camera-orbits/arc-90", longSide: 128) }
  static let reference = Result { try TemporalFixtures.analyze(TemporalFixtures.render(scenario.get()), scenario.get()) }

  /// Reference swing measured 1.13 (flow wobble on texture at 128 px), under the 1.35 limit.
  @Test func referencePassesWithSteadySpeed() throws {
    let result = try Self.reference.get()
    #expect(result.passed, "\(result.findings)")
    #expect(try #require(result.measurement("speed_swing")?.value) < 1.25)
    #expect(result.measurement("dynamic_degree")?.value == 1, "a camera arc is dynamic for VBench")
  }

  /// Timewarp at 0.5 swings playback speed between 0.5 and 1.5: measured swing 2.15.
  @Test func timewarpIsCaughtAsASpeedSwing() throws {
    let s = try Self.scenario.get()
    let result = try TemporalFixtures.analyze(TemporalFixtures.render(s, defect: "timewarp"), s)
    #expect(result.findings.contains { $0.severity == .violation && $0.message.hasPrefix("playback speed is not uniform") }, "\(result.findings)")
    let warped = try TemporalFixtures.score(result, "speed_swing")
    let steady = try TemporalFixtures.score(Self.reference.get(), "speed_swing")
    #expect(warped < steady - 0.25)
  }
}

/// The pieces, on inputs whose answer is known exactly.
@Suite struct TemporalAnalyzerParts {
  /// VBench's top-5% mean: the histogram shortcut must equal sorting, to rounding.
  @Test func topSumEqualsTheSortedSum() {
    var random = SystemRandomNumberGenerator()
    var values = (0..<5000).map { _ in Float.random(in: 0..<20, using: &random) }
    values += [Float](repeating: 7, count: 300)  // ties straddling the cut
    for count in [1, 250, 2000, values.count] {
      let exact = values.sorted(by: >).prefix(count).reduce(0.0) { $0 + Double($1) }
      let fast = TemporalSignals.topSum(values, count: count)
      #expect(abs(fast - exact) <= 1e-9 * exact, "count \(count): \(fast) vs \(exact)")
    }
  }

  /// A texture moving 4 px right between two frames: the midpoint is the texture moved 2 px,
  /// within 2 levels mean error (bilinear sampling and flow error on a smooth texture).
  @Test func midpointOfAUniformMotionIsTheHalfwayShift() {
    func texture(shift: Double) -> RGBImage {
      var image = RGBImage(width: 64, height: 48)
      for y in 0..<48 {
        for x in 0..<64 {
          let u = Double(x) - shift
          let v = 128 + 60 * sin(u / 5) * cos(Double(y) / 6) + 30 * sin(Double(y) / 3.5)
          image[x, y] = RGB(UInt8(v), UInt8(255 - v), 100)
        }
      }
      return image
    }
    let a = texture(shift: 0), b = texture(shift: 4), truth = texture(shift: 2)
    let flow = FarnebackFlow().flow(from: GreyImage(a), to: GreyImage(b))
    let predicted = TemporalSignals.midpoint(a, b, flow: flow)
    let error = FrameStatistics.meanAbsoluteDifference(predicted, truth)
    #expect(error < 2, "midpoint error \(error) levels")
    // Unmoved, the same comparison is off by 6.5 levels: the motion is there to be found.
    #expect(FrameStatistics.meanAbsoluteDifference(a, truth) > 5, "the test texture moves visibly")
  }

  /// Frozen runs count only between motion: at the start or end they are rest, and runs
  /// shorter than the minimum are ignored.
  @Test func frozenRunsNeedMotionOnBothSides() {
    let moving = 0.05, still = 0.0
    let series = [still, still, moving, still, moving, still, still, moving, still, still]
    let runs = FrozenRuns(changed: series, limit: 0.0002, minimumPairs: 2)
    #expect(runs.unexpected == [5...7])
    #expect(!runs.allFrozen)
    let single = FrozenRuns(changed: series, limit: 0.0002, minimumPairs: 1)
    #expect(single.unexpected == [3...4, 5...7])
  }

  /// A dip from 2 to 1 px per frame and back is a swing of 2; a steady rise is none.
  @Test func speedSwingSeesDipsNotTrends() throws {
    let dip = (0..<30).map { 1.5 + 0.5 * cos(2 * Double.pi * Double($0) / 29) }
    let swing = try #require(SpeedSwing(dip))
    #expect(swing.isDip)
    // Smoothing flattens the extremes a little: 2/1 becomes about 1.97/1.02.
    #expect(abs(swing.ratio - 2) < 0.1, "\(swing.ratio)")
    #expect(SpeedSwing(dip, minimum: 1.6) == nil, "median speed 1.5 is under the minimum")
    let rise = (0..<30).map { 1 + Double($0) / 10 }
    #expect(try #require(SpeedSwing(rise)).ratio < 1.01)
    #expect(SpeedSwing([0.1, 0.2, 0.1, 0.2]) == nil, "too slow to judge")
  }

  /// Too little to judge gives nil values and a finding, never a crash or NaN.
  @Test func aSingleFrameGivesNoValuesAndSaysWhy() throws {
    let s = try TemporalFixtures.scenario("falling-cups/drop-1m", longSide: 32)
    let clip = Clip(frames: [RGBImage(width: 32, height: 32)], fps: 15)
    let result = try TemporalFixtures.analyze(clip, s)
    #expect(result.measurements.allSatisfy { $0.value == nil })
    #expect(result.findings.count == 1)
  }
}

/// CogVideoX output (720×480, 8 fps, 49 frames): natural generated video runs through without
/// error or NaN. Clip 4 barely moves (its fastest 5% of pixels move about 2 px a frame at
/// 512 px) and clip 2 moves throughout; VBench's dynamic degree must tell them apart. Flow
/// at long side 128 here to keep the debug build quick; the report's figures use 256.
@Suite struct TemporalAnalyzerOnCogVideoX {
  @Test(arguments: [("2.mp4", true), ("4.mp4", false)])
  func generatedClipsGiveFiniteNumbers(name: String, dynamic: Bool) throws {
    guard let path = SharedData.file("generated/cogvideox/\(name)") else { return }
    let clip = try ClipLoader.load(path: path, longSide: 256).clip
    var analyzer = TemporalAnalyzer()
    analyzer.flowLongSide = 128
    let scenario = RealFootageBallDrop.scenario
    let result = try analyzer.analyze(clip, scenario: scenario, check: CheckSpec(kind: .temporal))
    for m in result.measurements {
      #expect(m.value.map { $0.isFinite } ?? false, "\(m.name) = \(String(describing: m.value))")
      #expect(m.score.map { $0.isFinite && (0...1).contains($0) } ?? true, "\(m.name) score")
    }
    for series in result.evidence.series {
      #expect(series.y.allSatisfy { $0.isFinite }, "series \(series.name)")
    }
    #expect(result.measurement("dynamic_degree")?.value == (dynamic ? 1 : 0))
    #expect(result.measurement("frozen_fraction")?.value == 0, "no frame repeats in these clips")
  }
}
