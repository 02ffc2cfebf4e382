// The small toolkit the scenario and suite readers share: it walks Yams nodes by hand, so every
// error carries the line and column of the node it is about, and it keeps going after an error so
// one pass over a file reports all of its problems.
import Foundation
import Yams

/// Collects the errors of one file.
final class Diagnostics {
  let file: String
  private(set) var errors: [ScenarioError] = []

  init(file: String) {
    self.file = file
  }

  func report(_ message: String, at mark: Mark?) {
    report(message, line: mark?.line ?? 1, column: mark?.column ?? 1)
  }

  func report(_ message: String, line: Int, column: Int) {
    errors.append(ScenarioError(file: file, line: line, column: column, message: message))
  }

  /// Throws the errors found so far, in the order they appear in the file.
  func throwIfAny() throws(ScenarioErrors) {
    guard !errors.isEmpty else { return }
    throw ScenarioErrors(sortedByPlace(errors))
  }
}

/// Errors sorted by file, line and column; errors at the same place keep their order.
func sortedByPlace(_ errors: [ScenarioError]) -> [ScenarioError] {
  errors.enumerated().sorted { a, b in
    let ka = (a.element.file, a.element.line ?? 0, a.element.column ?? 0, a.offset)
    let kb = (b.element.file, b.element.line ?? 0, b.element.column ?? 0, b.offset)
    return ka < kb
  }.map(\.element)
}

// MARK: Documents

/// The root node of `yaml`, or nil after reporting why there is none: a syntax error at the
/// place libyaml gives, or an empty file. `expected` says what the file should hold.
func composeRoot(yaml: String, expected: String, _ diagnostics: Diagnostics) -> Node? {
  let root: Node?
  do {
    root = try Yams.compose(yaml: yaml)
  } catch let error as YamlError {
    let (place, message) = describe(error, in: yaml)
    diagnostics.report(message, line: place.line, column: place.column)
    return nil
  } catch {
    diagnostics.report("invalid YAML: \(error)", at: nil)
    return nil
  }
  guard let root, root.tagName != .null || root.scalar?.string.isEmpty == false else {
    diagnostics.report("the file is empty; expected \(expected)", line: 1, column: 1)
    return nil
  }
  return root
}

/// The place and a one-line message for a Yams error; Yams' own description spans several lines
/// and repeats the source.
private func describe(_ error: YamlError, in yaml: String) -> ((line: Int, column: Int), String) {
  func withContext(_ problem: String, _ context: YamlError.Context?) -> String {
    guard let context else { return "invalid YAML: \(problem)" }
    // libyaml's context names the construct being read and where it began; its problem may
    // continue the context ("expected a single document" ... "but found another document").
    return "invalid YAML: \(context.text) at line \(context.mark.line), "
      + "column \(context.mark.column): \(problem)"
  }
  switch error {
  case .scanner(let context, let problem, let mark, _),
    .parser(let context, let problem, let mark, _),
    .composer(let context, let problem, let mark, _):
    return ((mark.line, mark.column), withContext(problem, context))
  case .reader(let problem, let offset, _, _):
    return (place(atCharacterOffset: offset ?? 0, in: yaml), "invalid YAML: \(problem)")
  case .duplicatedKeysInMapping(let duplicates, let context):
    let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
    let phrase = duplicates.count == 1 ? "key \(keys) appears" : "keys \(keys) appear"
    return (
      (context.mark.line, context.mark.column), "\(phrase) more than once in the same mapping"
    )
  default:
    return ((1, 1), "invalid YAML: \(error)")
  }
}

private func place(atCharacterOffset offset: Int, in text: String) -> (line: Int, column: Int) {
  var line = 1
  var column = 1
  for character in text.prefix(offset) {
    if character == "\n" {
      line += 1
      column = 1
    } else {
      column += 1
    }
  }
  return (line, column)
}

// MARK: Describing nodes

extension Node {
  /// How a node reads in "found ..." phrases: a scalar quoted as written, otherwise its kind.
  var found: String {
    switch self {
    case .scalar(let scalar):
      if tagName == .null { return "nothing" }
      // A prompt pasted in the wrong place should not flood the message.
      let text = scalar.string.count > 40 ? scalar.string.prefix(37) + "..." : scalar.string
      return "'\(text.replacingOccurrences(of: "\n", with: " "))'"
    case .mapping: return "a mapping"
    case .sequence: return "a list"
    case .alias: return "an alias"
    }
  }

