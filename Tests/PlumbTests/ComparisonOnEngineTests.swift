import Analysis
import Foundation
import Generators
import Scenarios
import Testing

@testable import Runs

/// Checkpoint comparison on real runs of the engine: two runs of the reference cannot be told
/// apart, and a checkpoint with the wrong gravity is worse on the metrics gravity breaks.
@Suite struct ComparisonOnEngineTests {
  static func drops() throws -> [Scenario] {
    let root = try temporaryFolder("scenarios")
    try writeDropScenario(in: root, id: "falling-cups/quick-drop", gravity: 9.81, prompt: "cup")
    try writeDropScenario(in: root, id: "falling-cups/slow-drop", gravity: 4.0, prompt: "cup")
    return try ScenarioCatalog(root: root).scenarios
  }

  static func run(_ generator: String, _ scenarios: [Scenario]) async throws -> RunRecord {
    let runner = Runner(
      generator: try GeneratorRegistry.make(generator), analyzer: { Analyzers.make(for: $0) })
    return try await runner.run(id: generator, scenarios: scenarios, seeds: [0, 1, 2])
  }

  @Test func referenceAgainstItselfAndAgainstWrongGravity() async throws {
    let scenarios = try Self.drops()
    let first = try await Self.run("reference", scenarios)
    let second = try await Self.run("reference", scenarios)
    let broken = try await Self.run("reference:gravity=0.5", scenarios)

    let same = RunComparison().compare(baseline: first, candidate: second)
    #expect(!same.isEmpty)
    #expect(same.allSatisfy { $0.verdict == .noDetectableDifference }, "\(same.map { ($0.metric, $0.verdict) })")

    let worse = RunComparison().compare(baseline: first, candidate: broken)
    let gravity = try #require(worse.first { $0.metric == "physics.gravity" && $0.family == "falling-cups" })
    #expect(gravity.verdict == .worse)
    #expect(gravity.pairs == 6)
    #expect(RegressionGate(metric: "physics.gravity", threshold: 0.1).violations(in: worse).count == 1)
  }
}
