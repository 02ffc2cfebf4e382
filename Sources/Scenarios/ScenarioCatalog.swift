// The scenario folder as a whole: every scenario file under it, their ids kept unique, and the
// command-line words (a file, a folder, a suite, an id) that pick scenarios out of it.
import Foundation
import Yams

/// A scenario and the file it was read from.
public struct ScenarioFile: Sendable, Hashable {
  public var path: String
  public var scenario: Scenario
  /// Where the id is written, for errors about ids shared between files.
  var idPlace: SourcePlace
}

/// What a command-line argument selects: scenarios in run order, and the suite when it named one.
public struct ScenarioSelection: Sendable, Hashable {
  public var scenarios: [Scenario]
  /// The suite the argument named, whose `seeds` says how many samples to take.
  public var suite: Suite?

  public init(scenarios: [Scenario], suite: Suite? = nil) {
    self.scenarios = scenarios
    self.suite = suite
  }

  /// Samples per scenario: the suite's `seeds`, or 1.
  public var seeds: Int { suite?.seeds ?? 1 }
}

/// A command-line argument that names no scenario file, folder, suite or id.
public struct ScenarioLookupError: Error, CustomStringConvertible, Hashable, Sendable {
  public var argument: String
  public var message: String

  public var description: String { message }
}

/// Every scenario under a root folder (`scenarios/`), loaded and checked together.
///
/// Files ending in `.yaml` or `.yml` are scenarios, except those in folders named `suites`
/// (suite files) and hidden files. Ids must be unique across the folder.
public struct ScenarioCatalog: Sendable {
  /// The root folder as given.
  public let root: String
  /// Every scenario, sorted by id.
  public let files: [ScenarioFile]

  public var scenarios: [Scenario] { files.map(\.scenario) }

  /// Loads every scenario under `root`. Throws `ScenarioErrors` with the problems of all files
  /// at once, including ids used by more than one file.
  public init(root: String) throws {
    guard isFolder(root) else {
      throw ScenarioErrors([ScenarioError(file: root, message: "no such folder")])
    }
    self.root = root
    self.files = try loadScenarioFiles(yamlFiles(under: root, includingSuites: false))
  }

  /// A catalog of files already read; `files` need not be sorted.
  init(root: String, files: [ScenarioFile]) {
    self.root = root
    self.files = files.sorted { $0.scenario.id < $1.scenario.id }
  }

  /// The scenario with `id`, if the catalog has one.
  public func scenario(id: String) -> Scenario? {
    files.first { $0.scenario.id == id }?.scenario
  }

  /// The suite's scenarios in the order of its entries (a folder entry's matches sorted by id),
  /// each once. Throws `ScenarioErrors` naming every entry that matches nothing.
  public func scenarios(in suite: Suite) throws(ScenarioErrors) -> [Scenario] {
    let diagnostics = Diagnostics(file: suite.file)
    var selected: [Scenario] = []
    var seen = Set<String>()
    for (index, entry) in suite.scenarios.enumerated() {
      let matches = scenarios.filter { Suite.entry(entry, matches: $0.id) }
      if matches.isEmpty {
        let candidates = entry.hasSuffix("/") ? folderPrefixes : scenarios.map(\.id)
        let hint = suggestion(for: entry, among: candidates).map { " (did you mean '\($0)'?)" }
        let place = index < suite.places.count ? suite.places[index] : SourcePlace(nil)
        diagnostics.report(
          "suite entry '\(entry)' matches no scenario\(hint ?? "")",
          line: place.line, column: place.column)
      }
      for scenario in matches where seen.insert(scenario.id).inserted {
        selected.append(scenario)
      }
    }
    try diagnostics.throwIfAny()
    return selected
  }

  /// Resolves a command-line argument, tried in this order:
  /// 1. an existing file: a suite file (in a `suites` folder, or a mapping with `scenarios` and
  ///    no `world`) selects its scenarios from this catalog; any other file is one scenario;
  /// 2. an existing folder: every scenario file below it, sorted by id;
  /// 3. a scenario id in the catalog;
  /// 4. the name of a suite file in `ROOT/suites/` (`default` for `suites/default.yaml`);
  /// 5. a folder of ids (`falling-cups` or `falling-cups/`): every scenario whose id is below it.
  ///
  /// Throws `ScenarioErrors` for files with problems and `ScenarioLookupError` when nothing
  /// matches.
  public func resolve(_ argument: String) throws -> ScenarioSelection {
    if isFolder(argument) {
      let paths = yamlFiles(under: argument, includingSuites: false)
      guard !paths.isEmpty else {
        throw ScenarioLookupError(
          argument: argument, message: "folder '\(argument)' holds no scenario files")
      }
      return ScenarioSelection(scenarios: try loadScenarioFiles(paths).map(\.scenario))
    }
    if FileManager.default.fileExists(atPath: argument) {
      return try selection(fromFile: argument)
    }
    if let scenario = scenario(id: argument) {
      return ScenarioSelection(scenarios: [scenario])
    }
    if let suitePath = suitePath(named: argument) {
      return try selection(fromFile: suitePath)
    }
    let prefix = argument.hasSuffix("/") ? argument : argument + "/"
    let matches = scenarios.filter { $0.id.hasPrefix(prefix) }
    if !matches.isEmpty {
      return ScenarioSelection(scenarios: matches)
    }
    let candidates = scenarios.map(\.id) + folderPrefixes + suiteNames
    let hint = suggestion(for: argument, among: candidates).map { " (did you mean '\($0)'?)" }
    throw ScenarioLookupError(
      argument: argument,
      message: "'\(argument)' is not a scenario file, folder, suite or scenario id"
        + " (looked in '\(root)')" + (hint ?? ""))
  }

