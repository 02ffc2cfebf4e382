// The optional parts of a scenario that the reference simulator and the analyzers need beyond
// the basic scene: camera paths, textures, orientation and spin, density, scripted paths,
// breakables and conditioning. Same rules as the rest of the reader: every error with its place,
// keep reading after one.
import Yams

/// The optional keys of an object beyond shape, colour, place and surface.
struct BodyOptions {
  var rotation: Vector3
  var spin: Vector3
  var density: Double
  var path: [Keyframe]?
  var breakable: Breakable?
  var texture: Texture?
}

extension ScenarioReader {
  /// Shapes that may be `breakable`; a sphere has no shards the simulator can make.
  static let breakableShapes = ["cup", "box", "cylinder"]

  static let cameraPaths = ["orbit", "dolly", "pan"]
  static let textures = ["checker", "tiles", "wood"]

  /// Largest orbit in degrees (three turns); more is surely a slip for a smaller number.
  static let maximumOrbit = 1080.0
  static let maximumPan = 360.0

  /// `rotation`, `spin`, `density`, `path`, `breakable` and `texture` of an object; `owner`
  /// names it in messages ("object 'cup'"). nil when any of them is invalid.
  func bodyOptions(_ fields: Fields, owner: String, canBreak: Bool) -> BodyOptions? {
    let rotation = optional(fields["rotation"], default: .zero) {
      diagnostics.vector($0, for: "rotation")
    }
    let spin = optional(fields["spin"], default: .zero) { diagnostics.vector($0, for: "spin") }
    let density = optional(fields["density"], default: 1000) {
      diagnostics.number($0, for: "density", .positive)
    }
    let path = optional(fields["path"], default: nil) {
      keyframes($0, owner: owner).map(Optional.some)
    }
    // A breakable on a shape that cannot break was reported as misplaced; do not read it.
    let breakable = optional(canBreak ? fields["breakable"] : nil, default: nil) {
      self.breakable($0, owner: owner).map(Optional.some)
    }
    let texture = optional(fields["texture"], default: nil) {
      self.texture($0, owner: owner).map(Optional.some)
    }
    guard let rotation, let spin, let density, let path, let breakable, let texture else {
      return nil
    }
    return BodyOptions(
      rotation: rotation, spin: spin, density: density, path: path, breakable: breakable,
      texture: texture)
  }

  /// Reports keys that contradict how the object moves: a static object has no velocity, spin,
  /// path or breakable; a scripted path sets the motion, so it excludes velocity and spin.
  func rejectConflictingMotion(_ fields: Fields, isStatic: Bool, owner: String) {
    let conflicts: [(key: String, with: String, why: String)] =
      isStatic
      ? [
        ("velocity", "'static: true'", "a static object never moves"),
        ("spin", "'static: true'", "a static object never moves"),
        ("path", "'static: true'", "a static object never moves; drop 'static' to script it"),
        ("breakable", "'static: true'", "static objects cannot break"),
      ]
      : fields["path"] == nil
        ? []
        : [
          ("velocity", "'path'", "the path sets its motion"),
          ("spin", "'path'", "a path moves the object without turning it"),
        ]
    for conflict in conflicts {
      guard let keyNode = fields.keyNode(conflict.key) else { continue }
      diagnostics.report(
        "key '\(conflict.key)' cannot be used with \(conflict.with) in \(owner) (\(conflict.why))",
        at: keyNode.mark)
    }
  }

  /// A scripted path: at least two keyframes `{t, position}` with strictly increasing t >= 0.
  func keyframes(_ node: Node, owner: String) -> [Keyframe]? {
    guard let items = diagnostics.list(node, for: "path") else { return nil }
    guard items.count >= 2 else {
      diagnostics.report(
        "'path' of \(owner) must list at least 2 keyframes such as {t: 0, position: [0, 0.5, 0]}, "
          + "found \(items.count)", at: node.mark)
      return nil
    }
    var keyframes: [Keyframe] = []
    var allRead = true
    var previous: (time: Double, text: String)?
    for (index, item) in items.enumerated() {
      guard
        let fields = Fields(
          item, expected: "a keyframe such as {t: 0, position: [0, 0.5, 0]}",
          context: " in keyframe #\(index + 1) of \(owner)", diagnostics)
      else {
        allRead = false
        continue
      }
      fields.rejectUnknownKeys(allowed: ["t", "position"])
      let timeNode = fields.required("t")
      var time = timeNode.flatMap { diagnostics.number($0, for: "t", .nonNegative) }
      if let current = time, let timeNode, let before = previous, current <= before.time {
        diagnostics.report(
          "'t' must be greater than \(before.text) (the previous keyframe's), found \(timeNode.text)",
          at: timeNode.mark)
        time = nil
      }
      if let time, let timeNode { previous = (time, timeNode.text) }
      let position = fields.required("position").flatMap {
        diagnostics.vector($0, for: "position")
      }
      guard let time, let position else {
        allRead = false
        continue
      }
      keyframes.append(Keyframe(time: time, position: position))
    }
    return allRead ? keyframes : nil
  }

