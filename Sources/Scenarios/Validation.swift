// `plumb scenarios validate`: check files without running anything, one verdict per file.
import Foundation

/// The verdict on one file. Its description is `OK PATH` for a valid file, otherwise one
/// error per line.
public struct FileValidation: Sendable, Hashable, CustomStringConvertible {
  /// The file as found: given directly, or below a folder that was given.
  public var path: String
  /// Empty when the file is valid.
  public var errors: [ScenarioError]

  public init(path: String, errors: [ScenarioError]) {
    self.path = path
    self.errors = errors
  }

  public var isValid: Bool { errors.isEmpty }

  public var description: String {
    isValid ? "OK \(path)" : ScenarioErrors(errors).description
  }
}

/// Checks scenario and suite files.
public enum ScenarioValidator {
  /// Validates each path: a file, or a folder whose `.yaml`/`.yml` files (suites included) are
  /// all checked. Results come in the order of `paths`, a folder's files sorted, each file once.
  ///
  /// Beyond each file on its own, scenario ids must be unique across the files checked, and
  /// every suite entry must match a scenario: one checked in this call or, for a suite in a
  /// `suites` folder, one in the folder that holds it (`scenarios/` for
  /// `scenarios/suites/default.yaml`).
  public static func validate(paths: [String]) -> [FileValidation] {
    var results: [FileValidation] = []
    var scenarioFiles: [ScenarioFile] = []
    var suites: [(index: Int, suite: Suite)] = []
    for path in uniqued(paths.flatMap(expand)) {
      var result = FileValidation(path: path, errors: [])
      do {
        let text = try readText(path: path)
        switch documentKind(path: path, yaml: text) {
        case .scenario:
          scenarioFiles.append(try readScenarioFile(path: path, yaml: text))
        case .suite:
          suites.append((results.count, try SuiteLoader.parse(yaml: text, file: path)))
        }
      } catch let error as ScenarioErrors {
        result.errors = error.errors
      } catch {
        result.errors = [ScenarioError(file: path, message: "\(error)")]
      }
      results.append(result)
    }
    for error in duplicateIDErrors(scenarioFiles) {
      if let index = results.firstIndex(where: { $0.path == error.file }) {
        results[index].errors.append(error)
      }
    }
    for (index, suite) in suites {
      results[index].errors = unmatchedEntries(of: suite, checked: scenarioFiles)
    }
    return results
  }

  /// The files below a folder, or the path itself (a missing path then fails as unreadable).
  private static func expand(_ path: String) -> [String] {
    isFolder(path) ? yamlFiles(under: path, includingSuites: true) : [path]
  }

  private static func unmatchedEntries(
    of suite: Suite, checked: [ScenarioFile]
  ) -> [ScenarioError] {
    var pool = checked
    let folder = (suite.file as NSString).deletingLastPathComponent
    if (folder as NSString).lastPathComponent == "suites" {
      let parent = (folder as NSString).deletingLastPathComponent
      let root = parent.isEmpty ? "." : parent
      // Files of the root that do not parse are reported when they are checked themselves.
      let paths = yamlFiles(under: root, includingSuites: false)
      pool +=
        readScenarioFiles(paths.filter { path in !checked.contains { $0.path == path } })
        .files
    }
    do {
      _ = try ScenarioCatalog(root: folder, files: pool).scenarios(in: suite)
      return []
    } catch {
      return error.errors
    }
  }
}