  private func selection(fromFile path: String) throws -> ScenarioSelection {
    let text = try readText(path: path)
    if documentKind(path: path, yaml: text) == .suite {
      let suite = try SuiteLoader.parse(yaml: text, file: path)
      return ScenarioSelection(scenarios: try scenarios(in: suite), suite: suite)
    }
    return ScenarioSelection(scenarios: [try ScenarioLoader.parse(yaml: text, file: path)])
  }

  /// Every folder of ids, `a/` and `a/b/` for `a/b/c`.
  private var folderPrefixes: [String] {
    var prefixes: [String] = []
    for id in scenarios.map(\.id) {
      // Valid ids have at least two parts, so there is always a folder.
      let parts = id.split(separator: "/").dropLast()
      for count in parts.indices.map({ $0 + 1 }) {
        prefixes.append(parts.prefix(count).joined(separator: "/") + "/")
      }
    }
    return uniqued(prefixes)
  }

  private var suitesFolder: String { joinPath(root, "suites") }

  private func suitePath(named name: String) -> String? {
    guard !name.contains("/") else { return nil }
    return ["yaml", "yml"].map { joinPath(suitesFolder, "\(name).\($0)") }
      .first { FileManager.default.fileExists(atPath: $0) }
  }

  private var suiteNames: [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: suitesFolder)) ?? []
    return names.filter(isYAMLName).map { String($0.prefix { $0 != "." }) }.sorted()
  }
}

// MARK: Files

/// Parses each file, then checks ids are unique among them. Throws `ScenarioErrors` with every
/// problem of every file; returns the scenarios sorted by id.
func loadScenarioFiles(_ paths: [String]) throws(ScenarioErrors) -> [ScenarioFile] {
  let (files, errors) = readScenarioFiles(paths)
  let all = errors + duplicateIDErrors(files)
  guard all.isEmpty else { throw ScenarioErrors(sortedByPlace(all)) }
  return files.sorted { $0.scenario.id < $1.scenario.id }
}

/// The files that parse, in path order, and the errors of those that do not.
func readScenarioFiles(_ paths: [String]) -> (files: [ScenarioFile], errors: [ScenarioError]) {
  var errors: [ScenarioError] = []
  var files: [ScenarioFile] = []
  for path in paths {
    do {
      files.append(try readScenarioFile(path: path, yaml: readText(path: path)))
    } catch {
      errors += error.errors
    }
  }
  return (files, errors)
}

func readScenarioFile(path: String, yaml: String) throws(ScenarioErrors) -> ScenarioFile {
  let (scenario, place) = try ScenarioLoader.parseLocated(yaml: yaml, file: path)
  return ScenarioFile(path: path, scenario: scenario, idPlace: place)
}

/// An error at every file whose id an earlier file (in path order) already uses.
func duplicateIDErrors(_ files: [ScenarioFile]) -> [ScenarioError] {
  var first: [String: ScenarioFile] = [:]
  var errors: [ScenarioError] = []
  for file in files {
    let id = file.scenario.id
    guard let earlier = first[id] else {
      first[id] = file
      continue
    }
    errors.append(
      ScenarioError(
        file: file.path, line: file.idPlace.line, column: file.idPlace.column,
        message: "scenario id '\(id)' is already used by "
          + "\(earlier.path):\(earlier.idPlace.line):\(earlier.idPlace.column)"))
  }
  return errors
}

enum DocumentKind {
  case scenario
  case suite
}

/// Suite files live in a `suites` folder or are mappings with `scenarios` and no `world`;
/// anything else (including broken YAML) is read as a scenario.
func documentKind(path: String, yaml: String) -> DocumentKind {
  let url = URL(fileURLWithPath: path)
  if url.deletingLastPathComponent().lastPathComponent == "suites" { return .suite }
  guard let mapping = (try? Yams.compose(yaml: yaml))??.mapping else { return .scenario }
  return mapping["scenarios"] != nil && mapping["world"] == nil ? .suite : .scenario
}

/// The `.yaml` and `.yml` files below `folder`, as paths starting with `folder`, sorted.
/// Hidden files and folders are skipped, and so are suite files (in a folder named `suites`,
/// `folder` itself included) unless asked for.
func yamlFiles(under folder: String, includingSuites: Bool) -> [String] {
  guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return [] }
  let folderName = URL(fileURLWithPath: folder).lastPathComponent
  var paths: [String] = []
  while let relative = enumerator.nextObject() as? String {
    let parts = relative.split(separator: "/")
    let folders = [Substring(folderName)] + parts.dropLast()
    guard isYAMLName(relative), !parts.contains(where: { $0.hasPrefix(".") }),
      includingSuites || folders.last != "suites"
    else { continue }
    let path = joinPath(folder, relative)
    if !isFolder(path) { paths.append(path) }
  }
  return paths.sorted()
}

func isYAMLName(_ name: String) -> Bool {
  name.hasSuffix(".yaml") || name.hasSuffix(".yml")
}

func isFolder(_ path: String) -> Bool {
  var isDirectory: ObjCBool = false
  return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
    && isDirectory.boolValue
}

/// `folder/name`, keeping the folder as the user spelt it so errors show familiar paths.
func joinPath(_ folder: String, _ name: String) -> String {
  folder.hasSuffix("/") ? folder + name : folder + "/" + name
}
