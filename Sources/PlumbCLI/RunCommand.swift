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
      argument may be a scenario file, a folder of scenarios, a suite file or name, or a \
      scenario id. Every finished sample is saved in the run store at once and the report \
      rewritten, so a run that is killed keeps what it finished; '--resume RUN' continues it \
      without redoing finished samples. Exits 1 when a sample failed to be generated or \
      analysed; violations found by the analyzers are results, not failures.
      """)

  @Argument(help: "Scenario files, folders, suite files or names, or scenario ids.")
  var scenarios: [String] = []

  @Option(help: "A suite file or name (same as giving it as an argument).")
  var suite: String?

  @OptionGroup var generation: GeneratorSelection

  @Option(help: "Folder that receives the run's report folder.")
  var out = "reports"

  @Option(help: "Seeds per scenario (0, 1, … N-1); overrides the suite's count.")
  var seeds: Int?

  @Option(help: "Run only the first N samples (scenarios × seeds, in order).")
  var limit: Int?

  @Option(help: "Continue the stored run with this id: only samples it has not finished are made.")
  var resume: String?

  @Flag(name: .shortAndLong, help: "Print only failures and the final summary (for CI logs).")
  var quiet = false

  @OptionGroup var catalog: CatalogOptions
  @OptionGroup var storeOptions: StoreOptions

  func validate() throws {
    if let seeds, seeds < 1 { throw ValidationError("--seeds must be at least 1, got \(seeds)") }
    if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, got \(limit)") }
    if resume != nil && (!scenarios.isEmpty || suite != nil || seeds != nil || limit != nil) {
      throw ValidationError(
        "--resume continues a run as it was planned; it takes no scenarios, --suite, --seeds or --limit")
    }
  }

  func run() async throws {
    var storeOptions = self.storeOptions
    storeOptions.defaultFolder = out
    let store = try storeOptions.open()
    let runID: String
    let plan: RunPlan
    if let resume {
      guard let stored = try store.plan(runID: resume) else {
        _ = try storeOptions.run(resume, in: store)  // throws the error that lists known runs
        return
      }
      runID = resume
      plan = stored
    } else {
      let selection = try catalog.select(scenarios + (suite.map { [$0] } ?? []))
      let seedCount = seeds ?? selection.seeds
      plan = RunPlan(
        generator: generation.generator, suite: selection.suite?.name,
        scenarios: selection.scenarios, seeds: (0..<UInt64(seedCount)).map { $0 }, limit: limit)
      runID = RunIdentifier.make(generator: plan.generator, in: out)
    }
    let (generator, jobs) = try generation.make(name: plan.generator)
    let lock = try RunLock(storePath: store.path, runID: runID)
    defer { withExtendedLifetime(lock) {} }

    let all = plan.numberedJobs
    var existing = RunRecord(id: runID, generator: generator.name, startedAt: Date())
    if resume == nil {
      try store.createRun(id: runID, plan: plan, startedAt: existing.startedAt)
    } else if let stored = try store.run(id: runID) {
      existing = stored
    }
    let finished = try store.finishedSamples(runID: runID)
    let todo = all.filter { !finished.contains(SampleKey(scenarioID: $0.scenario.id, seed: $0.seed)) }
    if let folder = generator as? FolderGenerator {
      let missing = folder.missing(todo.map { ($0.scenario.id, $0.seed) })
      if !missing.isEmpty {
        Terminal.note("folder \(folder.root) lacks \(missing.count) clip(s); those samples will fail:")
        missing.forEach { Terminal.note("  \($0)") }
      }
    }

    let folder = (out as NSString).appendingPathComponent(runID)
    let verb = resume == nil ? "run" : "resuming"
    Terminal.note(
      "\(verb) \(runID): \(todo.count) of \(all.count) samples to make on '\(generator.name)'"
        + " (store \(store.path))")
    var runner = Runner(generator: generator, analyzer: AnalyzerWiring.analyzer)
    runner.concurrency = jobs
    let progress = try RunProgress(
      store: store, runID: runID, folder: folder, jobs: todo, existing: existing, quiet: quiet)
    _ = try await runner.run(id: runID, jobs: todo, onEvent: { try progress.handle($0) })
    try store.finish(runID: runID)
    let record = try storeOptions.run(runID, in: store)
    let reportPath = try RunReport.write(record, to: folder)
    Terminal.note(record.tally)
    print(reportPath)
    if record.failedCount > 0 { throw ExitCode(1) }
  }
}

/// Saves every finished sample in the store and rewrites the report, then shows progress:
/// a live bar on a terminal, a line per sample in a log, nothing but failures when quiet.
final class RunProgress: @unchecked Sendable {
  // Mutated only from the runner's sequential event callback.
  private var record: RunRecord
  private var positions: [SampleKey: Int]
  private let store: RunStore
  private let folder: String
  private let jobs: [RunJob]
  private let quiet: Bool
  private let started = Date()
  private var done = 0
  private var failed = 0
  private var violated = 0
  private var cached = 0

  init(
    store: RunStore, runID: String, folder: String, jobs: [RunJob], existing: RunRecord, quiet: Bool
  ) throws {
    self.store = store
    self.folder = folder
    self.jobs = jobs
    self.quiet = quiet
    self.record = existing
    let plan = try store.plan(runID: runID)?.numberedJobs ?? jobs
    positions = Dictionary(
      plan.map { (SampleKey(scenarioID: $0.scenario.id, seed: $0.seed), $0.position) },
      uniquingKeysWith: { first, _ in first })
    // The report folder exists from the start, so two runs begun in one second get two ids.
    try RunReport.write(record, to: folder)
  }

  func handle(_ event: RunEvent) throws {
    switch event {
    case .started:
      break
    case .generating(_, let total, let scenarioID, let seed):
      if !quiet {
        Terminal.status(bar(total: total) + " · \(scenarioID) seed \(seed)")
      }
    case .finished(let index, let total, let sample, let fromCache):
      try store.save(sample, position: jobs[index].position, runID: record.id)
      // A resumed run replaces a sample that had failed; the report keeps plan order.
      record.samples.removeAll { $0.scenarioID == sample.scenarioID && $0.seed == sample.seed }
      record.samples.append(sample)
      record.samples.sort { position(of: $0) < position(of: $1) }
      try RunReport.write(record, to: folder)
      done += 1
      if sample.status == .failed { failed += 1 }
      if sample.status == .violated { violated += 1 }
      if fromCache { cached += 1 }
      Terminal.clearStatus()
      if !quiet || sample.status == .failed {
        let origin = fromCache ? " (clip from cache)" : ""
        Terminal.note("[\(index + 1)/\(total)] \(sample.scenarioID) seed \(sample.seed)\(origin): \(summary(sample))")
      }
    }
  }

  private func position(of sample: SampleRecord) -> Int {
    positions[SampleKey(scenarioID: sample.scenarioID, seed: sample.seed)] ?? Int.max
  }

  /// `[#####.....] 12/40 · 5 cached · 1 failed · 3 with violations · about 2 min left`
  private func bar(total: Int) -> String {
    let width = 24
    let filled = total == 0 ? width : width * done / total
    var text = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
    text += " \(done)/\(total)"
    if cached > 0 { text += " · \(cached) cached" }
    if failed > 0 { text += " · \(failed) failed" }
    if violated > 0 { text += " · \(violated) with violations" }
    if done > 0 {
      let left = Date().timeIntervalSince(started) / Double(done) * Double(total - done)
      text += left >= 90 ? " · about \(Int((left / 60).rounded())) min left" : " · about \(Int(left.rounded())) s left"
    }
    return text
  }

  private func summary(_ sample: SampleRecord) -> String {
    if let failure = sample.failure { return "FAILED: \(failure)" }
    let headline = sample.results.compactMap { result in
      result.measurements.first.map { m in
        "\(m.name) \(m.value.map { String(format: "%.2f", $0) } ?? "not measured") \(m.unit)"
      }
    }
    let violations = sample.results.flatMap(\.findings).filter { $0.severity == .violation }
    let verdict: String
    switch sample.status {
    case .passed: verdict = "passed"
    case .unjudged: verdict = "not judged (no analyzer for its checks yet)"
    default: verdict = "\(violations.count) violation(s): " + violations.map(\.message).joined(separator: "; ")
    }
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
