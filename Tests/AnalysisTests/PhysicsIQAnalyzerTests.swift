import Analysis
import Engine
import Media
import Scenarios
import Testing

@Suite struct PhysicsIQAnalyzerOnSyntheticClips {
  /// A blue box slides right at 3 px a frame across a 96×64 gradient with ±2 levels of noise.
  static let sliding = SyntheticClipSpec(
    width: 96, height: 64, frames: 24, fps: 8, noise: 2, seed: 3,
    objects: [.init(shape: .box, x0: 10, y0: 30, size: 5, size2: 4, color: (60, 90, 235), vx: 3)])

  static func scenario(conditioning: Int?) -> Scenario {
    Scenario(
      id: "test/physics-iq", prompt: "a blue box slides to the right",
      clip: ClipSpec(seconds: 3, fps: 8, width: 96, height: 64), camera: CameraSpec(fieldOfViewDegrees: 40, position: Vector3(0, 1, 3), lookAt: Vector3(0, 1, 0)),
      world: WorldSpec(floor: nil, background: SceneColor(red: 0.2, green: 0.3, blue: 0.3), objects: []), checks: [CheckSpec(kind: .physicsIQ)],
      conditioning: conditioning.map { ConditioningSpec(frames: $0) })
  }

  static func analyzer(_ reference: Clip) -> PhysicsIQAnalyzer {
    PhysicsIQAnalyzer(reference: { _ in reference })
  }

  /// Exact values: the clip is the reference, so every mask equals its counterpart.
  @Test func referenceAgainstItselfScoresIoUOneAndMSEZero() throws {
    let clip = Self.sliding.clip()
    let result = try Self.analyzer(clip).analyze(clip, scenario: Self.scenario(conditioning: 4), check: CheckSpec(kind: .physicsIQ))
    for name in ["spatial_iou", "spatiotemporal_iou", "weighted_spatial_iou"] {
      #expect(result.measurement(name)?.value == 1, "\(name)")
      #expect(result.measurement(name)?.score == 1, "\(name)")
    }
    #expect(result.measurement("mse")?.value == 0)
    #expect(result.measurement("mse")?.score == 1)
    #expect(result.measurement("physics_iq_score")?.value == 100)
    #expect(result.findings.isEmpty, "\(result.findings)")
    // The box moves, so the masks compared were not empty (which would also give IoU 1).
    let moving = try #require(result.evidence.series.first { $0.name == "moving pixels, reference" })
    #expect(moving.y.filter { $0 > 0 }.count >= 15)
    #expect(moving.x.first == 4.0 / 8, "the first judged frame is the one after the conditioning")
  }

  /// The box is gone after the conditioning frames: the clip never moves where the reference
  /// does. Spatial and weighted IoU are exactly 0; the spatiotemporal IoU keeps 1 only for
  /// frames where the reference is still too (the first judged frame, whose mask is empty by
  /// construction), so at most 2 of 20 frames.
  @Test func missingMovingObjectGivesIoUNearZero() throws {
    let reference = Self.sliding.clip()
    var empty = Self.sliding
    empty.objects[0].vanish = 4
    let result = try Self.analyzer(reference).analyze(
      empty.clip(), scenario: Self.scenario(conditioning: 4), check: CheckSpec(kind: .physicsIQ))
    #expect(result.measurement("spatial_iou")?.value == 0)
    #expect(result.measurement("weighted_spatial_iou")?.value == 0)
    let st = try #require(result.measurement("spatiotemporal_iou")?.value)
    #expect(st <= 0.1, "spatiotemporal IoU \(st)")
    #expect(!result.passed)
    let violation = try #require(result.findings.first { $0.severity == .violation })
    #expect(violation.message.contains("nothing moves in the continuation"), "\(violation.message)")
    #expect(violation.frames.allSatisfy { $0 >= 4 })
  }

  /// The generator was shown the conditioning frames, so whatever it returns there does not
  /// count: blacking them out must leave every measurement at its perfect value.
  @Test func conditioningFramesAreNotJudged() throws {
    let reference = Self.sliding.clip()
    var clip = reference
    for k in 0..<4 { clip.frames[k] = RGBImage(width: 96, height: 64) }
    let result = try Self.analyzer(reference).analyze(clip, scenario: Self.scenario(conditioning: 4), check: CheckSpec(kind: .physicsIQ))
    #expect(result.measurement("spatiotemporal_iou")?.value == 1)
    #expect(result.measurement("mse")?.value == 0)
  }

