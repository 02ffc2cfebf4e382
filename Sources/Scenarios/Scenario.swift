// Scenarios: what a scene contains and what must hold in it. A scenario never knows which
// generator renders it; generators and analyzers read it, nothing writes it back.

/// A point or direction in world space, in metres. The world is right-handed with y up;
/// the floor is the plane y = 0.
public struct Vector3: Sendable, Hashable, Codable {
  public var x: Double
  public var y: Double
  public var z: Double

  public init(_ x: Double, _ y: Double, _ z: Double) {
    self.x = x
    self.y = y
    self.z = z
  }

  public static let zero = Vector3(0, 0, 0)
}

/// A colour in a scenario, each channel in 0...1 (sRGB).
public struct SceneColor: Sendable, Hashable, Codable {
  public var red: Double
  public var green: Double
  public var blue: Double

  public init(red: Double, green: Double, blue: Double) {
    self.red = red
    self.green = green
    self.blue = blue
  }
}

/// The clip a generator is asked for.
public struct ClipSpec: Sendable, Hashable, Codable {
  public var seconds: Double
  public var fps: Double
  public var width: Int
  public var height: Int

  public init(seconds: Double, fps: Double, width: Int, height: Int) {
    self.seconds = seconds
    self.fps = fps
    self.width = width
    self.height = height
  }

  /// Frames in the clip: seconds × fps, rounded.
  public var frameCount: Int { Int((seconds * fps).rounded()) }
}

/// How the camera moves over the clip. Every path runs at constant speed from the first
/// frame to the last; `position` and `lookAt` of the camera give the start.
public enum CameraPath: Sendable, Hashable, Codable {
  /// Circles `center` at the camera's starting radius and height, turning `degrees` in all
  /// (360 for a full orbit, less for an arc), always looking at `center`.
  /// Positive degrees turn counter-clockwise seen from above.
  case orbit(center: Vector3, degrees: Double)
  /// Moves the camera in a straight line to `to`, still looking at `lookAt`.
  case dolly(to: Vector3)
  /// Stays in place and turns the view `degrees` about the vertical axis
  /// (positive: counter-clockwise seen from above, i.e. to the left).
  case pan(degrees: Double)
}

/// A pinhole camera placed in the world.
public struct CameraSpec: Sendable, Hashable, Codable {
  /// Vertical field of view in degrees.
  public var fieldOfViewDegrees: Double
  public var position: Vector3
  public var lookAt: Vector3
  /// nil for a camera on a tripod.
  public var path: CameraPath?

  public init(
    fieldOfViewDegrees: Double, position: Vector3, lookAt: Vector3, path: CameraPath? = nil
  ) {
    self.fieldOfViewDegrees = fieldOfViewDegrees
    self.position = position
    self.lookAt = lookAt
    self.path = path
  }
}

/// A procedural surface pattern, so that surfaces carry features a tracker can follow.
public enum Texture: Sendable, Hashable, Codable {
  /// Squares of `size` metres alternating the surface colour and `other`.
  case checker(size: Double, other: SceneColor)
  /// Tiles of `size` metres in the surface colour separated by grout lines of `other`.
  case tiles(size: Double, other: SceneColor)
  /// Wood-like grain: noise bands of the surface colour and `other`, `scale` metres apart.
  case wood(scale: Double, other: SceneColor)
}

/// A kinematic body's scripted motion: positions at given times, linear in between, held
/// before the first and after the last.
public struct Keyframe: Sendable, Hashable, Codable {
  public var time: Double
  public var position: Vector3

  public init(time: Double, position: Vector3) {
    self.time = time
    self.position = position
  }
}

extension Array where Element == Keyframe {
  /// Where the path puts its body at time `t`: linear between keyframes, held outside them.
  public func position(at t: Double) -> Vector3 {
    guard let first = self.first, let last = self.last else { return .zero }
    if t <= first.time { return first.position }
    if t >= last.time { return last.position }
    let k = firstIndex { $0.time > t }!
    let (a, b) = (self[k - 1].position, self[k].position)
    let s = (t - self[k - 1].time) / (self[k].time - self[k - 1].time)
    return Vector3(a.x + (b.x - a.x) * s, a.y + (b.y - a.y) * s, a.z + (b.z - a.z) * s)
  }

  /// Whether the path keeps its body in one place from time `start` to `end`: being linear
  /// between keyframes, it does exactly when the positions at both ends and at every keyframe
  /// between are the same.
  public func holdsStill(from start: Double, to end: Double) -> Bool {
    let places = [position(at: start), position(at: end)]
      + filter { $0.time > start && $0.time < end }.map(\.position)
    return places.allSatisfy { $0 == places[0] }
  }
}

/// A cup or other object that breaks into rigid shards on a hard enough impact.
public struct Breakable: Sendable, Hashable, Codable {
  /// Impact speed (m/s, along the contact normal) at or above which the object shatters.
  public var threshold: Double
  /// Number of shards.
  public var pieces: Int

  public init(threshold: Double, pieces: Int) {
    self.threshold = threshold
    self.pieces = pieces
  }
}

/// The geometry of an object, in metres, in its rest orientation (axis along y).
public enum Shape: Sendable, Hashable, Codable {
  case box(width: Double, height: Double, depth: Double)
  case sphere(radius: Double)
  case cylinder(radius: Double, height: Double)
  /// An open cylinder with a base: `wall` is the thickness of side and base.
  case cup(radius: Double, height: Double, wall: Double)

  /// Vertical extent in the rest orientation.
  public var height: Double {
    switch self {
    case .box(_, let h, _): return h
    case .sphere(let r): return 2 * r
    case .cylinder(_, let h), .cup(_, let h, _): return h
    }
  }

