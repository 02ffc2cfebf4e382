import Foundation
import Media
import Scenarios

/// A controlled violation of one property that the analyzers check: the reference engine
/// renders the scenario with exactly that property broken, by `strength`, and nothing else
/// changed. Selected as `name` or `name=strength` (e.g. `vanish`, `gravity=0.5`).
/// Deterministic given the seed.
///
/// The subject of object defects is the object of the scenario's first check
/// (`Scenario.subject(of:)`), else its first dynamic object. "Mid-motion" is the frame halfway
/// between the subject's first and last moving frames (the middle of the clip if it never
/// moves).
public struct Defect: Sendable, Hashable, CustomStringConvertible {
  public enum Kind: String, CaseIterable, Sendable {
    case vanish, teleport, duplicate, morph, gravity, timewarp, freeze, flicker, reverse, wobble, pop, zoomjitter

    /// The strength used when the name carries none.
    public var defaultStrength: Double {
      switch self {
      case .vanish, .morph, .gravity, .timewarp, .pop: return 0.5
      case .teleport, .duplicate: return 0.3
      case .freeze: return 0.25
      case .flicker: return 0.2
      case .reverse: return 1
      case .wobble: return 0.01
      case .zoomjitter: return 0.05
      }
    }

    /// The kinds of check that must catch the defect: it applies to a scenario that asks for
    /// one of them (and that `apply` accepts), and is caught when one of them finds a violation.
    public var violatedChecks: [CheckSpec.Kind] {
      switch self {
      case .gravity, .reverse: return [.physics]
      // A falling cup that vanishes, changes size and colour, or jumps breaks physics as
      // much as permanence; a second copy alongside is only a permanence failure.
      case .vanish, .morph, .teleport: return [.permanence, .physics]
      case .duplicate: return [.permanence]
      // Time bent along a fall changes its measured acceleration.
      case .timewarp: return [.temporal, .physics]
      case .freeze, .flicker: return [.temporal]
      case .wobble, .zoomjitter: return [.consistency]
      case .pop: return [.consistency, .permanence]
      }
    }

    /// What the defect violates, and what its strength means.
    public var documentation: String {
      switch self {
      case .vanish:
        return "object permanence: the subject disappears and never comes back: in a permanence scenario on the first frame where less than `strength` (0–1) of it is visible (going behind an occluder), otherwise `strength` of the way through its motion"
      case .teleport:
        return "continuity: at mid-motion the subject jumps `strength` metres to the camera's right and stays displaced"
      case .duplicate:
        return "no duplication: from mid-motion a second copy of the subject moves along `strength` metres to its right"
      case .morph:
        return "shape and colour constancy: from mid-motion the subject is 1 + `strength` times larger and its colour moves `strength` of the way to its channels rotated (r, g, b → g, b, r)"
      case .gravity:
        return "gravity: g is multiplied by `strength`"
      case .timewarp:
        return "uniform time: frame k shows time T·(f + `strength`·sin(2πf)/(2π)), f = k/(n − 1), so playback speed swings by ±`strength` (0 ≤ strength < 1)"
      case .freeze:
        return "no frozen frames: from mid-motion, `strength` (0–1) of the clip's frames repeat one frame, then time jumps on"
      case .flicker:
        return "steady brightness: each frame's linear light is multiplied by 1 + `strength`·u, u uniform in [−1, 1]"
      case .reverse:
        return "time's arrow: time runs backwards, frame k showing T − `strength`·k/fps (camera included)"
      case .wobble:
        return "rigidity: every object that never moves jitters by up to `strength` metres along each axis, independently per frame and object; the camera path is unchanged"
      case .pop:
        return "permanence in a static scene: the subject (else the first object) is absent until `strength` (0–1) of the clip, then appears"
      case .zoomjitter:
        return "fixed intrinsics: each frame's focal length is multiplied by 1 + `strength`·u, u uniform in [−1, 1]"
      }
    }
  }

  public var kind: Kind
  public var strength: Double

  public init(_ kind: Kind, strength: Double? = nil) {
    self.kind = kind
    self.strength = strength ?? kind.defaultStrength
  }

  /// `name` when the strength is the default, else `name=strength`.
  public var description: String {
    strength == kind.defaultStrength ? kind.rawValue : "\(kind.rawValue)=\(strength)"
  }

