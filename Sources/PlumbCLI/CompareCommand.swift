import ArgumentParser
import Foundation
import Reports
import Runs

/// `plumb compare`: checkpoints against a baseline, metric by metric, with verdicts.
struct CompareCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compare",
    abstract: "Compare runs against the first one, with paired bootstrap intervals.",
    discussion: """
      The first run is the baseline; every other run is compared with it over the \
      (scenario, seed) samples both have, per metric and per scenario family. Gates such as \
      'physics.gravity>0.05' (quote them: '>' is special to the shell) make the command exit 1 \
      when that metric's score got worse by more than the threshold; \
      --fail-on-regression alone gates every metric at 0.
      """)

  @Argument(help: "Run ids: the baseline first, then the candidates; and gates METRIC>THRESHOLD.")
  var arguments: [String]

  @Flag(help: "Exit 1 when a candidate regresses (beyond the gates' thresholds, if given).")
  var failOnRegression = false

  @Option(help: "Folder for the comparison page.")
  var out = "reports"

  @OptionGroup var store: StoreOptions

  var runIDs: [String] { arguments.filter { !$0.contains(">") } }

  func validate() throws {
    guard runIDs.count >= 2 else {
      throw ValidationError("give at least two runs: a baseline and a candidate")
    }
    for gate in arguments where gate.contains(">") && RegressionGate(gate) == nil {
      throw ValidationError("gate '\(gate)' must read METRIC>THRESHOLD, e.g. 'physics.gravity>0.05'")
    }
  }

  func run() throws {
    let gates = arguments.compactMap(RegressionGate.init)
    let opened = try store.open()
    let runs = try runIDs.map { try store.run($0, in: opened) }
    let baseline = runs[0]
    var candidates: [(RunRecord, [MetricComparison])] = []
    var regressions: [String] = []
    for candidate in runs.dropFirst() {
      let rows = RunComparison().compare(baseline: baseline, candidate: candidate)
      candidates.append((candidate, rows))
      print("\(candidate.generator) (\(candidate.id)) against \(baseline.generator) (\(baseline.id)):")
      for row in rows {
        let interval = String(format: "%+.3f [%+.3f, %+.3f]", row.difference, row.lower, row.upper)
        print("  \(pad(row.metric, 32)) \(pad(row.family, 14)) \(interval)  \(row.verdict.rawValue)")
      }
      let active = failOnRegression && gates.isEmpty ? [RegressionGate(metric: "*", threshold: 0)] : gates
      for gate in active {
        for row in gate.violations(in: rows) {
          regressions.append(
            "\(candidate.generator) regressed on \(row.metric) by \(String(format: "%.3f", -row.difference))"
              + " (gate \(gate.metric)>\(gate.threshold))")
        }
      }
    }
    let folder = (out as NSString).appendingPathComponent("compare-" + runIDs.joined(separator: "-vs-"))
    let page = try ComparisonReport.write(baseline: baseline, candidates: candidates, to: folder)
    print(page)
    if !regressions.isEmpty {
      regressions.forEach { Terminal.note($0) }
      if failOnRegression || !gates.isEmpty { throw ExitCode(1) }
    }
  }
}

private func pad(_ text: String, _ width: Int) -> String {
  text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}
