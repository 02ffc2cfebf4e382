import Foundation
import Scenarios
import Yams

/// A generators file: named configurations, so that `plumb run --generator NAME` reaches a
/// model. Errors name the file, line and column (as `ScenarioError`s, the shape every Plumbline
/// file error takes). The format is described in docs/generators-file.md.
public struct GeneratorsFile: Sendable {
  public var path: String
  public var configurations: [String: GeneratorConfiguration]

  public init(path: String, configurations: [String: GeneratorConfiguration]) {
    self.path = path
    self.configurations = configurations
  }

  /// Reads and checks `path`, reporting every problem at once.
  public static func load(path: String) throws -> GeneratorsFile {
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw ScenarioErrors([
        ScenarioError(
          file: path, message: "cannot read the generators file (\(error.localizedDescription))")
      ])
    }
    return try parse(text, path: path)
  }

  /// Parses generators-file text; `path` names it in errors and anchors relative folder paths.
  public static func parse(_ text: String, path: String) throws -> GeneratorsFile {
    var reader = ConfigurationReader(file: path)
    let base = (path as NSString).deletingLastPathComponent
    var configurations: [String: GeneratorConfiguration] = [:]
    let root: Node?
    do {
      root = try Yams.compose(yaml: text)
    } catch let error as YamlError {
      throw ScenarioErrors([reader.error(for: error)])
    }
    guard let root else { return GeneratorsFile(path: path, configurations: [:]) }
    guard let mapping = root.mapping else {
      reader.report("expected a mapping from generator names to configurations", at: root)
      throw ScenarioErrors(reader.errors)
    }
    for (keyNode, value) in mapping {
      let name = keyNode.string ?? ""
      if name.isEmpty || name == "reference" || name.hasPrefix("reference:") {
        reader.report(
          name.isEmpty
            ? "a generator name must be a non-empty string"
            : "'\(name)' is built in and cannot be redefined", at: keyNode)
        continue
      }
      if let configuration = reader.configuration(value, name: name, base: base) {
        configurations[name] = configuration
      }
    }
    guard reader.errors.isEmpty else { throw ScenarioErrors(reader.sortedErrors) }
    return GeneratorsFile(path: path, configurations: configurations)
  }
}

/// Walks the YAML nodes of a generators file, collecting errors with their places.
private struct ConfigurationReader {
  let file: String
  var errors: [ScenarioError] = []

  init(file: String) { self.file = file }

  /// In the order of the file, as an editor lists them.
  var sortedErrors: [ScenarioError] {
    errors.enumerated().sorted {
      ($0.element.line ?? 0, $0.element.column ?? 0, $0.offset) < (
        $1.element.line ?? 0, $1.element.column ?? 0, $1.offset
      )
    }
    .map(\.element)
  }

  mutating func report(_ message: String, at node: Node) {
    errors.append(
      ScenarioError(
        file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1, message: message))
  }

  func error(for error: YamlError) -> ScenarioError {
    switch error {
    case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
      .composer(_, let problem, let mark, _):
      return ScenarioError(
        file: file, line: mark.line, column: mark.column, message: "invalid YAML: \(problem)")
    case .duplicatedKeysInMapping(let duplicates, let context):
      return ScenarioError(
        file: file, line: context.mark.line, column: context.mark.column,
        message:
          "generator \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) defined more than once"
      )
    default:
      return ScenarioError(file: file, message: "invalid YAML: \(error)")
    }
  }

  mutating func configuration(_ node: Node, name: String, base: String) -> GeneratorConfiguration? {
    guard let mapping = node.mapping else {
      report(
        "generator '\(name)': expected a mapping with one of 'command', 'http' or 'folder'",
        at: node)
      return nil
    }
    let fields = Dictionary(
      mapping.map { ($0.key.string ?? "", ($0.key, $0.value)) }, uniquingKeysWith: { a, _ in a })
    let kinds = ["command", "http", "folder"].filter { fields[$0] != nil }
    guard kinds.count == 1 else {
      report(
        kinds.isEmpty
          ? "generator '\(name)': expected one of 'command', 'http' or 'folder'"
          : "generator '\(name)': has \(kinds.map { "'\($0)'" }.joined(separator: " and ")); choose one",
        at: node)
      return nil
    }
    switch kinds[0] {
    case "command":
      checkKeys(fields, allowed: ["command", "env", "timeout", "retries"], in: name)
      let argv = strings(fields["command"]!.1, what: "'command'", name: name)
      if let argv, argv.isEmpty {
        report("generator '\(name)': 'command' is an empty list", at: fields["command"]!.1)
      }
      let env = fields["env"].map { stringMap($0.1, what: "'env'", name: name) } ?? [:]
      let timeout = fields["timeout"].map { number($0.1, what: "'timeout'", name: name) } ?? 600
      let retries =
        fields["retries"].map { number($0.1, what: "'retries'", name: name, integer: true) } ?? 0
      guard let argv, !argv.isEmpty, let env, let timeout, let retries else { return nil }
      return .command(
        CommandSettings(arguments: argv, environment: env, timeout: timeout, retries: Int(retries)))
    case "http":
      checkKeys(fields, allowed: ["http"], in: name)
      return http(fields["http"]!.1, key: fields["http"]!.0, name: name)
    default:
      checkKeys(fields, allowed: ["folder"], in: name)
      guard let root = fields["folder"]!.1.string, !root.isEmpty else {
        report("generator '\(name)': 'folder' must be a path", at: fields["folder"]!.1)
        return nil
      }
      let resolved =
        root.hasPrefix("/") || base.isEmpty ? root : (base as NSString).appendingPathComponent(root)
      return .folder(FolderSettings(root: resolved))
    }
  }

