// Scenario files: YAML in, a validated `Scenario` out, or every problem in the file with its line
// and column. The nodes are walked by hand rather than decoded with `Decodable`, because decoding
// stops at the first error and loses the place of most.
import Foundation
import Yams

/// Reads scenario files.
///
/// The format is documented for users in docs/scenario-format.md; keep the two in step.
public enum ScenarioLoader {
  /// Loads and validates the scenario in `path`.
  ///
  /// Throws `ScenarioErrors`: the file's problems, or one error naming `path` when it cannot
  /// be read.
  public static func load(path: String) throws -> Scenario {
    try parse(yaml: readText(path: path), file: path)
  }

  /// Parses and validates scenario YAML; `file` names the source in errors.
  ///
  /// Throws `ScenarioErrors` holding every problem found, sorted by line and column.
  public static func parse(yaml: String, file: String) throws -> Scenario {
    try parseLocated(yaml: yaml, file: file).scenario
  }

  /// The scenario and where its id is written, for errors about ids shared between files.
  static func parseLocated(
    yaml: String, file: String
  ) throws(ScenarioErrors) -> (scenario: Scenario, idPlace: SourcePlace) {
    let diagnostics = Diagnostics(file: file)
    let root = composeRoot(yaml: yaml, expected: expectedRoot, diagnostics)
    let scenario = root.flatMap { ScenarioReader(diagnostics).scenario($0) }
    try diagnostics.throwIfAny()
    guard let scenario, let root else {
      // Every path that yields nil reports first; this keeps the contract if one ever does not.
      throw ScenarioErrors([
        ScenarioError(file: file, line: 1, column: 1, message: "could not be read as a scenario")
      ])
    }
    return (scenario, SourcePlace(root.mapping?["id"]?.mark))
  }

  static let expectedRoot =
    "a mapping with keys 'id', 'prompt', 'clip', 'camera' and 'world'"

  /// The default floor colour, background and cup wall, as documented above.
  public static let defaultBackground = SceneColor(hex: "#bcd4e6")!
  public static let defaultFloor = FloorSpec(color: SceneColor.named["grey"]!)
  public static let defaultCupWall = 0.006
}

/// The contents of `path` as UTF-8 text, or an error naming the path.
func readText(path: String) throws(ScenarioErrors) -> String {
  let url = URL(fileURLWithPath: path)
  let data: Data
  do {
    data = try Data(contentsOf: url)
  } catch {
    var isDirectory: ObjCBool = false
    let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
    let why =
      !exists
      ? "no such file" : isDirectory.boolValue ? "is a folder, not a file" : "cannot be read"
    throw ScenarioErrors([ScenarioError(file: path, message: why)])
  }
  guard let text = String(data: data, encoding: .utf8) else {
    throw ScenarioErrors([ScenarioError(file: path, message: "is not UTF-8 text")])
  }
  return text
}

/// Walks one scenario document. Each method reports what is wrong in its part and returns nil
/// if that part is unusable, so siblings are still read and their errors reported too.
struct ScenarioReader {
  let diagnostics: Diagnostics

  init(_ diagnostics: Diagnostics) {
    self.diagnostics = diagnostics
  }

  func scenario(_ root: Node) -> Scenario? {
    guard let fields = Fields(root, expected: ScenarioLoader.expectedRoot, context: "", diagnostics)
    else { return nil }
    if fields["scenarios"] != nil, fields["world"] == nil {
      // One clear sentence instead of an unknown 'scenarios' and four missing keys.
      diagnostics.report(
        "this is a suite file (it lists 'scenarios'), not a scenario; load it as a suite",
        at: root.mark)
      return nil
    }
    fields.rejectUnknownKeys(allowed: [
      "id", "prompt", "clip", "camera", "world", "checks", "conditioning",
    ])
    let id = fields.required("id").flatMap(self.identifier)
    let prompt = fields.required("prompt").flatMap { diagnostics.string($0, for: "prompt") }
    let clip = fields.required("clip").flatMap(self.clip)
    let camera = fields.required("camera").flatMap(self.camera)
    let world = fields.required("world").flatMap(self.world)
    let names = fields["world"].flatMap(declaredObjectNames)
    let checks = fields["checks"].map { self.checks($0, objectNames: names) } ?? []
    let conditioning = optional(fields["conditioning"], default: nil) {
      self.conditioning($0, clip: clip).map(Optional.some)
    }
    guard let id, let prompt, let clip, let camera, let world, let checks, let conditioning
    else { return nil }
    if let nodes = fields["checks"]?.sequence.map(Array.init),
      !rejectChecksWithoutSubject(checks, at: nodes, in: world)
    {
      return nil
    }
    return Scenario(
      id: id, prompt: prompt, clip: clip, camera: camera, world: world, checks: checks,
      conditioning: conditioning)
  }

