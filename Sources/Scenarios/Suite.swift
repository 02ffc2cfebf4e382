// Suites: named lists of scenarios that are run together, so a checkpoint comparison always
// covers the same ground.
import Yams

/// A named selection of scenarios, read from a suite file such as `scenarios/suites/default.yaml`.
///
/// ```yaml
/// name: default                     # required, non-empty
/// description: Every scenario once  # optional
/// scenarios:                        # required, at least one entry
///   - falling-cups/                 # a folder prefix (ends in '/'): every scenario below it
///   - occlusion/behind-wall         # a scenario id
/// seeds: 1                          # optional integer >= 1, default 1: samples per scenario
/// ```
///
/// Entries are matched against scenario ids by `ScenarioCatalog`; an entry that matches nothing
/// is an error at the entry's line and column.
public struct Suite: Sendable, Hashable {
  public var name: String
  public var description: String?
  /// Scenario ids and folder prefixes (ending in `/`), in the order the file lists them.
  public var scenarios: [String]
  /// How many samples (seeds 0..<seeds) to generate per scenario.
  public var seeds: Int
  /// The file the suite was read from, for errors about its entries.
  public var file: String
  /// Where each entry of `scenarios` is written; empty for suites built in code.
  var places: [SourcePlace]

  public init(
    name: String, description: String? = nil, scenarios: [String], seeds: Int = 1,
    file: String = "<suite>"
  ) {
    self.name = name
    self.description = description
    self.scenarios = scenarios
    self.seeds = seeds
    self.file = file
    self.places = []
  }

  /// Suites are equal when they say the same; where their entries are written does not count.
  public static func == (lhs: Suite, rhs: Suite) -> Bool {
    (lhs.name, lhs.description, lhs.scenarios, lhs.seeds, lhs.file)
      == (rhs.name, rhs.description, rhs.scenarios, rhs.seeds, rhs.file)
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(name)
    hasher.combine(description)
    hasher.combine(scenarios)
    hasher.combine(seeds)
    hasher.combine(file)
  }

  /// Whether a suite entry selects the scenario with `id`.
  public static func entry(_ entry: String, matches id: String) -> Bool {
    entry.hasSuffix("/") ? id.hasPrefix(entry) : id == entry
  }
}

/// A line and column in a file.
struct SourcePlace: Sendable, Hashable {
  var line: Int
  var column: Int

  init(_ mark: Mark?) {
    line = mark?.line ?? 1
    column = mark?.column ?? 1
  }
}

/// Reads suite files.
public enum SuiteLoader {
  /// Loads and validates the suite in `path`. Throws `ScenarioErrors`.
  public static func load(path: String) throws -> Suite {
    try parse(yaml: readText(path: path), file: path)
  }

  /// Parses and validates suite YAML; `file` names the source in errors and in the suite.
  /// Throws `ScenarioErrors` holding every problem found.
  public static func parse(yaml: String, file: String) throws -> Suite {
    let diagnostics = Diagnostics(file: file)
    let suite = composeRoot(yaml: yaml, expected: expectedRoot, diagnostics).flatMap {
      read($0, file: file, diagnostics)
    }
    try diagnostics.throwIfAny()
    guard let suite else {
      throw ScenarioErrors([
        ScenarioError(file: file, line: 1, column: 1, message: "could not be read as a suite")
      ])
    }
    return suite
  }

  static let expectedRoot = "a mapping with keys 'name' and 'scenarios'"

  private static func read(_ root: Node, file: String, _ diagnostics: Diagnostics) -> Suite? {
    guard let fields = Fields(root, expected: expectedRoot, context: "", diagnostics) else {
      return nil
    }
    fields.rejectUnknownKeys(allowed: ["name", "description", "scenarios", "seeds"])
    let name = fields.required("name").flatMap { diagnostics.string($0, for: "name") }
    let description: String?? = optional(fields["description"], default: nil) {
      diagnostics.string($0, for: "description", allowEmpty: true)
    }
    let seeds = optional(fields["seeds"], default: 1) {
      diagnostics.integer($0, for: "seeds", in: 1...Int.max)
    }
    let entries = fields.required("scenarios").flatMap { readEntries($0, diagnostics) }
    guard let name, let description, let seeds, let entries else { return nil }
    var suite = Suite(
      name: name, description: description, scenarios: entries.map { $0.entry }, seeds: seeds,
      file: file)
    suite.places = entries.map { $0.place }
    return suite
  }

  private static func readEntries(
    _ node: Node, _ diagnostics: Diagnostics
  ) -> [(entry: String, place: SourcePlace)]? {
    guard let items = diagnostics.list(node, for: "scenarios") else { return nil }
    guard !items.isEmpty else {
      diagnostics.report("'scenarios' must list at least one scenario id or folder", at: node.mark)
      return nil
    }
    var entries: [(entry: String, place: SourcePlace)] = []
    for item in items {
      guard let entry = diagnostics.string(item, for: "scenarios") else { continue }
      guard isScenarioID(entry) || isIDPrefix(entry) else {
        let hint = isIDPrefix(entry + "/") ? " (did you mean '\(entry)/'?)" : ""
        diagnostics.report(
          "'\(entry)' is neither a scenario id (folder/name) nor a folder ending in '/'\(hint)",
          at: item.mark)
        continue
      }
      entries.append((entry, SourcePlace(item.mark)))
    }
    return entries.count == items.count ? entries : nil
  }
}
