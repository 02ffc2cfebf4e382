import Analysis
import ArgumentParser
import Foundation
import Generators
import Reports
import Runs
import Scenarios

/// `plumb run`: scenarios through a generator and the analyzers, ending in a report.
struct RunCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run scenarios through a generator and write an HTML report.",
    discussion: """
      With no scenario, runs the default suite (scenarios/suites/default.yaml). Each \
      argument may be a scenario file, a folder of scenarios, a suite file or a scenario id. \
      The report is rewritten after every sample, so an interrupted run keeps what it finished. \
      Exits 1 when a sample failed to be generated or analysed; violations found by the \
      analyzers are results, not failures.
      """)

  @Argument(help: "Scenario files, folders, suite files or scenario ids.")
  var scenarios: [String] = []

  @OptionGroup var generation: GeneratorSelection

  @Option(help: "Folder that receives the run's report folder.")
  var out = "reports"

  @Option(help: "Seeds per scenario (0, 1, … N-1); overrides the suite's count.")
  var seeds: Int?

  @OptionGroup var catalog: CatalogOptions

  func validate() throws {
    if let seeds, seeds < 1 { throw ValidationError("--seeds must be at least 1, got \(seeds)") }
  }

  func run() async throws {
    let selection = try catalog.select(scenarios)
    let (generator, jobs) = try generation.make()
    let seedCount = seeds ?? selection.seeds
    if let folder = generator as? FolderGenerator {
      let missing = folder.missing(
        selection.scenarios.flatMap { s in (0..<UInt64(seedCount)).map { (s.id, $0) } })
      if !missing.isEmpty {
        Terminal.note("folder \(folder.root) lacks \(missing.count) clip(s); those samples will fail:")
        missing.forEach { Terminal.note("  \($0)") }
      }
    }
    let runID = RunIdentifier.make(generator: generator.name, in: out)
    let folder = (out as NSString).appendingPathComponent(runID)
    var runner = Runner(generator: generator, analyzer: { Analyzers.make(for: $0) })
    runner.concurrency = jobs

    Terminal.note("run \(runID): \(selection.scenarios.count) scenarios × \(seedCount) seeds on '\(generator.name)'")
    let progress = RunProgress(folder: folder, generator: generator.name, runID: runID)
    let record = try await runner.run(
      id: runID, scenarios: selection.scenarios, seeds: (0..<UInt64(seedCount)).map { $0 },
      onEvent: { try progress.handle($0) })
    let reportPath = try RunReport.write(record, to: folder)
    Terminal.note(
      "\(record.passedCount) passed, \(record.violatedCount) with violations, \(record.failedCount) failed")
    print(reportPath)
    if record.failedCount > 0 { throw ExitCode(1) }
  }
}

/// Prints progress and saves the report after every sample, so a killed run loses nothing
/// it had finished.
final class RunProgress: @unchecked Sendable {
  // Mutated only from the runner's sequential event callback.
  private var partial: RunRecord
  private let folder: String
  private let started = Date()

  init(folder: String, generator: String, runID: String) {
    self.folder = folder
    self.partial = RunRecord(id: runID, generator: generator, startedAt: Date())
  }

  func handle(_ event: RunEvent) throws {
    switch event {
    case .started:
      break
    case .generating(let index, let total, let scenarioID, let seed):
      Terminal.status("[\(index + 1)/\(total)] \(scenarioID) seed \(seed): generating and analysing…\(eta(done: index, total: total))")
    case .finished(let index, let total, let sample):
      Terminal.clearStatus()
      Terminal.note("[\(index + 1)/\(total)] \(sample.scenarioID) seed \(sample.seed): \(summary(sample))")
      partial.samples.append(sample)
      try RunReport.write(partial, to: folder)
    }
  }

  private func eta(done: Int, total: Int) -> String {
    guard done > 0 else { return "" }
    let perSample = Date().timeIntervalSince(started) / Double(done)
    return String(format: " (about %.0f s left)", perSample * Double(total - done))
  }

  private func summary(_ sample: SampleRecord) -> String {
    if let failure = sample.failure { return "FAILED: \(failure)" }
    let headline = sample.results.compactMap { result in
      result.measurements.first.map { m in
        "\(m.name) \(m.value.map { String(format: "%.2f", $0) } ?? "not measured") \(m.unit)"
      }
    }
    let violations = sample.results.flatMap(\.findings).filter { $0.severity == .violation }
    let verdict = sample.status == .passed ? "passed" : "\(violations.count) violation(s): " + violations.map(\.message).joined(separator: "; ")
    return ([verdict] + headline).joined(separator: " · ")
  }
}

/// Names runs by time and generator, unique within the output folder.
enum RunIdentifier {
  static func make(generator: String, in folder: String, now: Date = Date()) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyyMMdd-HHmmss"
    let slug = generator.map { $0.isLetter || $0.isNumber || $0 == "-" ? String($0) : "-" }.joined()
    let base = "\(formatter.string(from: now))-\(slug)"
    var candidate = base
    var n = 2
    while FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent(candidate)) {
      candidate = "\(base)-\(n)"
      n += 1
    }
    return candidate
  }
}
