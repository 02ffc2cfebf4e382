import ArgumentParser
import Runs

/// The `plumb` command: the root of every subcommand.
public struct Plumb: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "plumb",
    abstract: "Check whether video world models simulate the world.",
    discussion: """
      Plumbline prompts a video generator with scenario files (falling cups, occlusion, \
      camera orbits), measures physics plausibility, object permanence and 3D consistency \
      in physical units, and writes HTML reports.
      """,
    version: Plumbline.version,
    subcommands: [
      RunCommand.self, AnalyzeCommand.self, RenderCommand.self, ScenariosCommand.self,
      RunsCommand.self, CompareCommand.self, ReportCommand.self, GeneratorsCommand.self,
      BenchCommand.self, SensitivityCommand.self,
    ])

  public init() {}
}

extension Plumb {
  /// Parses the process's arguments and runs the chosen subcommand, exiting with its status.
  ///
  /// Spelt out rather than calling `main()`, because from another module's top-level code
  /// Swift picks `ParsableCommand`'s synchronous `main()`, which refuses async subcommands.
  public static func runFromCommandLine() async {
    do {
      var command = try await asyncParseAsRoot()
      if var asyncCommand = command as? AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
    } catch {
      exit(withError: error)
    }
  }
}