  /// The scalar text as written, for quoting numbers back in range errors.
  var text: String { scalar?.string ?? found }

  var isNull: Bool { tagName == .null }

  /// The resolved tag (`int`, `float`, `str`, ...); Yams keeps `Tag.name` internal.
  var tagName: Tag.Name { Tag.Name(rawValue: tag.rawValue) }
}

// MARK: Mappings

/// A mapping being read, with the phrase that places it in messages (" in 'clip'"), its
/// required keys reported at the mapping when absent, and keys outside an allowed list reported
/// as unknown, with a suggestion when one is close.
struct Fields {
  let node: Node
  /// Appended to messages about this mapping, e.g. " in 'clip'" or " in object 'cup'".
  var context: String
  let diagnostics: Diagnostics
  private let pairs: [(key: String, keyNode: Node, value: Node)]

  /// Reads `node` as a mapping; when it is something else, reports "expected `expected`,
  /// found ..." and returns nil.
  init?(_ node: Node, expected: String, context: String, _ diagnostics: Diagnostics) {
    guard let mapping = node.mapping else {
      diagnostics.report("expected \(expected), found \(node.found)", at: node.mark)
      return nil
    }
    self.init(mapping: mapping, node: node, context: context, diagnostics)
  }

  /// Reads the mapping under `key`, naming it in messages about its keys.
  init?(_ node: Node, key: String, _ diagnostics: Diagnostics) {
    self.init(node, expected: "a mapping for '\(key)'", context: " in '\(key)'", diagnostics)
  }

  private init(mapping: Node.Mapping, node: Node, context: String, _ diagnostics: Diagnostics) {
    self.node = node
    self.context = context
    self.diagnostics = diagnostics
    var pairs: [(String, Node, Node)] = []
    for (key, value) in mapping {
      guard let name = key.scalar?.string, !key.isNull else {
        diagnostics.report("expected a key name\(context), found \(key.found)", at: key.mark)
        continue
      }
      pairs.append((name, key, value))
    }
    self.pairs = pairs
  }

  var keys: [String] { pairs.map(\.key) }

  subscript(key: String) -> Node? {
    pairs.first { $0.key == key }?.value
  }

  func keyNode(_ key: String) -> Node? {
    pairs.first { $0.key == key }?.keyNode
  }

  /// The value of a required key; reports its absence at this mapping's place.
  func required(_ key: String, why: String? = nil) -> Node? {
    if let value = self[key] { return value }
    diagnostics.report(
      "missing required key '\(key)'\(why.map { " \($0)" } ?? context)", at: node.mark)
    return nil
  }

  /// Reports every key not in `allowed`. `misplaced` maps keys that are known but wrong here to
  /// the advice given instead of a spelling suggestion.
  func rejectUnknownKeys(allowed: [String], misplaced: [String: String] = [:]) {
    for (key, keyNode, _) in pairs where !allowed.contains(key) {
      if key == "<<" {
        diagnostics.report(
          "merge keys ('<<') are not supported\(context); write the keys out", at: keyNode.mark)
      } else if let advice = misplaced[key] {
        diagnostics.report(advice, at: keyNode.mark)
      } else {
        let hint = suggestion(for: key, among: allowed).map { " (did you mean '\($0)'?)" } ?? ""
        diagnostics.report("unknown key '\(key)'\(context)\(hint)", at: keyNode.mark)
      }
    }
  }
}

// MARK: Values

/// A condition on a number, with the words that explain it ("between 0 and 1").
struct NumberRule: Sendable {
  let holds: @Sendable (Double) -> Bool
  let phrase: String

  static let any = NumberRule(holds: { _ in true }, phrase: "")
  static let positive = NumberRule(holds: { $0 > 0 }, phrase: "greater than 0")
  static let nonNegative = NumberRule(holds: { $0 >= 0 }, phrase: "at least 0")
  static let unit = NumberRule(holds: { (0...1).contains($0) }, phrase: "between 0 and 1")

