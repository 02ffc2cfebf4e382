import ArgumentParser
import Scenarios

/// Where scenarios live, shared by every command that selects them.
struct CatalogOptions: ParsableArguments {
  @Option(name: .customLong("scenarios-root"), help: "Folder of scenario files and suites/.")
  var root = "scenarios"

  /// The scenarios that the arguments name, in order and each once, with the seed count of
  /// the suite they came from (1 when none). No argument means the default suite.
  func select(_ arguments: [String]) throws -> ScenarioSelection {
    let catalog = try ScenarioCatalog(root: root)
    let selections = try (arguments.isEmpty ? ["default"] : arguments).map(catalog.resolve)
    var seen = Set<String>()
    let scenarios = selections.flatMap(\.scenarios).filter { seen.insert($0.id).inserted }
    return ScenarioSelection(scenarios: scenarios, suite: selections.compactMap(\.suite).first)
  }
}
