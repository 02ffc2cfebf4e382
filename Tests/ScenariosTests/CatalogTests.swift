import Foundation
import Testing

@testable import Scenarios

/// A scenario file with the given id and one ball, so tests can lay out folders quickly.
func scenarioYAML(id: String) -> String {
  """
  id: \(id)
  prompt: a ball at rest
  clip: {seconds: 1, fps: 10, width: 64, height: 64}
  camera: {fov: 40, position: [0, 1, 3], look_at: [0, 0, 0]}
  world: {objects: [{name: ball, shape: sphere, radius: 0.1, color: red, position: [0, 0.1, 0]}]}

  """
}

/// A fresh folder holding `files` (relative path → contents), removed when `body` returns.
func withFolder<T>(_ files: [String: String], _ body: (String) throws -> T) throws -> T {
  let root = FileManager.default.temporaryDirectory
    .appendingPathComponent("plumb-scenarios-\(UUID().uuidString)").path
  defer { try? FileManager.default.removeItem(atPath: root) }
  for (relative, text) in files {
    let path = root + "/" + relative
    try FileManager.default.createDirectory(
      atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try text.write(toFile: path, atomically: true, encoding: .utf8)
  }
  return try body(root)
}

let sampleTree = [
  "falling-cups/drop.yaml": scenarioYAML(id: "falling-cups/drop"),
  "falling-cups/slide.yml": scenarioYAML(id: "falling-cups/slide"),
  "occlusion/behind-wall.yaml": scenarioYAML(id: "occlusion/behind-wall"),
  "suites/default.yaml": """
  name: default
  description: one of each
  scenarios:
    - occlusion/behind-wall
    - falling-cups/
    - falling-cups/drop
  seeds: 3
  """,
  "notes.txt": "not a scenario",
]

@Test func suiteFileParsesNameEntriesAndSeeds() throws {
  let suite = try SuiteLoader.parse(
    yaml: "name: quick\nscenarios: [falling-cups/, occlusion/behind-wall]\n", file: "q.yaml")
  #expect(suite.name == "quick")
  #expect(suite.description == nil)
  #expect(suite.scenarios == ["falling-cups/", "occlusion/behind-wall"])
  #expect(suite.seeds == 1)
}

@Test func suiteErrorsHavePlacesAndSuggestions() {
  let yaml = """
    name: quick
    seed: 2
    scenarios:
      - falling-cups
      - Occlusion/Wall
    """
  #expect(
    thrownText { _ = try SuiteLoader.parse(yaml: yaml, file: "q.yaml") } == """
      q.yaml:2:1: unknown key 'seed' (did you mean 'seeds'?)
      q.yaml:4:5: 'falling-cups' is neither a scenario id (folder/name) nor a folder ending in '/' (did you mean 'falling-cups/'?)
      q.yaml:5:5: 'Occlusion/Wall' is neither a scenario id (folder/name) nor a folder ending in '/'
      """)
}

@Test func suiteResolvesToItsScenariosInEntryOrderEachOnce() throws {
  try withFolder(sampleTree) { root in
    let catalog = try ScenarioCatalog(root: root)
    let selection = try catalog.resolve(root + "/suites/default.yaml")
    #expect(
      selection.scenarios.map(\.id) == [
        "occlusion/behind-wall", "falling-cups/drop", "falling-cups/slide",
      ])
    #expect(selection.seeds == 3)
    // The suite can also be named without its folder and extension.
    #expect(try catalog.resolve("default") == selection)
  }
}

@Test func suiteEntryMatchingNothingIsReportedAtTheEntry() throws {
  var tree = sampleTree
  tree["suites/default.yaml"] =
    "name: default\nscenarios:\n  - falling-cup/\n  - occlusion/behind-wal\n"
  try withFolder(tree) { root in
    let catalog = try ScenarioCatalog(root: root)
    let path = root + "/suites/default.yaml"
    #expect(
      thrownText { _ = try catalog.resolve(path) } == """
        \(path):3:5: suite entry 'falling-cup/' matches no scenario (did you mean 'falling-cups/'?)
        \(path):4:5: suite entry 'occlusion/behind-wal' matches no scenario (did you mean 'occlusion/behind-wall'?)
        """)
  }
}

@Test func catalogLoadsEveryScenarioSortedByIdSkippingSuites() throws {
  try withFolder(sampleTree) { root in
    let catalog = try ScenarioCatalog(root: root)
    #expect(
      catalog.scenarios.map(\.id) == [
        "falling-cups/drop", "falling-cups/slide", "occlusion/behind-wall",
      ])
    #expect(catalog.files.map(\.path).contains(root + "/falling-cups/slide.yml"))
  }
}

@Test func catalogRejectsAnIdUsedByTwoFilesNamingBoth() throws {
  var tree = sampleTree
  tree["occlusion/copy.yaml"] = scenarioYAML(id: "falling-cups/drop")
  try withFolder(tree) { root in
    #expect(
      throws: ScenarioErrors([
        ScenarioError(
          file: root + "/occlusion/copy.yaml", line: 1, column: 5,
          message:
            "scenario id 'falling-cups/drop' is already used by \(root)/falling-cups/drop.yaml:1:5")
      ])
    ) { try ScenarioCatalog(root: root) }
  }
}