  static func between(_ range: ClosedRange<Double>) -> NumberRule {
    NumberRule(
      holds: { range.contains($0) },
      phrase: "between \(range.lowerBound.shortText) and \(range.upperBound.shortText)")
  }
}

extension Double {
  /// `9.81`, and `16` rather than `16.0`.
  var shortText: String {
    rounded() == self && abs(self) < 1e15 ? String(Int(self)) : String(self)
  }
}

extension Diagnostics {
  /// A finite number (an integer or float scalar; quoted text is not a number).
  func number(_ node: Node, for key: String, _ rule: NumberRule = .any) -> Double? {
    guard let scalar = node.scalar, node.tagName == .int || node.tagName == .float,
      let value = Double.construct(from: scalar) ?? Int.construct(from: scalar).map(Double.init)
    else {
      report("expected a number for '\(key)', found \(node.found)", at: node.mark)
      return nil
    }
    guard value.isFinite else {
      report("'\(key)' must be a finite number, found \(node.text)", at: node.mark)
      return nil
    }
    guard rule.holds(value) else {
      report("'\(key)' must be \(rule.phrase), found \(node.text)", at: node.mark)
      return nil
    }
    return value
  }

  /// A whole number; `512.0` counts, `512.5` does not.
  func integer(_ node: Node, for key: String, in range: ClosedRange<Int>? = nil) -> Int? {
    guard let scalar = node.scalar, node.tagName == .int || node.tagName == .float,
      let value = Int.construct(from: scalar)
        ?? Double.construct(from: scalar).flatMap({ Int(exactly: $0) })
    else {
      report("expected an integer for '\(key)', found \(node.found)", at: node.mark)
      return nil
    }
    if let range, !range.contains(value) {
      let bounds =
        range.upperBound == Int.max
        ? "at least \(range.lowerBound)" : "between \(range.lowerBound) and \(range.upperBound)"
      report("'\(key)' must be \(bounds), found \(node.text)", at: node.mark)
      return nil
    }
    return value
  }

  /// Any scalar but null, as written (so `name: 7` gives "7").
  func string(_ node: Node, for key: String, allowEmpty: Bool = false) -> String? {
    guard let scalar = node.scalar, !node.isNull else {
      report("expected a string for '\(key)', found \(node.found)", at: node.mark)
      return nil
    }
    guard allowEmpty || !scalar.string.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    else {
      report("'\(key)' must not be empty", at: node.mark)
      return nil
    }
    return scalar.string
  }

  func bool(_ node: Node, for key: String) -> Bool? {
    guard let scalar = node.scalar, node.tagName == .bool, let value = Bool.construct(from: scalar)
    else {
      report("expected true or false for '\(key)', found \(node.found)", at: node.mark)
      return nil
    }
    return value
  }

  /// A list of scalars or a single-key item, as the caller reads each item.
  func list(_ node: Node, for key: String) -> [Node]? {
    guard let sequence = node.sequence else {
      report("expected a list for '\(key)', found \(node.found)", at: node.mark)
      return nil
    }
    return Array(sequence)
  }

  /// `[x, y, z]`, each a number.
  func vector(_ node: Node, for key: String, _ rule: NumberRule = .any) -> Vector3? {
    guard let items = node.sequence.map(Array.init), items.count == 3 else {
      let found = node.sequence.map { "\($0.count) items" } ?? node.found
      report("expected 3 numbers [x, y, z] for '\(key)', found \(found)", at: node.mark)
      return nil
    }
    let values = items.map { number($0, for: key, rule) }
    guard let x = values[0], let y = values[1], let z = values[2] else { return nil }
    return Vector3(x, y, z)
  }