  func identifier(_ node: Node) -> String? {
    guard let id = diagnostics.string(node, for: "id") else { return nil }
    guard isScenarioID(id) else {
      diagnostics.report(
        "'id' must be folder/name using lowercase letters, digits and '-', found '\(id)'",
        at: node.mark)
      return nil
    }
    return id
  }

  func clip(_ node: Node) -> ClipSpec? {
    guard let fields = Fields(node, key: "clip", diagnostics) else { return nil }
    fields.rejectUnknownKeys(allowed: ["seconds", "fps", "width", "height"])
    let seconds = fields.required("seconds").flatMap {
      diagnostics.number(
        $0, for: "seconds",
        .init(holds: { $0 > 0 && $0 <= 600 }, phrase: "greater than 0 and at most 600"))
    }
    let fps = fields.required("fps").flatMap {
      diagnostics.number(
        $0, for: "fps",
        .init(holds: { $0 > 0 && $0 <= 1000 }, phrase: "greater than 0 and at most 1000"))
    }
    let width = fields.required("width").flatMap {
      diagnostics.integer($0, for: "width", in: 16...8192)
    }
    let height = fields.required("height").flatMap {
      diagnostics.integer($0, for: "height", in: 16...8192)
    }
    guard let seconds, let fps, let width, let height else { return nil }
    return ClipSpec(seconds: seconds, fps: fps, width: width, height: height)
  }

  func camera(_ node: Node) -> CameraSpec? {
    guard let fields = Fields(node, key: "camera", diagnostics) else { return nil }
    fields.rejectUnknownKeys(allowed: ["fov", "position", "look_at", "path"])
    let fov = fields.required("fov").flatMap {
      diagnostics.number(
        $0, for: "fov",
        .init(holds: { $0 > 1 && $0 < 179 }, phrase: "greater than 1 and less than 179 (degrees)"))
    }
    let position = fields.required("position").flatMap { diagnostics.vector($0, for: "position") }
    let lookAtNode = fields.required("look_at")
    let lookAt = lookAtNode.flatMap { diagnostics.vector($0, for: "look_at") }
    var start = position.flatMap { position in lookAt.map { (position, $0) } }
    if let (position, lookAt) = start, lookAt == position {
      diagnostics.report("'look_at' must differ from the camera 'position'", at: lookAtNode?.mark)
      start = nil
    }
    // Without a valid start the path is still read, so its own errors are reported.
    let path = optional(fields["path"], default: nil) {
      cameraPath($0, start: start).map(Optional.some)
    }
    guard let fov, let (position, lookAt) = start, let path else { return nil }
    return CameraSpec(fieldOfViewDegrees: fov, position: position, lookAt: lookAt, path: path)
  }

  func world(_ node: Node) -> WorldSpec? {
    guard let fields = Fields(node, key: "world", diagnostics) else { return nil }
    fields.rejectUnknownKeys(allowed: ["gravity", "background", "floor", "objects"])
    let gravity = optional(fields["gravity"], default: 9.81) {
      diagnostics.number($0, for: "gravity", .nonNegative)
    }
    let background = optional(fields["background"], default: ScenarioLoader.defaultBackground) {
      diagnostics.color($0, for: "background")
    }
    let floor = optional(fields["floor"], default: ScenarioLoader.defaultFloor, self.floor)
    let objects = fields.required("objects").flatMap(self.objects)
    guard let gravity, let background, let floor, let objects else { return nil }
    return WorldSpec(gravity: gravity, floor: floor, background: background, objects: objects)
  }

