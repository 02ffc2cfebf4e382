import Engine
import Foundation
import Media
import Testing

@testable import PlumbCLI

/// A tiny drop scenario in its own scenarios folder, so the command resolves it by id.
private func scenarioRoot() throws -> String {
  let root = FileManager.default.temporaryDirectory.appendingPathComponent("plumb-render-\(UUID().uuidString)").path
  try FileManager.default.createDirectory(atPath: root + "/tiny", withIntermediateDirectories: true)
  try """
  id: tiny/drop
  prompt: A red ball falls onto a grey floor.
  clip: {seconds: 0.2, fps: 20, width: 40, height: 24}
  camera: {fov: 40, position: [0, 0.6, 3.0], look_at: [0, 0.6, 0]}
  world:
    background: "#bcd4e6"
    floor: {color: "#7a7a7a"}
    objects:
      - {name: ball, shape: sphere, radius: 0.1, color: "#d02020", position: [0, 1, 0]}
  checks:
    - physics: {object: ball}
  """.write(toFile: root + "/tiny/drop.yaml", atomically: true, encoding: .utf8)
  return root
}

@Suite struct RenderCommandRuns {
  /// `plumb render ID --out DIR --ground-truth` writes one PNG per frame and ground truth that
  /// loads back with the frames' size and count.
  @Test func writesFramesAndGroundTruth() async throws {
    let root = try scenarioRoot()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let out = root + "/out"
    var command = try #require(
      try Plumb.parseAsRoot(["render", "tiny/drop", "--out", out, "--ground-truth", "--scenarios-root", root])
        as? RenderCommand)
    try await command.run()
    let frames = try FrameFolder.read(out + "/frames", fps: 20)
    #expect(frames.frames.count == 4 && frames.width == 40 && frames.height == 24)
    let truth = try GroundTruth.load(out)
    #expect(truth.scenarioID == "tiny/drop" && truth.frames.count == 4 && truth.objectNames == ["ball"])
    #expect(truth.frames.allSatisfy { $0.visibility[0].fraction == 1 })
  }

  @Test func unknownDefectIsRefusedWithTheList() async throws {
    let root = try scenarioRoot()
    defer { try? FileManager.default.removeItem(atPath: root) }
    var command = try #require(
      try Plumb.parseAsRoot(["render", "tiny/drop", "--out", root + "/out", "--defect", "vansh", "--scenarios-root", root])
        as? RenderCommand)
    do {
      try await command.run()
      Issue.record("rendered with an unknown defect")
    } catch {
      #expect("\(error)".hasPrefix("unknown defect 'vansh' (did you mean 'vanish'?); known defects: vanish, teleport"))
    }
  }
}