  /// Parses `name` or `name=strength`.
  public static func parse(_ text: String) throws -> Defect {
    let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
    let name = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
    guard let kind = Kind(rawValue: name) else { throw UnknownDefectError(name: parts[0]) }
    guard parts.count == 2 else { return Defect(kind) }
    guard let strength = Double(parts[1].trimmingCharacters(in: .whitespaces)), strength.isFinite else {
      throw DefectError("defect '\(name)': strength '\(parts[1])' is not a number")
    }
    return Defect(kind, strength: strength)
  }

  /// The scenario to render and the distortion to render it with.
  public func apply(to scenario: Scenario, seed: UInt64) throws -> (scenario: Scenario, distortion: Distortion) {
    try checkStrength()
    var scenario = scenario
    var d = Distortion()
    let n = scenario.clip.frameCount
    let fps = scenario.clip.fps
    var random = SplitMix64(seed: seed ^ fnv1a(kind.rawValue.utf8))
    let uniform = { (random: inout SplitMix64) in random.nextUnit() * 2 - 1 }
    switch kind {
    case .gravity:
      scenario.world.gravity *= strength
    case .timewarp:
      let last = Double(n - 1) / fps
      d.frameTimes = (0..<n).map { k in
        let f = n > 1 ? Double(k) / Double(n - 1) : 0
        return last * (f + strength * sin(2 * .pi * f) / (2 * .pi))
      }
    case .reverse:
      // Integer numerators keep strength 1 exact: frame k shows frame n − 1 − k.
      d.frameTimes = (0..<n).map { max(0, (Double(n - 1) - strength * Double($0)) / fps) }
    case .freeze:
      let start = try motion(of: try subject(in: scenario), in: scenario).middle
      let length = max(2, Int((strength * Double(n)).rounded()))
      d.frameTimes = (0..<n).map { k in Double(k >= start && k < start + length ? start : k) / fps }
    case .flicker:
      d.brightness = (0..<n).map { _ in max(0, 1 + strength * uniform(&random)) }
    case .zoomjitter:
      d.focalScales = (0..<n).map { _ in max(0.01, 1 + strength * uniform(&random)) }
    case .vanish:
      let subject = try subject(in: scenario)
      let from: Int
      if scenario.checks.first?.kind == .permanence, let hidden = try firstOccludedFrame(of: subject, in: scenario) {
        from = hidden
      } else {
        let m = try motion(of: subject, in: scenario)
        from = m.first + Int((strength * Double(m.last - m.first)).rounded())
      }
      d.edits = [ObjectEdit(object: subject, frames: from..<n, hidden: true)]
    case .pop:
      let object = (try? subject(in: scenario)) ?? 0
      guard !scenario.world.objects.isEmpty else { throw DefectError("defect 'pop' needs an object in the scene") }
      d.edits = [ObjectEdit(object: object, frames: 0..<Int((strength * Double(n)).rounded()), hidden: true)]
    case .teleport, .duplicate, .morph:
      let subject = try subject(in: scenario)
      let from = try motion(of: subject, in: scenario).middle
      let right = try PinholeCamera(spec: scenario.camera, width: scenario.clip.width, height: scenario.clip.height)
        .rotation.row0
      let side = Vector3(right.x * strength, right.y * strength, right.z * strength)
      switch kind {
      case .teleport:
        d.edits = [ObjectEdit(object: subject, frames: from..<n, offset: side)]
      case .duplicate:
        d.edits = [ObjectEdit(object: subject, frames: from..<n, duplicateOffset: side)]
      default:
        let c = scenario.world.objects[subject].color
        let s = strength
        let shifted = SceneColor(
          red: c.red + (c.green - c.red) * s, green: c.green + (c.blue - c.green) * s, blue: c.blue + (c.red - c.blue) * s)
        d.edits = [ObjectEdit(object: subject, frames: from..<n, color: shifted, scale: 1 + strength)]
      }
    case .wobble:
      let renderer = ReferenceRenderer(scenario: scenario)
      let bodies = renderer.simulatedBodies(times: renderer.frameTimes)
      for i in scenario.world.objects.indices
      where bodies.allSatisfy({ $0[i].pose.position == bodies[0][i].pose.position && $0[i].pose.orientation == bodies[0][i].pose.orientation }) {
        for k in 0..<n {
          let offset = Vector3(strength * uniform(&random), strength * uniform(&random), strength * uniform(&random))
          d.edits.append(ObjectEdit(object: i, frames: k..<(k + 1), offset: offset))
        }
      }
    }
    return (scenario, d)
  }

