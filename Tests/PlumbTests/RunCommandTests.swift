import ArgumentParser
import Foundation
import Testing

@testable import PlumbCLI
@testable import Runs

/// A fresh temporary folder for one test.
func temporaryFolder(_ label: String) throws -> String {
  let path = (NSTemporaryDirectory() as NSString)
    .appendingPathComponent("plumb-\(label)-\(UUID().uuidString)")
  try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  return path
}

/// A small, fast falling-cup scenario: 160×160 at 30 fps, a drop of 0.8 m.
func writeDropScenario(in root: String, id: String, gravity: Double, prompt: String) throws {
  let yaml = """
    id: \(id)
    prompt: "\(prompt)"
    clip: {seconds: 1.0, fps: 30, width: 160, height: 160}
    camera: {fov: 40, position: [0, 0.5, 2.6], look_at: [0, 0.5, 0]}
    world:
      gravity: \(gravity)
      objects:
        - {name: cup, shape: cup, radius: 0.05, height: 0.12, color: "#d02020", position: [0, 0.86, 0]}
    checks:
      - physics: {object: cup}
    """
  let file = (root as NSString).appendingPathComponent(id + ".yaml")
  try FileManager.default.createDirectory(
    atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
  try yaml.write(toFile: file, atomically: true, encoding: .utf8)
}

@Suite struct RunCommandTests {
  @Test func runWritesAReportWithTheMeasuredGravity() async throws {
    let root = try temporaryFolder("scenarios")
    let out = try temporaryFolder("reports")
    try writeDropScenario(
      in: root, id: "falling-cups/quick-drop", gravity: 9.81,
      prompt: "A red cup <script>alert(1)</script> falls")

    var command = try #require(
      try Plumb.parseAsRoot(["run", "falling-cups/", "--scenarios-root", root, "--out", out])
        as? any AsyncParsableCommand)
    try await command.run()

    let runs = try FileManager.default.contentsOfDirectory(atPath: out).filter { !$0.hasPrefix(".") && !$0.hasSuffix(".db") }
    #expect(runs.count == 1)
    let folder = (out as NSString).appendingPathComponent(try #require(runs.first))
    let json = try Data(contentsOf: URL(fileURLWithPath: folder + "/results.json"))
    let document = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
    let samples = try #require(document["samples"] as? [[String: Any]])
    #expect(samples.count == 1)
    let results = try #require(samples.first?["results"] as? [[String: Any]])
    let measurements = try #require(results.first?["measurements"] as? [[String: Any]])
    let gravity = try #require(measurements.first { $0["name"] as? String == "gravity" })
    let g = try #require(gravity["value"] as? Double)
    // The analyzer's own tests hold it to 2% on larger clips; a 160 px clip is coarser.
    #expect(abs(g - 9.81) / 9.81 < 0.03, "measured g = \(g)")
    #expect(gravity["unit"] as? String == "m/s²")

    let html = try String(contentsOfFile: folder + "/report.html", encoding: .utf8)
    #expect(html.contains("<td class=\"num\">\(String(format: "%.2f", g))</td><td>m/s²</td>"))
    #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    #expect(!html.contains("<script>alert(1)"))
  }

  @Test func unknownScenarioIsAClearError() async throws {
    let root = try temporaryFolder("scenarios")
    try writeDropScenario(in: root, id: "falling-cups/quick-drop", gravity: 9.81, prompt: "p")
    var command = try #require(
      try Plumb.parseAsRoot(["run", "falling-cups/quick-dorp", "--scenarios-root", root])
        as? any AsyncParsableCommand)
    await #expect(throws: (any Error).self) { try await command.run() }
    do {
      try await command.run()
    } catch {
      #expect(
        "\(error)"
          == "'falling-cups/quick-dorp' is not a scenario file, folder, suite or scenario id (looked in '\(root)') (did you mean 'falling-cups/quick-drop'?)"
      )
    }
  }
}