  func breakable(_ node: Node, owner: String) -> Breakable? {
    guard
      let fields = Fields(
        node, expected: "a mapping such as {threshold: 2.0, pieces: 6} for 'breakable'",
        context: " in 'breakable' of \(owner)", diagnostics)
    else { return nil }
    fields.rejectUnknownKeys(allowed: ["threshold", "pieces"])
    let threshold = fields.required("threshold").flatMap {
      diagnostics.number($0, for: "threshold", .positive)
    }
    let pieces = fields.required("pieces").flatMap {
      diagnostics.integer($0, for: "pieces", in: 2...32)
    }
    guard let threshold, let pieces else { return nil }
    return Breakable(threshold: threshold, pieces: pieces)
  }

  /// `checker: {size, color}`, `tiles: {size, color}` or `wood: {scale, color}`; `color` is the
  /// pattern's second colour, the surface's own colour being the first.
  func texture(_ node: Node, owner: String) -> Texture? {
    guard
      let (kind, fields, complete) = variant(
        node, key: "texture", kind: "texture", owner: " for \(owner)", choices: Self.textures,
        example: "{checker: {size: 0.1, color: white}}")
    else { return nil }
    let sizeKey = kind == "wood" ? "scale" : "size"
    fields.rejectUnknownKeys(allowed: [sizeKey, "color"])
    let size = fields.required(sizeKey).flatMap {
      diagnostics.number($0, for: sizeKey, .positive)
    }
    let other = fields.required("color").flatMap { diagnostics.color($0, for: "color") }
    guard let size, let other, complete else { return nil }
    switch kind {
    case "checker": return .checker(size: size, other: other)
    case "tiles": return .tiles(size: size, other: other)
    default: return .wood(scale: size, other: other)
    }
  }

  /// `orbit: {center, degrees}`, `dolly: {to}` or `pan: {degrees}`. `start` is the camera's
  /// position and look_at, nil when they are invalid; then only the path's own keys are judged.
  func cameraPath(_ node: Node, start: (position: Vector3, lookAt: Vector3)?) -> CameraPath? {
    guard
      let (kind, fields, complete) = variant(
        node, key: "path", kind: "camera path", owner: "", choices: Self.cameraPaths,
        example: "{orbit: {center: [0, 0.5, 0], degrees: 360}}")
    else { return nil }
    // With a second variant or an unknown one beside it, the first is still checked.
    let start = complete ? start : nil
    func degrees(limit: Double) -> Double? {
      fields.required("degrees").flatMap {
        diagnostics.number(
          $0, for: "degrees",
          .init(
            holds: { $0 != 0 && abs($0) <= limit },
            phrase: "between -\(limit.shortText) and \(limit.shortText) and not 0"))
      }
    }
    switch kind {
    case "orbit":
      fields.rejectUnknownKeys(allowed: ["center", "degrees"])
      let centerNode = fields["center"]
      let center = optional(centerNode, default: start?.lookAt) {
        diagnostics.vector($0, for: "center").map(Optional.some)
      }
      let turn = degrees(limit: Self.maximumOrbit)
      guard let center, let turn, let start, let center else { return nil }
      if center != start.lookAt {
        diagnostics.report(
          "'center' must be the camera's 'look_at' \(start.lookAt.listText), since an orbit "
            + "always looks at its centre; found \(center.listText) (or leave 'center' out)",
          at: centerNode?.mark)
        return nil
      }
      if start.position.x == center.x, start.position.z == center.z {
        diagnostics.report(
          "an orbit needs the camera 'position' away from the vertical line through its "
            + "'center' \(center.listText); the radius would be 0",
          at: centerNode?.mark ?? fields.node.mark)
        return nil
      }
      return .orbit(center: center, degrees: turn)
    case "dolly":
      fields.rejectUnknownKeys(allowed: ["to"])
      let toNode = fields.required("to")
      guard let to = toNode.flatMap({ diagnostics.vector($0, for: "to") }), let start else {
        return nil
      }
      if to == start.position {
        diagnostics.report(
          "'to' is the camera 'position' \(to.listText); a dolly must move somewhere else",
          at: toNode?.mark)
        return nil
      }
      if to == start.lookAt {
        diagnostics.report(
          "'to' must differ from the camera 'look_at' \(to.listText); the camera would end "
            + "inside the point it looks at", at: toNode?.mark)
        return nil
      }
      return .dolly(to: to)
    default:
      fields.rejectUnknownKeys(allowed: ["degrees"])
      guard let turn = degrees(limit: Self.maximumPan), complete else { return nil }
      return .pan(degrees: turn)
    }
  }

