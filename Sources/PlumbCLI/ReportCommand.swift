import ArgumentParser
import Reports
import Runs

/// `plumb report`: a publishable folder of reports from stored runs.
struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Write stored runs as a static site: an index, each run's report and their comparison.",
    discussion: "With two or more runs the first is the baseline of the comparison page.")

  @Argument(help: "Run ids.") var runs: [String]
  @Option(help: "Folder for the site.") var out = "reports/site"
  @OptionGroup var store: StoreOptions

  func validate() throws {
    if runs.isEmpty { throw ValidationError("give at least one run id (see 'plumb runs list')") }
  }

  func run() throws {
    let opened = try store.open()
    let records = try runs.map { try store.run($0, in: opened) }
    print(try Site.write(runs: records, to: out))
  }
}