  /// `none`, or a mapping of floor properties; the outer optional is nil when invalid.
  func floor(_ node: Node) -> FloorSpec?? {
    if node.scalar?.string == "none" { return .some(nil) }
    guard node.mapping != nil else {
      diagnostics.report(
        "expected a mapping or 'none' for 'floor', found \(node.found)", at: node.mark)
      return nil
    }
    guard let fields = Fields(node, key: "floor", diagnostics) else { return nil }
    fields.rejectUnknownKeys(allowed: ["color", "restitution", "friction", "texture"])
    let color = optional(fields["color"], default: ScenarioLoader.defaultFloor.color) {
      diagnostics.color($0, for: "color")
    }
    let surface = surface(fields)
    let texture = optional(fields["texture"], default: nil) {
      self.texture($0, owner: "'floor'").map(Optional.some)
    }
    guard let color, let surface, let texture else { return nil }
    return FloorSpec(
      color: color, restitution: surface.restitution, friction: surface.friction,
      texture: texture)
  }

  func objects(_ node: Node) -> [ObjectSpec]? {
    guard let items = diagnostics.list(node, for: "objects") else { return nil }
    guard !items.isEmpty else {
      diagnostics.report("'objects' must list at least one object", at: node.mark)
      return nil
    }
    var firstUse: [String: Int] = [:]
    var objects: [ObjectSpec] = []
    var allRead = true
    for (index, item) in items.enumerated() {
      guard let object = self.object(item, number: index + 1, firstUse: &firstUse) else {
        allRead = false
        continue
      }
      objects.append(object)
    }
    return allRead ? objects : nil
  }

  /// Geometry keys and the shapes that use them.
  static let geometry: [(shape: String, keys: [String], advice: String)] = [
    ("box", ["size"], "'size'"),
    ("sphere", ["radius"], "'radius'"),
    ("cylinder", ["radius", "height"], "'radius' and 'height'"),
    ("cup", ["radius", "height", "wall"], "'radius', 'height' and optionally 'wall'"),
  ]

  func object(_ node: Node, number: Int, firstUse: inout [String: Int]) -> ObjectSpec? {
    guard
      var fields = Fields(
        node, expected: "a mapping for object #\(number)", context: " in object #\(number)",
        diagnostics)
    else { return nil }
    let nameNode = fields.required("name")
    let name = nameNode.flatMap { diagnostics.string($0, for: "name") }
    if let name, let nameNode {
      fields.context = " in object '\(name)'"
      if let line = firstUse[name] {
        diagnostics.report(
          "duplicate object name '\(name)' (first used at line \(line))", at: nameNode.mark)
      } else {
        firstUse[name] = nameNode.mark?.line ?? 0
      }
    }
    let shapeNode = fields.required("shape")
    let shapeName = shapeNode.flatMap { diagnostics.string($0, for: "shape") }
    let entry = shapeName.flatMap { name in Self.geometry.first { $0.shape == name } }
    if let shapeName, entry == nil, let shapeNode {
      let shapes = Self.geometry.map(\.shape)
      let hint =
        suggestion(for: shapeName, among: shapes).map { "did you mean '\($0)'?" }
        ?? "one of \(shapes.joined(separator: ", "))"
      diagnostics.report(
        "unknown shape '\(shapeName)'\(fields.context) (\(hint))", at: shapeNode.mark)
    }
    let canBreak = entry.map { Self.breakableShapes.contains($0.shape) } ?? true
    rejectUnknownObjectKeys(fields, shape: entry, canBreak: canBreak)
    let shape = entry.flatMap { self.shape($0.shape, fields) }
    let color = fields.required("color").flatMap { diagnostics.color($0, for: "color") }
    let position = fields.required("position").flatMap {
      diagnostics.vector($0, for: "position")
    }
    let velocity = optional(fields["velocity"], default: .zero) {
      diagnostics.vector($0, for: "velocity")
    }
    let isStatic = optional(fields["static"], default: false) {
      diagnostics.bool($0, for: "static")
    }
    let surface = surface(fields)
    let owner = name.map { "object '\($0)'" } ?? "object #\(number)"
    let options = bodyOptions(fields, owner: owner, canBreak: canBreak)
    if let isStatic { rejectConflictingMotion(fields, isStatic: isStatic, owner: owner) }
    if let start = options?.path?.first?.position, let position, start != position {
      // Before its first keyframe a path holds the first position, so that is where it starts.
      diagnostics.report(
        "'position' of \(owner) must be where its path starts, \(start.listText); "
          + "found \(position.listText)", at: fields["position"]?.mark)
      return nil
    }
    guard let name, let shape, let color, let position, let velocity, let isStatic, let surface,
      let options
    else { return nil }
    return ObjectSpec(
      name: name, shape: shape, color: color, position: position, velocity: velocity,
      isStatic: isStatic, restitution: surface.restitution, friction: surface.friction,
      rotationDegrees: options.rotation, spinDegrees: options.spin, density: options.density,
      path: options.path, breakable: options.breakable, texture: options.texture)
  }

