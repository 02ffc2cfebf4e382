import ArgumentParser
import Foundation
import Runs

/// Where runs are kept, shared by every command that reads or writes them.
struct StoreOptions: ParsableArguments {
  @Option(help: "The run store (SQLite); default: plumb.db in the reports folder.")
  var store: String?

  /// The store to use when `--store` is absent: `plumb.db` inside `folder`.
  var defaultFolder = "reports"

  var path: String { store ?? (defaultFolder as NSString).appendingPathComponent("plumb.db") }

  func open() throws -> RunStore { try RunStore(path: path) }

  /// The run named `id`, or an error that lists what the store has.
  func run(_ id: String, in store: RunStore) throws -> RunRecord {
    if let run = try store.run(id: id) { return run }
    let known = try store.runs().prefix(5).map(\.id)
    let hint = known.isEmpty ? "the store has no runs" : "recent runs: " + known.joined(separator: ", ")
    throw ValidationError("no run '\(id)' in \(path) (\(hint))")
  }
}
