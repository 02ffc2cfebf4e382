import ArgumentParser
import Scenarios

/// `plumb scenarios`: look at scenario files without running anything.
struct ScenariosCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "scenarios",
    abstract: "Validate and list scenario files.",
    subcommands: [Validate.self, List.self])

  struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check scenario and suite files; exits 1 when any has an error.",
      discussion: "Errors name the file, line and column. With no path, checks scenarios/.")

    @Argument(help: "Files or folders to check.")
    var paths: [String] = []

    func run() throws {
      let results = ScenarioValidator.validate(paths: paths.isEmpty ? ["scenarios"] : paths)
      for result in results {
        if result.isValid {
          print("OK \(result.path)")
        } else {
          for error in result.errors { print(error) }
        }
      }
      let failed = results.filter { !$0.isValid }.count
      Terminal.note(
        failed == 0 ? "\(results.count) files valid" : "\(failed) of \(results.count) files have errors")
      if failed > 0 { throw ExitCode(1) }
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List the scenarios of the catalog with their checks and prompts.")

    @OptionGroup var catalog: CatalogOptions

    func run() throws {
      let scenarios = try ScenarioCatalog(root: catalog.root).scenarios.sorted { $0.id < $1.id }
      let width = scenarios.map(\.id.count).max() ?? 0
      for scenario in scenarios {
        let checks = scenario.checks.map(\.kind.rawValue).joined(separator: ",")
        let padded = scenario.id.padding(toLength: width, withPad: " ", startingAt: 0)
        print("\(padded)  \(checks.isEmpty ? "-" : checks)  \(scenario.prompt)")
      }
    }
  }
}
