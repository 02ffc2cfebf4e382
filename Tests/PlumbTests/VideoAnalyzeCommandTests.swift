import Engine
import Foundation
import Media
import Scenarios
import Testing

@testable import PlumbCLI

/// `plumb analyze` end to end: a reference rendering written to Y4M, read back, analysed
/// against the scenario it came from, and reported like a run.
@Suite struct VideoAnalyzeCommand {
  /// A red cup dropped from 1 m at 512×512, 30 fps, 1.2 s: small enough to render in a moment.
  static let yaml = """
    id: test/cup-drop
    prompt: A red cup falls onto a grey floor.
    clip: {seconds: 1.2, fps: 30, width: 512, height: 512}
    camera: {fov: 40, position: [0, 0.6, 3.0], look_at: [0, 0.6, 0]}
    world:
      gravity: 9.81
      objects:
        - {name: cup, shape: cup, radius: 0.04, height: 0.10, color: "#d02020", position: [0, 1.05, 0]}
    checks:
      - physics: {object: cup}
    """

  struct Fixture {
    let folder: String
    let scenario: String
    let video: String
  }

  static func fixture() throws -> Fixture {
    let folder = (NSTemporaryDirectory() as NSString).appendingPathComponent("plumb-analyze-\(UUID().uuidString)")
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let scenarioPath = (folder as NSString).appendingPathComponent("cup-drop.yaml")
    try yaml.write(toFile: scenarioPath, atomically: true, encoding: .utf8)
    let clip = try ReferenceRenderer(scenario: ScenarioLoader.load(path: scenarioPath)).renderClip()
    let video = (folder as NSString).appendingPathComponent("cup.y4m")
    try Y4M.write(clip, to: video, chroma: .c444)
    return Fixture(folder: folder, scenario: scenarioPath, video: video)
  }

  /// Runs `plumb analyze` in-process and returns the sample of the results.json it wrote.
  static func analyze(_ fixture: Fixture, _ extra: [String] = []) async throws -> [String: Any] {
    let out = (fixture.folder as NSString).appendingPathComponent("reports-\(UUID().uuidString)")
    let command = try Plumb.parseAsRoot(
      ["analyze", fixture.video, "--scenario", fixture.scenario, "--out", out] + extra)
    let analyze = try #require(command as? AnalyzeCommand)
    try await analyze.run()
    let runs = try FileManager.default.contentsOfDirectory(atPath: out)
    #expect(runs.count == 1)
    let run = (out as NSString).appendingPathComponent(try #require(runs.first))
    #expect(FileManager.default.fileExists(atPath: (run as NSString).appendingPathComponent("report.html")))
    let json = try Data(contentsOf: URL(fileURLWithPath: (run as NSString).appendingPathComponent("results.json")))
    let record = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
    #expect(record["generator"] as? String == "file:cup.y4m")
    let samples = try #require(record["samples"] as? [[String: Any]])
    #expect(samples.count == 1)
    return try #require(samples.first)
  }

  static func gravity(_ sample: [String: Any]) throws -> Double {
    let results = try #require(sample["results"] as? [[String: Any]])
    let measurements = try #require(results.first?["measurements"] as? [[String: Any]])
    let g = try #require(measurements.first { $0["name"] as? String == "gravity" })
    return try #require(g["value"] as? Double)
  }

  /// The engine is ground truth, so g is the scenario's within 3%: the analyzer's 2% bar on
  /// clean renders plus the Y4M round trip (4:4:4, within 2 levels a channel).
  @Test func analysesAReferenceClipFromY4M() async throws {
    let fixture = try Self.fixture()
    let sample = try await Self.analyze(fixture)
    #expect(sample["status"] as? String == "passed", "\(sample["failure"] ?? "")")
    #expect(sample["fps"] as? Double == 30)
    #expect(sample["frameCount"] as? Int == 36)
    let g = try Self.gravity(sample)
    #expect(abs(g - 9.81) / 9.81 < 0.03, "g = \(g) m/s²")
  }

  /// Stating 60 fps for a 30 fps clip halves every interval, so g reads four times too high,
  /// and the scaled-down frames (long side 256) are what is analysed.
  @Test func statedFPSAndLongSideAreUsed() async throws {
    let fixture = try Self.fixture()
    let sample = try await Self.analyze(fixture, ["--fps", "60", "--long-side", "256"])
    #expect(sample["fps"] as? Double == 60)
    #expect(sample["width"] as? Int == 256 && sample["height"] as? Int == 256)
    #expect(sample["status"] as? String == "violated")
    let g = try Self.gravity(sample)
    // 4 × 9.81 = 39.2; 5% for the scaled-down cup (about 9 px wide).
    #expect(abs(g - 4 * 9.81) / (4 * 9.81) < 0.05, "g = \(g) m/s²")
  }

  @Test func rejectsARotationThatIsNotAQuarterTurn() throws {
    #expect(throws: (any Error).self) {
      try Plumb.parseAsRoot(["analyze", "clip.mp4", "--scenario", "s.yaml", "--rotate", "45"])
    }
  }
}
