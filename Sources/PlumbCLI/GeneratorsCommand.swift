import ArgumentParser
import Foundation
import Generators

/// `plumb generators`: the generators a run can use, and whether they are ready.
struct GeneratorsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generators",
    abstract: "List the built-in and configured generators, and check them.",
    discussion: """
      Reads the generators file (--generators, else generators.yaml when present; see \
      docs/generators-file.md). With --check, also looks for each command's program on PATH, \
      each http generator's token variable, and each folder's clips for the selected \
      scenarios; exits 1 when something is missing.
      """)

  @Option(
    name: .customLong("generators"),
    help: "Generators file (default: generators.yaml, when present).")
  var generatorsFile: String?

  @Flag(help: "Check that each generator can run: programs, tokens, folder clips.")
  var check = false

  @Option(help: "With --check: seeds per scenario to look for in folders.")
  var seeds = 1

  @Argument(
    help: "With --check: scenarios whose folder clips to look for (default suite when none).")
  var scenarios: [String] = []

  @OptionGroup var catalog: CatalogOptions

  func run() throws {
    let selection = GeneratorSelection(generatorsFile: generatorsFile)
    let file = try selection.loadFile()
    print("reference\tbuilt in: Plumbline's engine renders the scenario")
    let configurations = file?.configurations ?? [:]
    var problems: [String] = []
    for name in configurations.keys.sorted() {
      let configuration = configurations[name]!
      print("\(name)\t\(summary(configuration))")
      if check { problems += self.problems(name, configuration) }
    }
    if file == nil {
      Terminal.note("no generators file (generators.yaml) here; only built-in generators")
    }
    guard check else { return }
    for problem in problems { Terminal.note(problem) }
    Terminal.note(problems.isEmpty ? "all generators ready" : "\(problems.count) problem(s)")
    if !problems.isEmpty { throw ExitCode(1) }
  }

  private func summary(_ configuration: GeneratorConfiguration) -> String {
    switch configuration {
    case .command(let settings):
      return
        "command: \(settings.arguments.joined(separator: " ")) (timeout \(Int(settings.timeout)) s)"
    case .http(let settings):
      return "http: \(settings.url) model \(settings.model)"
    case .folder(let settings):
      return "folder: \(settings.root)"
    }
  }

  private func problems(_ name: String, _ configuration: GeneratorConfiguration) -> [String] {
    switch configuration {
    case .command(let settings):
      let program = settings.arguments[0]
      let found =
        program.contains("/")
        ? FileManager.default.isExecutableFile(atPath: program)
        : (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
          FileManager.default.isExecutableFile(atPath: "\($0)/\(program)")
        }
      return found ? [] : ["\(name): program '\(program)' is not found or not executable"]
    case .http(let settings):
      guard let variable = settings.tokenEnvironment else { return [] }
      let set = ProcessInfo.processInfo.environment[variable].map { !$0.isEmpty } ?? false
      return set ? [] : ["\(name): the token variable \(variable) is not set"]
    case .folder(let settings):
      guard let chosen = try? catalog.select(scenarios) else {
        return ["\(name): cannot read the scenarios to look for"]
      }
      let samples = chosen.scenarios.flatMap { s in (0..<UInt64(max(1, seeds))).map { (s.id, $0) } }
      return FolderGenerator(name: name, root: settings.root).missing(samples).map {
        "\(name): \($0)"
      }
    }
  }
}
