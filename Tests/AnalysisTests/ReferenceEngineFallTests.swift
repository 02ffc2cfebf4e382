import Analysis
import Engine
import Foundation
import Media
import Scenarios
import Testing

/// The physics analyzer on clips of the reference engine: the engine is ground truth, so the
/// analyzer must find the gravity the scenario asked for.
@Suite struct PhysicsAnalyzerOnReferenceEngine {
  /// A red cup (r 4 cm, h 10 cm) dropped from 1.3 m onto a wooden floor, filmed from 3 m by a
  /// level camera at the middle of the drop, 40° field of view.
  static func cupDrop(gravity: Double, size: Int = 256) -> Scenario {
    let cup = ObjectSpec(
      name: "cup", shape: .cup(radius: 0.04, height: 0.1, wall: 0.005),
      color: SceneColor(red: 0.8, green: 0.15, blue: 0.1), position: Vector3(0, 1.3, 0))
    return Scenario(
      id: "test/cup-drop", prompt: "a red cup falls onto a wooden floor",
      clip: ClipSpec(seconds: 1.2, fps: 30, width: size, height: size),
      camera: CameraSpec(
        fieldOfViewDegrees: 40, position: Vector3(0, 0.65, 3), lookAt: Vector3(0, 0.65, 0)),
      world: WorldSpec(
        gravity: gravity, floor: FloorSpec(color: SceneColor(red: 0.55, green: 0.4, blue: 0.25)),
        background: SceneColor(red: 0.8, green: 0.85, blue: 0.9), objects: [cup]),
      checks: [CheckSpec(kind: .physics)])
  }

  /// 2% on g: the brief's bar for clean rendered video (measured: +0.7% at 9.81 and at 4.0,
  /// half of it from the scale). 1% on the scale: the engine's 3×3 supersampling puts each
  /// vertical edge of the cup up to 1/6 px off, which is 0.5% of its 9.4 px width here.
  /// The impact frame is the first after contact, which the drop height gives in closed form.
  /// The shipped drop scenarios, rendered as they are: g within 2% (measured: 9.77 for 9.81,
  /// 3.99 for 4.0), and no violation.
  @Test(arguments: ["drop-1m", "drop-150cm-low-gravity"])
  func measuresTheGravityOfTheShippedDrops(name: String) throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    let scenario = try ScenarioLoader.load(
      path: root.appendingPathComponent("scenarios/falling-cups/\(name).yaml").path)
    let clip = try ReferenceRenderer(scenario: scenario).renderClip()
    let check = try #require(scenario.checks.first { $0.kind == .physics })
    let result = try PhysicsAnalyzer().analyze(clip, scenario: scenario, check: check)
    let g = scenario.world.gravity
    let measured = try #require(result.measurement("gravity")?.value)
    #expect(abs(measured - g) / g < 0.02, "g = \(measured) m/s² for \(g) m/s²")
    #expect(result.findings.allSatisfy { $0.severity != .violation }, "\(result.findings)")
  }

  /// On a wooden floor the cup's own shadow darkens the floor next to it into a brown whose
  /// hue is close to the red cup's: edge pixels blending the cup with its shadow matched the
  /// cup, and g came out 5% low until the colour match dropped pixels that owe much of their
  /// light to a surface of near hue (measured +0.2% at 9.81, scale −0.3%).
  @Test(arguments: [9.81, 4.0])
  func measuresTheGravityTheEngineSimulated(g: Double) throws {
    try measureOnWoodenFloor(g: g)
  }

  func measureOnWoodenFloor(g: Double) throws {
    let scenario = Self.cupDrop(gravity: g)
    let rendered = try ReferenceRenderer(scenario: scenario).render()
    let result = try PhysicsAnalyzer().analyze(rendered.clip, scenario: scenario, check: scenario.checks[0])
    let measured = try #require(result.measurement("gravity")?.value)
    let error = abs(measured - g) / g
    #expect(error < 0.02, "g = \(measured) m/s² for \(g) m/s² (\(error * 100)% off)")
    #expect(result.findings.allSatisfy { $0.severity != .violation }, "\(result.findings)")

    let camera = rendered.frames[0].camera
    let scale = try #require(result.measurement("pixels_per_metre")?.value)
    let trueScale = camera.fy / 3
    #expect(abs(scale - trueScale) / trueScale < 0.01, "scale \(scale) px/m, truth \(trueScale)")

    let contact = (2 * (1.3 - 0.05) / g).squareRoot() * scenario.clip.fps
    #expect(result.measurement("impact_frame")?.value == contact.rounded(.up), "contact at frame \(contact)")
  }
}
