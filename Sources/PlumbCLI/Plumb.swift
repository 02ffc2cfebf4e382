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
    subcommands: [RunCommand.self, ScenariosCommand.self])

  public init() {}
}