  /// Horizontal extent along x in the rest orientation.
  public var width: Double {
    switch self {
    case .box(let w, _, _): return w
    case .sphere(let r), .cylinder(let r, _), .cup(let r, _, _): return 2 * r
    }
  }

  /// The shape's name as scenario files spell it.
  public var kind: String {
    switch self {
    case .box: return "box"
    case .sphere: return "sphere"
    case .cylinder: return "cylinder"
    case .cup: return "cup"
    }
  }
}

/// One rigid object in the world.
public struct ObjectSpec: Sendable, Hashable, Codable {
  /// Unique within the scenario; analyzers and findings refer to the object by it.
  public var name: String
  public var shape: Shape
  public var color: SceneColor
  /// Centre of the object's bounding box at t = 0.
  public var position: Vector3
  /// Linear velocity at t = 0, m/s.
  public var velocity: Vector3
  /// A static object never moves (tables, walls).
  public var isStatic: Bool
  /// Coefficient of restitution against the floor, 0...1.
  public var restitution: Double
  /// Coulomb friction coefficient against the floor.
  public var friction: Double
  /// Initial orientation as rotations in degrees about x, then y, then z (world axes).
  public var rotationDegrees: Vector3
  /// Initial angular velocity in degrees per second about world x, y, z.
  public var spinDegrees: Vector3
  /// Density in kg/m³; with the shape's volume it gives the mass.
  public var density: Double
  /// A scripted path makes the body kinematic: it pushes others but nothing pushes it.
  public var path: [Keyframe]?
  public var breakable: Breakable?
  public var texture: Texture?

  public init(
    name: String, shape: Shape, color: SceneColor, position: Vector3,
    velocity: Vector3 = .zero, isStatic: Bool = false, restitution: Double = 0.3,
    friction: Double = 0.5, rotationDegrees: Vector3 = .zero, spinDegrees: Vector3 = .zero,
    density: Double = 1000, path: [Keyframe]? = nil, breakable: Breakable? = nil,
    texture: Texture? = nil
  ) {
    self.name = name
    self.shape = shape
    self.color = color
    self.position = position
    self.velocity = velocity
    self.isStatic = isStatic
    self.restitution = restitution
    self.friction = friction
    self.rotationDegrees = rotationDegrees
    self.spinDegrees = spinDegrees
    self.density = density
    self.path = path
    self.breakable = breakable
    self.texture = texture
  }

  /// Moves only along its scripted path.
  public var isKinematic: Bool { path != nil }

  /// Moves under physics: neither static nor scripted.
  public var isDynamic: Bool { !isStatic && path == nil }
}

/// The floor: the plane y = 0.
public struct FloorSpec: Sendable, Hashable, Codable {
  public var color: SceneColor
  public var restitution: Double
  public var friction: Double
  public var texture: Texture?

  public init(
    color: SceneColor, restitution: Double = 0.3, friction: Double = 0.5, texture: Texture? = nil
  ) {
    self.color = color
    self.restitution = restitution
    self.friction = friction
    self.texture = texture
  }
}

/// Everything in the scene and the laws it obeys.
public struct WorldSpec: Sendable, Hashable, Codable {
  /// Magnitude of gravity in m/s², pulling along −y.
  public var gravity: Double
  public var floor: FloorSpec?
  public var background: SceneColor
  public var objects: [ObjectSpec]

  public init(
    gravity: Double = 9.81, floor: FloorSpec?, background: SceneColor, objects: [ObjectSpec]
  ) {
    self.gravity = gravity
    self.floor = floor
    self.background = background
    self.objects = objects
  }
}

/// Which analyzer judges the clip, and about which object.
public struct CheckSpec: Sendable, Hashable, Codable {
  public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Gravity, contact and rest of a falling object (falling-cups).
    case physics
    /// Object permanence through occlusion.
    case permanence
    /// 3D consistency of a static scene under camera motion.
    case consistency
    /// Flicker, frozen frames, smoothness and dynamic degree; applies to every clip.
    case temporal
    /// Physics-IQ motion-mask metrics against the reference rendering.
    case physicsIQ = "physics-iq"
  }

  public var kind: Kind
  /// The object the check is about; nil means the scenario's first dynamic object.
  public var object: String?

  public init(kind: Kind, object: String? = nil) {
    self.kind = kind
    self.object = object
  }
}

/// What a generator is shown besides the prompt.
public struct ConditioningSpec: Sendable, Hashable, Codable {
  /// The first `frames` frames of the reference rendering: 1 for image-to-video, more for
  /// video continuation. Analyzers judge only the frames after them.
  public var frames: Int

  public init(frames: Int) {
    self.frames = frames
  }
}

/// A scene, the clip asked of a generator, and the checks to run on what comes back.
public struct Scenario: Sendable, Hashable, Codable {
  /// Path-like identifier, e.g. `falling-cups/drop-1m`.
  public var id: String
  /// What a person would ask a video model for.
  public var prompt: String
  public var clip: ClipSpec
  public var camera: CameraSpec
  public var world: WorldSpec
  public var checks: [CheckSpec]
  /// nil for text-to-video.
  public var conditioning: ConditioningSpec?

  public init(
    id: String, prompt: String, clip: ClipSpec, camera: CameraSpec, world: WorldSpec,
    checks: [CheckSpec], conditioning: ConditioningSpec? = nil
  ) {
    self.id = id
    self.prompt = prompt
    self.clip = clip
    self.camera = camera
    self.world = world
    self.checks = checks
    self.conditioning = conditioning
  }

  /// The object a check is about: the named one, or the first that moves under physics.
  public func subject(of check: CheckSpec) -> ObjectSpec? {
    if let name = check.object { return world.objects.first { $0.name == name } }
    return world.objects.first { $0.isDynamic }
  }
}
