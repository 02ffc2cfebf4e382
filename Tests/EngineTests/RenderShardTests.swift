import Scenarios
import Testing

@testable import Engine

@Suite struct RenderShardTests {
  /// A breakable cup dropped from 1.2 m: after the impact the frame shows its shards, in the
  /// cup's colour and with its mask id, and no longer the whole cup.
  @Test func shardsAreDrawnWithTheirParentsColourAndId() throws {
    var cup = ObjectSpec(
      name: "cup", shape: .cup(radius: 0.04, height: 0.1, wall: 0.006),
      color: SceneColor(red: 0.85, green: 0.1, blue: 0.1), position: Vector3(0, 1.25, 0))
    cup.breakable = Breakable(threshold: 2, pieces: 8)
    let scenario = Scenario(
      id: "falling-cups/shatter-test", prompt: "a cup shatters",
      clip: ClipSpec(seconds: 1.0, fps: 20, width: 96, height: 96),
      camera: CameraSpec(fieldOfViewDegrees: 40, position: Vector3(0, 0.8, 1.2), lookAt: Vector3(0, 0.0, 0)),
      world: WorldSpec(
        floor: FloorSpec(color: SceneColor(red: 0.5, green: 0.5, blue: 0.5)),
        background: SceneColor(red: 0.7, green: 0.8, blue: 0.9), objects: [cup]),
      checks: [])
    let rendered = try ReferenceRenderer(scenario: scenario).render()
    let last = try #require(rendered.frames.last)
    // The drop takes about 0.47 s; by 1 s the cup has broken and its shards lie on the floor.
    var simulation = Simulation(world: scenario.world)
    let bodies = simulation.bodies(at: 1.0)
    #expect(bodies.count > 1 + 4, "the cup did not break into shards")
    #expect(bodies[0].isBroken)
    // Shards are drawn with the cup's id, so its mask is not empty after the break.
    #expect(last.mask.pixelCount(ofObject: 0) > 10)
    // And in its colour: the reddest pixel of the last frame is the cup's red.
    let reddest = (0..<96 * 96).map { i in
      Int(rendered.clip.frames.last!.pixels[3 * i]) - Int(rendered.clip.frames.last!.pixels[3 * i + 1])
    }.max() ?? 0
    #expect(reddest > 100)
  }
}