  /// Reports keys no object has, and geometry keys or `breakable` that the shape does not use;
  /// without a known `shape` only the keys no object has.
  func rejectUnknownObjectKeys(
    _ fields: Fields, shape entry: (shape: String, keys: [String], advice: String)?,
    canBreak: Bool
  ) {
    let common = [
      "name", "shape", "color", "position", "velocity", "static", "restitution", "friction",
      "rotation", "spin", "density", "path", "texture", "breakable",
    ]
    let geometryKeys = ["size", "radius", "height", "wall"]
    guard let entry else {
      fields.rejectUnknownKeys(allowed: common + geometryKeys)
      return
    }
    var misplaced: [String: String] = [:]
    for key in geometryKeys where !entry.keys.contains(key) {
      misplaced[key] = "key '\(key)' does not apply to shape '\(entry.shape)' (use \(entry.advice))"
    }
    if !canBreak {
      misplaced["breakable"] =
        "key 'breakable' does not apply to shape '\(entry.shape)'\(fields.context) "
        + "(only \(Self.breakableShapes.joined(separator: ", ")) can break)"
    }
    fields.rejectUnknownKeys(
      allowed: common.filter { canBreak || $0 != "breakable" } + entry.keys, misplaced: misplaced)
  }

  /// The optional `restitution` (0...1, default 0.3) and `friction` (>= 0, default 0.5) that
  /// objects and the floor share.
  func surface(_ fields: Fields) -> (restitution: Double, friction: Double)? {
    let restitution = optional(fields["restitution"], default: 0.3) {
      diagnostics.number($0, for: "restitution", .unit)
    }
    let friction = optional(fields["friction"], default: 0.5) {
      diagnostics.number($0, for: "friction", .nonNegative)
    }
    guard let restitution, let friction else { return nil }
    return (restitution, friction)
  }

  func shape(_ kind: String, _ fields: Fields) -> Shape? {
    let why = "for shape '\(kind)'"
    func dimension(_ key: String) -> Double? {
      fields.required(key, why: why).flatMap { diagnostics.number($0, for: key, .positive) }
    }
    switch kind {
    case "box":
      guard
        let size = fields.required("size", why: why).flatMap({
          diagnostics.vector($0, for: "size", .positive)
        })
      else { return nil }
      return .box(width: size.x, height: size.y, depth: size.z)
    case "sphere":
      return dimension("radius").map { .sphere(radius: $0) }
    case "cylinder":
      let radius = dimension("radius")
      let height = dimension("height")
      guard let radius, let height else { return nil }
      return .cylinder(radius: radius, height: height)
    default:
      let radius = dimension("radius")
      let height = dimension("height")
      let wallNode = fields["wall"]
      let wall = optional(wallNode, default: ScenarioLoader.defaultCupWall) {
        diagnostics.number($0, for: "wall", .positive)
      }
      guard let radius, let height, let wall else { return nil }
      for (key, limit) in [("radius", radius), ("height", height)] where wall >= limit {
        let found = wallNode?.text ?? ScenarioLoader.defaultCupWall.shortText
        diagnostics.report(
          "'wall' must be less than '\(key)' (\(fields[key]?.text ?? limit.shortText)), found \(found)",
          at: wallNode?.mark ?? fields.node.mark)
        return nil
      }
      return .cup(radius: radius, height: height, wall: wall)
    }
  }