  /// A mapping with exactly one key naming a variant (`orbit: {...}`), as camera paths and
  /// textures are written: the first known variant's name and options, and whether it stood
  /// alone (when not, the caller still reads it for its errors, then gives nil). Reports a value
  /// that is not a mapping, no variant, an unknown one (with a suggestion) or more than one, and
  /// options that are not a mapping. `owner` follows the variant in messages (" for object 'cup'").
  func variant(
    _ node: Node, key: String, kind: String, owner: String, choices: [String], example: String
  ) -> (name: String, fields: Fields, complete: Bool)? {
    guard let mapping = node.mapping, mapping.count > 0 else {
      let found = node.mapping != nil ? "an empty mapping" : node.found
      diagnostics.report(
        "expected a \(kind) such as \(example) for '\(key)', found \(found)", at: node.mark)
      return nil
    }
    var chosen: (name: String, value: Node)?
    var usable = true
    for (keyNode, value) in mapping {
      let name = keyNode.scalar?.string ?? keyNode.found
      guard choices.contains(name) else {
        let hint =
          suggestion(for: name, among: choices).map { "did you mean '\($0)'?" }
          ?? "one of \(choices.joined(separator: ", "))"
        diagnostics.report("unknown \(kind) '\(name)'\(owner) (\(hint))", at: keyNode.mark)
        usable = false
        continue
      }
      if let first = chosen {
        diagnostics.report(
          "found both '\(first.name)' and '\(name)'; give only one \(kind)\(owner)",
          at: keyNode.mark)
        usable = false
        continue
      }
      chosen = (name, value)
    }
    guard let chosen,
      let fields = Fields(
        chosen.value, expected: "a mapping of options for \(kind) '\(chosen.name)'",
        context: " in \(kind) '\(chosen.name)'\(owner)", diagnostics)
    else { return nil }
    return (chosen.name, fields, usable)
  }

  /// Checks that judge one object; a check of another kind looks at the whole clip.
  static let subjectChecks: Set<CheckSpec.Kind> = [.physics, .permanence]

  /// Reports each check that judges one object but names none when no object moves under
  /// physics, so there is no default subject. `nodes` are the checks as written. True if none.
  func rejectChecksWithoutSubject(
    _ checks: [CheckSpec], at nodes: [Node], in world: WorldSpec
  ) -> Bool {
    guard !world.objects.contains(where: \.isDynamic) else { return true }
    var allHaveOne = true
    for (check, node) in zip(checks, nodes)
    where check.object == nil && Self.subjectChecks.contains(check.kind) {
      let name = check.kind.rawValue
      diagnostics.report(
        "check '\(name)' needs an object to judge and no object here moves under physics; "
          + "name one, as in '\(name): {object: \(world.objects[0].name)}'", at: node.mark)
      allHaveOne = false
    }
    return allHaveOne
  }

  /// `{frames: N}` with 1 <= N < the clip's frame count (known only when the clip is valid).
  func conditioning(_ node: Node, clip: ClipSpec?) -> ConditioningSpec? {
    guard let fields = Fields(node, key: "conditioning", diagnostics) else { return nil }
    fields.rejectUnknownKeys(allowed: ["frames"])
    guard let framesNode = fields.required("frames"),
      let frames = diagnostics.integer(framesNode, for: "frames", in: 1...Int.max)
    else { return nil }
    if let clip, frames >= clip.frameCount {
      diagnostics.report(
        "'frames' must be less than the clip's \(clip.frameCount) frames "
          + "(\(clip.seconds.shortText) s at \(clip.fps.shortText) fps), so some are left to "
          + "generate; found \(framesNode.text)", at: framesNode.mark)
      return nil
    }
    return ConditioningSpec(frames: frames)
  }
}

extension Vector3 {
  /// `[0, 0.5, 0]`, as a scenario file writes it.
  var listText: String { "[\(x.shortText), \(y.shortText), \(z.shortText)]" }
}
