import ArgumentParser

/// The `plumb` command: the root of every subcommand.
public struct Plumb: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "plumb",
    abstract: "Check whether video world models simulate the world.",
    subcommands: [])

  public init() {}
}
