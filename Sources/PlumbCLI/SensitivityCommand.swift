import ArgumentParser
import Engine
import Foundation
import Runs

/// `plumb sensitivity`: every controlled defect on every scenario where it applies, at its
/// default strength and weaker, to show what the analyzers catch and how faint it may be.
struct SensitivityCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sensitivity",
    abstract: "Measure which defects the analyzers catch, and down to which strength.",
    discussion: """
      Renders each scenario with the reference engine, then with each defect that breaks a \
      check the scenario asks for, at the default strength and at ever weaker ones (each half as far from no defect), stopping at \
      the first strength that is missed. Prints a Markdown table of references, defects \
      (caught, smallest strength caught, score margin) and the ranking of reference above \
      defect clips per check.
      """)

  @Option(help: "A suite name or file.")
  var suite = "default"

  @Option(help: "Defects to sweep, comma-separated (default: all).")
  var defects: String?

  @Option(help: "Strengths per defect: the default, then each step half as strong (gravity: half as far from 1).")
  var steps = 5

  @Option(help: "Seeds per scenario (0, 1, … N-1); default: the suite's count.")
  var seeds: Int?

  @Option(help: "Clips rendered and analysed at once.")
  var jobs = 1

  @Option(help: "Also write the Markdown here.")
  var out: String?

  @Option(help: "Also write the full result as JSON here.")
  var json: String?

  @OptionGroup var catalog: CatalogOptions

  func validate() throws {
    if steps < 1 { throw ValidationError("--steps must be at least 1, got \(steps)") }
    if jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
    if let seeds, seeds < 1 { throw ValidationError("--seeds must be at least 1, got \(seeds)") }
    _ = try kinds()
  }

  private func kinds() throws -> [Defect.Kind] {
    guard let defects else { return Defect.Kind.allCases }
    return try defects.split(separator: ",").map { name in
      if name.contains("=") { throw ValidationError("--defects takes names only; --steps sets the strengths") }
      do { return try Defect.parse(String(name)).kind } catch { throw ValidationError("\(error)") }
    }
  }

  func run() async throws {
    let selection = try catalog.select([suite])
    var sweep = DefectSweep(analyzer: AnalyzerWiring.analyzer)
    sweep.defects = try kinds()
    sweep.steps = steps
    sweep.seeds = (0..<UInt64(seeds ?? selection.seeds)).map { $0 }
    sweep.concurrency = jobs
    Terminal.note("sensitivity: \(selection.scenarios.count) scenarios, \(sweep.defects.count) defects, up to \(steps) strength(s) each")
    let result = await sweep.run(selection.scenarios, progress: { Terminal.note($0) })
    let markdown = result.markdown(title: "Defect sensitivity: suite \(selection.suite?.name ?? suite)")
    print(markdown, terminator: "")
    if let out { try markdown.write(toFile: out, atomically: true, encoding: .utf8) }
    if let json { try RecordJSON.encoder(pretty: true).encode(result).write(to: URL(fileURLWithPath: json)) }
  }
}