  /// Same input, same bytes out: no threads, no unordered sums, no clocks.
  @Test func isDeterministic() throws {
    let reference = Self.sliding.clip()
    var slower = Self.sliding
    slower.objects[0].den = 2
    slower.seed = 11
    let clip = slower.clip()
    let analyzer = Self.analyzer(reference)
    let first = try analyzer.analyze(clip, scenario: Self.scenario(conditioning: 4), check: CheckSpec(kind: .physicsIQ))
    let second = try analyzer.analyze(clip, scenario: Self.scenario(conditioning: 4), check: CheckSpec(kind: .physicsIQ))
    #expect(first == second)
    #expect(PhysicsIQ.motionMasks(clip.frames) == PhysicsIQ.motionMasks(clip.frames))
    // And the box at half speed is judged as overlapping the reference's motion but far from
    // it (measured 0.17: only its edges move, and they cover half the reference's path).
    let spatial = try #require(first.measurement("spatial_iou")?.value)
    #expect(spatial > 0.05 && spatial < 0.5, "spatial IoU \(spatial)")
  }

  /// The reference keeps the frames numbered below fps·5, its rate being the container's
  /// (fractional) one: 29.97 fps keeps 0…149 (149.85), 24.4 fps keeps 0…121.
  @Test func judgesTheFramesNumberedBelowFiveTimesTheRate() {
    #expect(PhysicsIQ.judgedFrames(fps: 30) == 150)
    #expect(PhysicsIQ.judgedFrames(fps: 29.97) == 150)
    #expect(PhysicsIQ.judgedFrames(fps: 24.4) == 122)
    #expect(PhysicsIQ.judgedFrames(fps: 8) == 40)
  }

  /// Frame-by-frame comparison needs one frame rate: a clip at another rate is not measured.
  @Test func differentFrameRateIsNotMeasured() throws {
    let reference = Self.sliding.clip()
    var clip = reference
    clip.fps = 16
    let result = try Self.analyzer(reference).analyze(clip, scenario: Self.scenario(conditioning: 4), check: CheckSpec(kind: .physicsIQ))
    #expect(result.measurements.allSatisfy { $0.value == nil })
    #expect(result.findings.contains { $0.message.contains("16.00 fps and the reference at 8.00 fps") }, "\(result.findings)")
  }
}

/// With the reference engine wired in as the lead wires it: the engine against itself is
/// perfect, and a cup that falls at the wrong gravity moves in other places at other times.
@Suite struct PhysicsIQAnalyzerOnReferenceEngine {
  static let analyzer = PhysicsIQAnalyzer(reference: { try ReferenceRenderer(scenario: $0).render().clip })

  static func scenario(gravity: Double) -> Scenario {
    var s = PhysicsAnalyzerOnReferenceEngine.cupDrop(gravity: gravity, size: 128)
    s.checks = [CheckSpec(kind: .physicsIQ)]
    s.conditioning = ConditioningSpec(frames: 8)
    return s
  }

  @Test func engineAgainstItselfIsPerfect() throws {
    let scenario = Self.scenario(gravity: 9.81)
    let clip = try ReferenceRenderer(scenario: scenario).render().clip
    let result = try Self.analyzer.analyze(clip, scenario: scenario, check: scenario.checks[0])
    #expect(result.measurement("physics_iq_score")?.value == 100)
    #expect(result.passed)
  }

  /// At 4 m/s² the cup is still high when at 9.81 it has landed (it lands at frame 15 of 36
  /// at 9.81 and not before frame 23 at 4): the fall's masks overlap only partly. Bounds are
  /// loose on purpose: below 0.8 is "clearly not the same motion", above 0 "same scene".
  @Test func wrongGravityLowersTheIoUs() throws {
    let scenario = Self.scenario(gravity: 9.81)
    let wrong = try ReferenceRenderer(scenario: Self.scenario(gravity: 4)).render().clip
    let result = try Self.analyzer.analyze(wrong, scenario: scenario, check: scenario.checks[0])
    let st = try #require(result.measurement("spatiotemporal_iou")?.value)
    let spatial = try #require(result.measurement("spatial_iou")?.value)
    #expect(st < 0.8, "spatiotemporal IoU \(st)")
    #expect(spatial > 0 && spatial < 0.8, "spatial IoU \(spatial)")
    let score = try #require(result.measurement("physics_iq_score")?.value)
    #expect(score < 80, "Physics-IQ score \(score)")
  }
}
