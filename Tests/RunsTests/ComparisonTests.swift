import Analysis
import Testing

@testable import Runs

/// A run whose sample i of each family has the given physics score.
func scoredRun(_ id: String, scores: [String: [Double]]) -> RunRecord {
  var run = RunRecord(id: id, generator: id, startedAt: .init(timeIntervalSince1970: 0))
  for (family, values) in scores.sorted(by: { $0.key < $1.key }) {
    for (i, score) in values.enumerated() {
      var sample = measuredSample("\(family)/s\(i)", seed: 0, g: 9.8)
      sample.results[0].measurements[0].score = score
      run.samples.append(sample)
    }
  }
  return run
}

@Suite struct ComparisonTests {
  @Test func identicalRunsShowNoDetectableDifference() {
    let run = scoredRun("a", scores: ["falling-cups": [0.9, 0.8, 0.95, 0.7]])
    let rows = RunComparison().compare(baseline: run, candidate: run)
    #expect(rows.count == 1)
    #expect(rows[0].verdict == .noDetectableDifference)
    #expect(rows[0].lower == 0 && rows[0].upper == 0)
    #expect(rows[0].largestChanges.isEmpty)
  }

  @Test func consistentlyLowerScoresAreWorse() {
    let base = scoredRun("a", scores: ["falling-cups": [0.9, 0.8, 0.95, 0.7, 0.85]])
    let cand = scoredRun("b", scores: ["falling-cups": [0.5, 0.45, 0.6, 0.2, 0.5]])
    let row = RunComparison().compare(baseline: base, candidate: cand)[0]
    #expect(row.verdict == .worse)
    #expect(abs(row.difference - (-0.39)) < 1e-12)  // (−0.4 −0.35 −0.35 −0.5 −0.35) / 5
    #expect(row.upper < 0)
    #expect(row.largestChanges.first?.scenarioID == "falling-cups/s3")
    #expect(RunComparison().compare(baseline: cand, candidate: base)[0].verdict == .better)
  }

  @Test func noiseAroundZeroIsNotADifference() {
    let base = scoredRun("a", scores: ["x": [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]])
    let cand = scoredRun("b", scores: ["x": [0.6, 0.4, 0.55, 0.45, 0.52, 0.48]])
    let row = RunComparison().compare(baseline: base, candidate: cand)[0]
    #expect(row.verdict == .noDetectableDifference)
    #expect(row.lower < 0 && row.upper > 0)
  }

  @Test func familiesAreComparedSeparatelyAndTogether() {
    let base = scoredRun("a", scores: ["falling-cups": [0.9, 0.9, 0.9], "occlusion": [0.8, 0.8, 0.8]])
    let cand = scoredRun("b", scores: ["falling-cups": [0.9, 0.9, 0.9], "occlusion": [0.1, 0.2, 0.1]])
    let rows = RunComparison().compare(baseline: base, candidate: cand)
    #expect(rows.map(\.family) == ["falling-cups", "occlusion", "all"])
    #expect(rows.map(\.verdict) == [.noDetectableDifference, .worse, .worse])
    #expect(rows[2].pairs == 6)
  }

  @Test func regressionGatesParseAndFire() throws {
    #expect(RegressionGate("physics.gravity") == nil)
    #expect(RegressionGate("physics.gravity>-1") == nil)
    let gate = try #require(RegressionGate("physics.gravity>0.3"))
    let lenient = try #require(RegressionGate("physics.gravity>0.5"))
    let base = scoredRun("a", scores: ["falling-cups": [0.9, 0.8, 0.95, 0.7, 0.85]])
    let cand = scoredRun("b", scores: ["falling-cups": [0.5, 0.45, 0.6, 0.2, 0.5]])
    let rows = RunComparison().compare(baseline: base, candidate: cand)
    #expect(gate.violations(in: rows).map(\.metric) == ["physics.gravity"])
    #expect(lenient.violations(in: rows).isEmpty)
    #expect(RegressionGate(metric: "*", threshold: 0).violations(in: rows).count == 1)
  }
}