@Test func catalogReportsTheErrorsOfEveryBrokenFile() throws {
  var tree = sampleTree
  tree["falling-cups/drop.yaml"] = scenarioYAML(id: "falling-cups/drop").replacingOccurrences(
    of: "fps: 10", with: "fps: ten")
  tree["occlusion/behind-wall.yaml"] = ""
  try withFolder(tree) { root in
    #expect(
      thrownText { _ = try ScenarioCatalog(root: root) } == """
        \(root)/falling-cups/drop.yaml:3:25: expected a number for 'fps', found 'ten'
        \(root)/occlusion/behind-wall.yaml:1:1: the file is empty; expected a mapping with keys 'id', 'prompt', 'clip', 'camera' and 'world'
        """)
  }
}

@Test func argumentsResolveAsFileFolderIdOrIdFolder() throws {
  try withFolder(sampleTree) { root in
    let catalog = try ScenarioCatalog(root: root)
    let ids = { (argument: String) in try catalog.resolve(argument).scenarios.map(\.id) }
    #expect(try ids(root + "/occlusion/behind-wall.yaml") == ["occlusion/behind-wall"])
    #expect(try ids(root + "/falling-cups") == ["falling-cups/drop", "falling-cups/slide"])
    #expect(try ids(root) == catalog.scenarios.map(\.id))
    #expect(try ids("falling-cups/slide") == ["falling-cups/slide"])
    #expect(try ids("falling-cups/") == ["falling-cups/drop", "falling-cups/slide"])
    #expect(try ids("falling-cups") == ["falling-cups/drop", "falling-cups/slide"])
    #expect(try catalog.resolve("falling-cups/slide").suite == nil)
  }
}

@Test func argumentMatchingNothingIsNamedWithASuggestion() throws {
  try withFolder(sampleTree) { root in
    let catalog = try ScenarioCatalog(root: root)
    #expect(
      throws: ScenarioLookupError(
        argument: "falling-cups/drp",
        message:
          "'falling-cups/drp' is not a scenario file, folder, suite or scenario id (looked in '\(root)') (did you mean 'falling-cups/drop'?)"
      )
    ) { try catalog.resolve("falling-cups/drp") }
  }
}

@Test func validateGivesEachFileItsVerdict() throws {
  var tree = sampleTree
  tree["occlusion/broken.yaml"] = scenarioYAML(id: "occlusion/broken").replacingOccurrences(
    of: "radius: 0.1", with: "radius: 0.1, size: [1, 1, 1]")
  tree["suites/bad.yaml"] = "name: bad\nscenarios: [nowhere/]\n"
  try withFolder(tree) { root in
    let results = ScenarioValidator.validate(paths: [root, root + "/missing.yaml"])
    #expect(
      results == [
        FileValidation(path: root + "/falling-cups/drop.yaml", errors: []),
        FileValidation(path: root + "/falling-cups/slide.yml", errors: []),
        FileValidation(path: root + "/occlusion/behind-wall.yaml", errors: []),
        FileValidation(
          path: root + "/occlusion/broken.yaml",
          errors: [
            ScenarioError(
              file: root + "/occlusion/broken.yaml", line: 5, column: 60,
              message: "key 'size' does not apply to shape 'sphere' (use 'radius')")
          ]),
        FileValidation(
          path: root + "/suites/bad.yaml",
          errors: [
            ScenarioError(
              file: root + "/suites/bad.yaml", line: 2, column: 13,
              message: "suite entry 'nowhere/' matches no scenario")
          ]),
        FileValidation(path: root + "/suites/default.yaml", errors: []),
        FileValidation(
          path: root + "/missing.yaml",
          errors: [ScenarioError(file: root + "/missing.yaml", message: "no such file")]),
      ])
  }
}

@Test func validateFindsIdsSharedBetweenFilesGivenSeparately() throws {
  try withFolder(["a.yaml": scenarioYAML(id: "x/y"), "b.yaml": scenarioYAML(id: "x/y")]) { root in
    let results = ScenarioValidator.validate(paths: [root + "/a.yaml", root + "/b.yaml"])
    #expect(results.map(\.isValid) == [true, false])
    #expect(results.first?.description == "OK \(root)/a.yaml")
    #expect(
      results.last?.errors.map(\.description) == [
        "\(root)/b.yaml:1:5: scenario id 'x/y' is already used by \(root)/a.yaml:1:5"
      ])
  }
}

@Test func suiteValidatedAloneIsCheckedAgainstTheFolderHoldingIt() throws {
  var tree = sampleTree
  tree["suites/bad.yaml"] =
    "name: bad\nscenarios: [occlusion/, falling-cups/drop, falling-cups/fall]\n"
  try withFolder(tree) { root in
    let results = ScenarioValidator.validate(paths: [
      root + "/suites/default.yaml", root + "/suites/bad.yaml",
    ])
    #expect(
      results.map(\.description) == [
        "OK \(root)/suites/default.yaml",
        "\(root)/suites/bad.yaml:2:44: suite entry 'falling-cups/fall' matches no scenario",
      ])
  }
}
