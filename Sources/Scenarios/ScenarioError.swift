/// One problem in a scenario or suite file, with its place.
///
/// `description` is `FILE:LINE:COLUMN: MESSAGE`, the shape compilers use, so editors and terminals
/// can jump to the place. Errors about a whole file (it cannot be read) have no line or column and
/// read `FILE: MESSAGE`.
public struct ScenarioError: Error, CustomStringConvertible, Hashable, Sendable {
  /// The file as the user named it.
  public var file: String
  /// 1-based line, or nil when the error concerns the whole file.
  public var line: Int?
  /// 1-based column, counted in Unicode scalars like libyaml does.
  public var column: Int?
  /// What is wrong and, where we can tell, what to write instead.
  public var message: String

  public init(file: String, line: Int? = nil, column: Int? = nil, message: String) {
    self.file = file
    self.line = line
    self.column = column
    self.message = message
  }

  public var description: String {
    guard let line else { return "\(file): \(message)" }
    return "\(file):\(line):\(column ?? 1): \(message)"
  }
}

/// Every problem found in one or more files, in file order, then line and column.
///
/// Loading reports all problems at once, so a person fixes a file in one pass. The description is
/// one `ScenarioError` per line.
public struct ScenarioErrors: Error, CustomStringConvertible, Hashable, Sendable {
  public var errors: [ScenarioError]

  public init(_ errors: [ScenarioError]) {
    self.errors = errors
  }

  public var description: String {
    errors.map(\.description).joined(separator: "\n")
  }
}
