import Engine
import Foundation
import Scenarios
import Testing

@testable import PlumbCLI
@testable import Runs

// What the issue claims of the analyzers, on the shipped default suite at each scenario's own
// resolution: the reference engine passes every check, and every defect is caught, with a
// clearly lower score, on every scenario where it applies (`DefectSweep`).

/// The package's scenarios folder, found from this file: Tests/PlumbTests/ → root.
private let scenariosRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  .appendingPathComponent("scenarios").path

private let sweep = DefectSweep(analyzer: AnalyzerWiring.analyzer)

private func defaultSuite() throws -> [Scenario] {
  try ScenarioCatalog(root: scenariosRoot).resolve("default").scenarios
}

/// A scenario, shown by its id in test names.
struct ScenarioCase: Sendable, CustomTestStringConvertible {
  var scenario: Scenario
  var testDescription: String { scenario.id }

  static func all() throws -> [ScenarioCase] { try defaultSuite().map { ScenarioCase(scenario: $0) } }
}

/// Each scenario's reference clip is rendered and analysed once for all the tests here.
private actor References {
  static let shared = References()
  private var outcomes: [String: Task<ReferenceOutcome, Never>] = [:]

  func outcome(_ scenario: Scenario) async -> ReferenceOutcome {
    if let task = outcomes[scenario.id] { return await task.value }
    let task = Task { await sweep.reference(scenario, seed: 0) }
    outcomes[scenario.id] = task
    return await task.value
  }
}

@Suite struct DefectSensitivityTests {
  @Test(arguments: try ScenarioCase.all())
  func referencePassesEveryCheck(_ c: ScenarioCase) async {
    let outcome = await References.shared.outcome(c.scenario)
    #expect(outcome.status == .passed, "\(outcome.failure ?? "")")
    #expect(outcome.violations.isEmpty, "\(outcome.violations)")
  }

  /// Every defect that applies to the scenario (see `DefectSweep`) is caught at its default
  /// strength by a check it breaks, with that check's score clearly below the reference's.
  /// About 130 clips at full size: tens of minutes in a debug build, so it runs when
  /// PLUMB_SENSITIVITY is set (`PLUMB_SENSITIVITY=1 swift test -c release -Xswiftc
  /// -enable-testing --filter DefectSensitivity`); `plumb sensitivity` reports the same.
  @Test(
    .enabled(if: ProcessInfo.processInfo.environment["PLUMB_SENSITIVITY"] != nil, "set PLUMB_SENSITIVITY=1 to run"),
    arguments: try ScenarioCase.all())
  func everyApplicableDefectIsCaughtAtDefaultStrength(_ c: ScenarioCase) async {
    let reference = await References.shared.outcome(c.scenario)
    for kind in Defect.Kind.allCases where !DefectSweep.checks(kind, appliesTo: c.scenario, reference: reference).isEmpty {
      let trial = await sweep.trial(Defect(kind), on: c.scenario, reference: reference)
      guard trial.changesClip else { continue }
      #expect(
        trial.caught,
        "\(kind.rawValue): no violation from \(trial.checks): status \(trial.status.rawValue) \(trial.failure ?? "")")
      let scores = "reference \(trial.referenceScores), defect \(trial.scores)"
      if let margin = trial.margin {
        #expect(margin >= sweep.clearMargin, "\(kind.rawValue): scores of \(trial.checks): \(scores)")
      } else {
        Issue.record("\(kind.rawValue): no check of \(trial.checks) scored both clips: \(scores)")
      }
    }
  }
}

/// The sweep's bookkeeping on made-up outcomes.
@Suite struct DefectSweepBookkeepingTests {
  func trial(_ strength: Double, caught: Bool) -> DefectTrial {
    DefectTrial(
      defect: "gravity", strength: strength, scenarioID: "s", seed: 0, checks: ["physics"], status: .violated,
      caught: caught, violations: [], referenceScores: [:], scores: [:])
  }

  @Test func weakestCaughtIsTheLastOfTheUnbrokenRunFromTheDefault() {
    let ladder = DefectSensitivity(trials: [trial(0.5, caught: true), trial(0.25, caught: true), trial(0.125, caught: false)])
    #expect(ladder.caughtAtDefault)
    #expect(ladder.weakestCaught == 0.25)
    let missed = DefectSensitivity(trials: [trial(0.5, caught: false)])
    #expect(!missed.caughtAtDefault)
    #expect(missed.weakestCaught == nil)
  }

  @Test func rankingCountsOrderedPairsTiesHalfAndUnscoredClipsAsWrong() {
    #expect(FamilyRanking(family: "physics", references: [0.9, 0.8], defects: [0.1, 0.7]).accuracy == 1)
    // (0.9 > 0.85) right, (0.8 < 0.85) wrong, and both against 0.1 right: 3 of 4.
    #expect(FamilyRanking(family: "physics", references: [0.9, 0.8], defects: [0.1, 0.85]).accuracy == 0.75)
    #expect(FamilyRanking(family: "physics", references: [0.5], defects: [0.5]).accuracy == 0.5)
    #expect(FamilyRanking(family: "physics", references: [0.9], defects: [nil]).accuracy == 0)
  }

  @Test func ladderHalvesTheDistanceFromNoDefect() {
    var sweep = DefectSweep(analyzer: { _ in nil })
    sweep.steps = 3
    #expect(sweep.strengths(.vanish) == [0.5, 0.25, 0.125])
    // Gravity's strength is a factor on g: weaker is nearer 1.
    #expect(sweep.strengths(.gravity) == [0.5, 0.75, 0.875])
    #expect(sweep.strengths(.reverse) == [1])
  }
}