  /// The names given in `world.objects`, read without judging the objects, so checks can be
  /// verified even when an object has errors; nil when there is no list to read them from.
  func declaredObjectNames(_ world: Node) -> [String]? {
    guard let items = world.mapping?["objects"]?.sequence else { return nil }
    return items.compactMap { $0.mapping?["name"]?.scalar?.string }
  }

  /// The checks, each a name or a one-key mapping; `objectNames` is nil when the objects could
  /// not be listed, and then the objects checks name are not verified.
  func checks(_ node: Node, objectNames: [String]?) -> [CheckSpec]? {
    guard let items = diagnostics.list(node, for: "checks") else { return nil }
    let checks = items.map { check($0, objectNames: objectNames) }
    return checks.contains { $0 == nil } ? nil : checks.compactMap { $0 }
  }

  func check(_ node: Node, objectNames names: [String]?) -> CheckSpec? {
    let nameNode: Node
    var options: Node?
    if let mapping = node.mapping, mapping.count == 1, let (key, value) = mapping.first {
      nameNode = key
      options = value.isNull ? nil : value
    } else if node.scalar != nil, !node.isNull {
      nameNode = node
    } else {
      diagnostics.report(
        "expected a check name or a one-key mapping such as 'physics: {object: cup}', found "
          + (node.mapping.map { "a mapping with \($0.count) keys" } ?? node.found),
        at: node.mark)
      return nil
    }
    let name = nameNode.scalar?.string ?? ""
    let kind = CheckSpec.Kind(rawValue: name)
    if kind == nil {
      let known = CheckSpec.Kind.allCases.map(\.rawValue)
      let hint =
        suggestion(for: name, among: known).map { "did you mean '\($0)'?" }
        ?? "known checks: \(known.joined(separator: ", "))"
      diagnostics.report("unknown check '\(name)' (\(hint))", at: nameNode.mark)
    }
    var object: String?
    if let options {
      guard
        let fields = Fields(
          options, expected: "options such as {object: cup} for check '\(name)'",
          context: " in check '\(name)'", diagnostics)
      else { return nil }
      fields.rejectUnknownKeys(allowed: ["object"])
      if let objectNode = fields["object"] {
        guard let named = diagnostics.string(objectNode, for: "object") else { return nil }
        object = named
        if let names, !names.contains(named) {
          let hint =
            suggestion(for: named, among: names).map { "did you mean '\($0)'?" }
            ?? "objects: \(uniqued(names).joined(separator: ", "))"
          diagnostics.report(
            "check '\(name)' names object '\(named)', which is not in world.objects (\(hint))",
            at: objectNode.mark)
          return nil
        }
      }
    }
    guard let kind else { return nil }
    return CheckSpec(kind: kind, object: object)
  }
}

/// `folder/name` with lowercase letters, digits and '-' in each non-empty part.
func isScenarioID(_ id: String) -> Bool {
  isIDPath(id, minimumParts: 2)
}

/// A folder of scenario ids, such as `falling-cups/`: id parts followed by '/'.
func isIDPrefix(_ prefix: String) -> Bool {
  prefix.hasSuffix("/") && isIDPath(String(prefix.dropLast()), minimumParts: 1)
}

private func isIDPath(_ path: String, minimumParts: Int) -> Bool {
  let parts = path.split(separator: "/", omittingEmptySubsequences: false)
  let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
  return parts.count >= minimumParts
    && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(allowed.contains) }
}

/// `items` without repeats, in first-seen order.
func uniqued(_ items: [String]) -> [String] {
  var seen = Set<String>()
  return items.filter { seen.insert($0).inserted }
}