  private mutating func http(_ node: Node, key: Node, name: String) -> GeneratorConfiguration? {
    guard let mapping = node.mapping else {
      report("generator '\(name)': 'http' must be a mapping with 'url' and 'model'", at: node)
      return nil
    }
    let fields = Dictionary(
      mapping.map { ($0.key.string ?? "", ($0.key, $0.value)) }, uniquingKeysWith: { a, _ in a })
    let allowed = [
      "url", "model", "token_env", "timeout", "request_timeout", "poll_interval", "retries",
      "backoff", "max_bytes",
      "extra",
    ]
    checkKeys(fields, allowed: allowed, in: name)
    var ok = true
    func need(_ field: String) -> String? {
      guard let found = fields[field] else {
        report("generator '\(name)': 'http' needs '\(field)'", at: key)
        ok = false
        return nil
      }
      guard let text = found.1.string, !text.isEmpty else {
        report("generator '\(name)': '\(field)' must be a non-empty string", at: found.1)
        ok = false
        return nil
      }
      return text
    }
    let url = need("url")
    if let url, URL(string: url)?.scheme.map({ ["http", "https"].contains($0) }) != true {
      report(
        "generator '\(name)': 'url' must be an http:// or https:// URL, found '\(url)'",
        at: fields["url"]!.1)
      ok = false
    }
    let model = need("model")
    let token = fields["token_env"] != nil ? need("token_env") : nil
    var settings = HTTPSettings(url: url ?? "", model: model ?? "", tokenEnvironment: token)
    func read(_ key: String, integer: Bool = false) -> Double? {
      guard let field = fields[key] else { return nil }
      let value = number(field.1, what: "'\(key)'", name: name, integer: integer)
      if value == nil { ok = false }
      return value
    }
    settings.timeout = read("timeout") ?? settings.timeout
    settings.requestTimeout = read("request_timeout") ?? settings.requestTimeout
    settings.pollInterval = read("poll_interval") ?? settings.pollInterval
    settings.retries = read("retries", integer: true).map { Int($0) } ?? settings.retries
    settings.backoff = read("backoff") ?? settings.backoff
    settings.maxBytes = read("max_bytes", integer: true).map { Int($0) } ?? settings.maxBytes
    if let extra = fields["extra"] {
      if let map = stringMap(extra.1, what: "'extra'", name: name) {
        settings.extra = map
      } else {
        ok = false
      }
    }
    return ok ? .http(settings) : nil
  }

  private mutating func checkKeys(
    _ fields: [String: (Node, Node)], allowed: [String], in name: String
  ) {
    for (key, field) in fields where !allowed.contains(key) {
      report(
        "generator '\(name)': unknown key '\(key)' (expected \(allowed.map { "'\($0)'" }.joined(separator: ", ")))",
        at: field.0)
    }
  }

  private mutating func strings(_ node: Node, what: String, name: String) -> [String]? {
    guard let items = node.sequence, items.allSatisfy({ $0.scalar != nil }) else {
      report(
        "generator '\(name)': \(what) must be a list of strings (the program and its arguments)",
        at: node)
      return nil
    }
    return items.map { $0.scalar!.string }
  }

  private mutating func stringMap(_ node: Node, what: String, name: String) -> [String: String]? {
    guard let mapping = node.mapping,
      mapping.allSatisfy({ $0.key.scalar != nil && $0.value.scalar != nil })
    else {
      report("generator '\(name)': \(what) must map names to plain values", at: node)
      return nil
    }
    return Dictionary(
      mapping.map { ($0.key.scalar!.string, $0.value.scalar!.string) },
      uniquingKeysWith: { a, _ in a })
  }

  private mutating func number(_ node: Node, what: String, name: String, integer: Bool = false)
    -> Double?
  {
    guard let text = node.scalar?.string, let value = Double(text), value >= 0,
      !integer || value == value.rounded()
    else {
      report(
        "generator '\(name)': \(what) must be a \(integer ? "whole number" : "number") ≥ 0, found \(node.scalar.map { "'\($0.string)'" } ?? "a collection")",
        at: node)
      return nil
    }
    return value
  }
}
