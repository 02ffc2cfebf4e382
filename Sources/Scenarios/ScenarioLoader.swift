/// Reads scenario files.
public enum ScenarioLoader {
  /// Loads and validates the scenario in `path`.
  public static func load(path: String) throws -> Scenario {
    fatalError("not yet implemented")
  }

  /// Parses and validates scenario YAML; `file` names the source in errors.
  public static func parse(yaml: String, file: String) throws -> Scenario {
    fatalError("not yet implemented")
  }
}
