import Analysis
import Foundation
import Media
import Scenarios
import Testing

/// The physics analyzer on real footage: a red ball dropped from a ceiling, filmed at 120 fps
/// slow motion but stored at 29.995 fps as a 1716×172 strip to be turned 90° clockwise
/// (`falling/ball-drop/` in the shared data; README there).
@Suite struct RealFootageBallDrop {
  /// The ball as a scenario: 4 cm across, hung 2.3 m up, camera roughly level with the wall.
  /// The colour is the footage's own: the median of the ball's strongly red pixels (R > 120,
  /// R − G > 60, R − B > 60) is (144, 62, 49) held still in shade at frame 100 and
  /// (175, 88, 76) falling in light at frame 160; between them, (160, 75, 62) = #A04B3E.
  static let scenario: Scenario = {
    let ball = ObjectSpec(
      name: "ball", shape: .sphere(radius: 0.02),
      color: SceneColor(red: 160 / 255, green: 75 / 255, blue: 62 / 255),
      position: Vector3(0, 2.3, 0))
    return Scenario(
      id: "real/ball-drop", prompt: "A red ball is dropped from the ceiling onto a carpet.",
      clip: ClipSpec(seconds: 2.725, fps: 120, width: 172, height: 1716),
      camera: CameraSpec(
        fieldOfViewDegrees: 60, position: Vector3(0, 1.16, 2.5), lookAt: Vector3(0, 1.16, 0)),
      world: WorldSpec(
        gravity: 9.81, floor: FloorSpec(color: SceneColor(red: 0.55, green: 0.52, blue: 0.5)),
        background: SceneColor(red: 0.85, green: 0.85, blue: 0.82), objects: [ball]),
      checks: [CheckSpec(kind: .physics, object: "ball")])
  }()

  /// g within 10% of 9.81 m/s² at the true 120 fps, analysed at long side 512 (172×1716 →
  /// 52×512, the ball about 7.5 px across). Measured: 10.06 m/s² (+2.6%; 9.71 while the width
  /// was raised to the 75th percentile of its scatter, which the engine's clips showed to be
  /// a bias of its own). The causes of an
  /// earlier 10.74 are handled in the analyzer: frames where the hand merges with the ball are
  /// dropped (area half as large again as the ball's), the scale comes from sharp frames only
  /// (moving less than half the ball a frame), and the tilt from the ball's width shrinking
  /// down the image (see ApparentSize). The 10% bar is the analyzer's own violation tolerance:
  /// the tilt (about 10°, cos 10° = 0.985) and a 7 px ball leave a few percent on real footage.
  @Test func measuresEarthGravityAtTheStatedFrameRate() throws {
    guard let path = SharedData.file("falling/ball-drop/ball-drop.mp4") else { return }
    let loaded = try ClipLoader.load(path: path, fps: 120, longSide: 512, rotation: 90)
    #expect(loaded.info.containerFrameRate == FrameRate(numerator: 7_357_500, denominator: 245_291))
    #expect(loaded.info.originalWidth == 1716 && loaded.info.originalHeight == 172)
    #expect(abs((loaded.info.duration ?? 0) - 10.9018) < 0.001)
    #expect(loaded.fps == 120)
    #expect(loaded.clip.width == 52 && loaded.clip.height == 512)
    #expect(loaded.clip.frames.count == 327)
    let result = try PhysicsAnalyzer().analyze(
      loaded.clip, scenario: Self.scenario, check: Self.scenario.checks[0])
    let g = try #require(result.measurement("gravity")?.value, "\(result.findings.map(\.message))")
    #expect(abs(g - 9.81) / 9.81 < 0.1, "g = \(g) m/s²")
    #expect(!result.findings.contains { $0.severity == .violation }, "\(result.findings.map(\.message))")
  }

  /// At the container's 29.995 fps the same fall takes four times as long, so g comes out a
  /// sixteenth: the violation a user sees before stating the true rate.
  @Test func containerRateUnderstatesGravitySixteenfold() throws {
    guard let path = SharedData.file("falling/ball-drop/ball-drop.mp4") else { return }
    let loaded = try ClipLoader.load(path: path, longSide: 512, rotation: 90)
    let result = try PhysicsAnalyzer().analyze(
      loaded.clip, scenario: Self.scenario, check: Self.scenario.checks[0])
    let g = try #require(result.measurement("gravity")?.value)
    // 9.81 ÷ 16 = 0.61; the same 10% as above.
    #expect(abs(g - 9.81 / 16) / (9.81 / 16) < 0.1, "g = \(g) m/s²")
    #expect(!result.passed)
  }

  /// The file's display matrix asks players to turn it 90° clockwise; without --rotate the
  /// loader does the same, so the strip comes upright either way.
  @Test func honoursTheContainersRotationByDefault() throws {
    guard let path = SharedData.file("falling/ball-drop/ball-drop.mp4") else { return }
    let source = try ClipLoader.open(path: path)
    defer { source.close() }
    #expect(source.info.rotation == 90)
    #expect(source.info.width == 172 && source.info.height == 1716)
    #expect(source.info.frameCount == 327)
    let first = try #require(try source.next())
    #expect(first.width == 172 && first.height == 1716)
  }
}