  private func checkStrength() throws {
    let ok: Bool
    switch kind {
    case .vanish, .freeze, .pop: ok = (0...1).contains(strength)
    case .timewarp: ok = strength >= 0 && strength < 1
    case .morph: ok = strength > -1
    default: ok = strength >= 0
    }
    guard ok else { throw DefectError("defect '\(kind.rawValue)': strength \(strength) is out of range (\(kind.documentation))") }
  }

  /// The subject's scenario object index.
  func subject(in scenario: Scenario) throws -> Int {
    let named = scenario.checks.first.flatMap { scenario.subject(of: $0) }?.name
    let index =
      named.flatMap { name in scenario.world.objects.firstIndex { $0.name == name } }
      ?? scenario.world.objects.firstIndex { $0.isDynamic }
    guard let index else {
      throw DefectError("defect '\(kind.rawValue)' needs a subject: scenario '\(scenario.id)' has no check object and no dynamic object")
    }
    return index
  }

  /// The subject's first and last moving frames (where its pose differs from the frame
  /// before) and the frame halfway between; the whole clip when it never moves.
  func motion(of object: Int, in scenario: Scenario) throws -> (first: Int, last: Int, middle: Int) {
    let renderer = ReferenceRenderer(scenario: scenario)
    let poses = renderer.simulatedBodies(times: renderer.frameTimes).map { $0[object].pose.position }
    // A millimetre a frame, not any change: a body settling on the floor moves by
    // micrometres for a while, which would put "mid-motion" after it has landed.
    let moving = poses.indices.dropFirst().filter { (Vec3(poses[$0]) - Vec3(poses[$0 - 1])).length > 1e-3 }
    let first = moving.first ?? 0
    let last = moving.last ?? max(0, poses.count - 1)
    return (first, last, (first + last) / 2)
  }

  /// The first frame after the start where less than `strength` of the subject is visible
  /// (it is going behind something), from a quick low-resolution render; nil if none.
  func firstOccludedFrame(of object: Int, in scenario: Scenario) throws -> Int? {
    var quick = scenario
    let scale = min(1, 96 / Double(max(scenario.clip.width, scenario.clip.height)))
    quick.clip.width = max(1, Int((Double(scenario.clip.width) * scale).rounded()))
    quick.clip.height = max(1, Int((Double(scenario.clip.height) * scale).rounded()))
    let frames = try ReferenceRenderer(scenario: quick, options: RenderOptions(supersampling: 1, shadows: false)).render()
      .frames
    return frames.dropFirst().first { f in
      let v = f.visibility[object]
      return v.unoccludedPixels > 0 && v.fraction < strength
    }?.index
  }
}

/// A defect that cannot be applied as asked.
public struct DefectError: Error, CustomStringConvertible, Sendable {
  public let description: String
  init(_ description: String) { self.description = description }
}

/// A defect name that is not in the catalogue, with the nearest known name.
public struct UnknownDefectError: Error, CustomStringConvertible, Sendable {
  public let name: String

  public var description: String {
    let known = Defect.Kind.allCases.map(\.rawValue)
    let nearest = known.min { editDistance($0, name.lowercased()) < editDistance($1, name.lowercased()) }!
    let hint = editDistance(nearest, name.lowercased()) <= max(2, name.count / 3) ? " (did you mean '\(nearest)'?)" : ""
    return "unknown defect '\(name)'\(hint); known defects: \(known.joined(separator: ", "))"
  }
}

/// Levenshtein distance between two strings.
func editDistance(_ a: String, _ b: String) -> Int {
  let a = Array(a)
  let b = Array(b)
  var row = Array(0...b.count)
  for i in 1...max(a.count, 1) where !a.isEmpty {
    var previous = row[0]
    row[0] = i
    for j in stride(from: 1, through: b.count, by: 1) {
      let current = row[j]
      row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
      previous = current
    }
  }
  return row[b.count]
}