  /// `"#rrggbb"`, `[r, g, b]` with channels in 0...1, or a colour name.
  func color(_ node: Node, for key: String) -> SceneColor? {
    if let items = node.sequence.map(Array.init) {
      guard items.count == 3 else {
        report("expected 3 channels [r, g, b] for '\(key)', found \(items.count)", at: node.mark)
        return nil
      }
      let values = items.map { number($0, for: key, .unit) }
      guard let r = values[0], let g = values[1], let b = values[2] else { return nil }
      return SceneColor(red: r, green: g, blue: b)
    }
    guard let text = node.scalar?.string, !node.isNull else {
      report(
        "expected a colour for '\(key)' (\"#rrggbb\", [r, g, b] or a name), found \(node.found)",
        at: node.mark)
      return nil
    }
    if text.hasPrefix("#") {
      guard let color = SceneColor(hex: text) else {
        report("expected a colour \"#rrggbb\" for '\(key)', found '\(text)'", at: node.mark)
        return nil
      }
      return color
    }
    if let color = SceneColor.named[text.lowercased()] { return color }
    let names = SceneColor.names
    let hint =
      suggestion(for: text, among: names).map { " (did you mean '\($0)'?)" }
      ?? " (known names: \(names.joined(separator: ", ")); or use \"#rrggbb\" or [r, g, b])"
    report("unknown colour '\(text)' for '\(key)'\(hint)", at: node.mark)
    return nil
  }
}

extension SceneColor {
  /// `#rrggbb`, case-insensitive.
  init?(hex: String) {
    let digits = hex.dropFirst()
    guard hex.first == "#", digits.count == 6, let value = UInt32(digits, radix: 16) else {
      return nil
    }
    self.init(
      red: Double((value >> 16) & 0xff) / 255, green: Double((value >> 8) & 0xff) / 255,
      blue: Double(value & 0xff) / 255)
  }

  /// Saturated, well-separated colours, so analyzers can tell objects apart by hue.
  static let named: [String: SceneColor] = [
    "red": SceneColor(red: 0.85, green: 0.1, blue: 0.1),
    "green": SceneColor(red: 0.1, green: 0.65, blue: 0.15),
    "blue": SceneColor(red: 0.1, green: 0.25, blue: 0.85),
    "yellow": SceneColor(red: 0.95, green: 0.85, blue: 0.1),
    "orange": SceneColor(red: 0.95, green: 0.5, blue: 0.1),
    "purple": SceneColor(red: 0.5, green: 0.2, blue: 0.7),
    "cyan": SceneColor(red: 0.1, green: 0.75, blue: 0.85),
    "magenta": SceneColor(red: 0.85, green: 0.1, blue: 0.65),
    "white": SceneColor(red: 1, green: 1, blue: 1),
    "black": SceneColor(red: 0, green: 0, blue: 0),
    "grey": SceneColor(red: 0.5, green: 0.5, blue: 0.5),
    "gray": SceneColor(red: 0.5, green: 0.5, blue: 0.5),
  ]

  static let names = [
    "red", "green", "blue", "yellow", "orange", "purple", "cyan", "magenta", "white", "black",
    "grey",
  ]
}

/// `read(node)` when the key is present, `fallback` when absent; nil when present but invalid.
func optional<T>(_ node: Node?, default fallback: T, _ read: (Node) -> T?) -> T? {
  guard let node else { return fallback }
  return read(node)
}

// MARK: Suggestions

/// The candidate closest to `word` by edit distance, when it is close enough to be a typo:
/// one edit per three letters, at least one and at most three (long ids share prefixes, and
/// 'falling-cups/fall' is no typo of 'falling-cups/drop'); adjacent swaps count as one edit.
func suggestion(for word: String, among candidates: [String]) -> String? {
  let limit = min(3, max(1, word.count / 3))
  var best: (candidate: String, distance: Int)?
  for candidate in candidates {
    let distance = editDistance(word.lowercased(), candidate.lowercased())
    if distance <= limit, distance < (best?.distance ?? .max) {
      best = (candidate, distance)
    }
  }
  return best?.candidate
}

/// Optimal string alignment distance: insertions, deletions, substitutions and swaps of
/// neighbours each cost one. O(|a|·|b|) time; keys are short.
func editDistance(_ a: String, _ b: String) -> Int {
  let a = Array(a)
  let b = Array(b)
  if a.isEmpty { return b.count }
  if b.isEmpty { return a.count }
  var previous2 = [Int](repeating: 0, count: b.count + 1)
  var previous = Array(0...b.count)
  var current = [Int](repeating: 0, count: b.count + 1)
  for i in 1...a.count {
    current[0] = i
    for j in 1...b.count {
      let cost = a[i - 1] == b[j - 1] ? 0 : 1
      current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
      if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
        current[j] = min(current[j], previous2[j - 2] + 1)
      }
    }
    (previous2, previous, current) = (previous, current, previous2)
  }
  return previous[b.count]
}
