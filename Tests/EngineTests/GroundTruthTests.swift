import Foundation
import Media
import Scenarios
import Testing

@testable import Engine

@Suite struct GroundTruthFiles {
  /// Writing and loading gives back exactly what was rendered: cameras and poses to the bit
  /// (JSON keeps the shortest round-tripping digits), masks, depth (infinity included) and
  /// visibility.
  @Test func roundTripKeepsEverything() throws {
    let s = scene(
      [sphere(at: Vector3(0, 1, 0), isStatic: false), sphere(at: Vector3(0.4, 0.1, 0), color: blue)], seconds: 0.15,
      fps: 20, size: 48,
      camera: CameraSpec(
        fieldOfViewDegrees: 40, position: Vector3(0, 1, 3), lookAt: Vector3(0, 0.5, 0),
        path: .orbit(center: Vector3(0, 0.5, 0), degrees: 30)))
    let rendered = try ReferenceRenderer(scenario: s).render()
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plumb-truth-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try GroundTruth(scenario: s, rendered: rendered).write(to: folder)
    let loaded = try GroundTruth.load(folder)
    #expect(loaded.scenarioID == "test/scene" && loaded.width == 48 && loaded.height == 48 && loaded.fps == 20)
    #expect(loaded.objectNames == ["ball", "ball"])
    #expect(loaded.frames.count == rendered.frames.count)
    for (a, b) in zip(loaded.frames, rendered.frames) {
      #expect(a.index == b.index && a.time == b.time)
      #expect(a.camera == b.camera)
      #expect(a.bodies == b.bodies)
      #expect(a.mask == b.mask)
      #expect(a.depth == b.depth)
      #expect(a.visibility == b.visibility)
    }
    #expect(loaded.frames[0].depth.metres.contains(.infinity))
    #expect(rendered.frames[0].camera != rendered.frames[2].camera)
  }

  @Test func loadingAFolderWithoutTruthSaysSo() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plumb-empty-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    do {
      _ = try GroundTruth.load(folder)
      Issue.record("loaded a folder without truth.json")
    } catch {
      #expect("\(error)".hasPrefix("\(folder)/truth.json: not a readable ground-truth file"))
    }
  }
}
