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

/// A pinhole camera placed in the world.
public struct CameraSpec: Sendable, Hashable, Codable {
  /// Vertical field of view in degrees.
  public var fieldOfViewDegrees: Double
  public var position: Vector3
  public var lookAt: Vector3

  public init(fieldOfViewDegrees: Double, position: Vector3, lookAt: Vector3) {
    self.fieldOfViewDegrees = fieldOfViewDegrees
    self.position = position
    self.lookAt = lookAt
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

  public init(
    name: String, shape: Shape, color: SceneColor, position: Vector3,
    velocity: Vector3 = .zero, isStatic: Bool = false, restitution: Double = 0.3,
    friction: Double = 0.5
  ) {
    self.name = name
    self.shape = shape
    self.color = color
    self.position = position
    self.velocity = velocity
    self.isStatic = isStatic
    self.restitution = restitution
    self.friction = friction
  }
}

/// The floor: the plane y = 0.
public struct FloorSpec: Sendable, Hashable, Codable {
  public var color: SceneColor
  public var restitution: Double
  public var friction: Double

  public init(color: SceneColor, restitution: Double = 0.3, friction: Double = 0.5) {
    self.color = color
    self.restitution = restitution
    self.friction = friction
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
    case physics
  }

  public var kind: Kind
  /// The object the check is about; nil means the scenario's first dynamic object.
  public var object: String?

  public init(kind: Kind, object: String? = nil) {
    self.kind = kind
    self.object = object
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

  public init(
    id: String, prompt: String, clip: ClipSpec, camera: CameraSpec, world: WorldSpec,
    checks: [CheckSpec]
  ) {
    self.id = id
    self.prompt = prompt
    self.clip = clip
    self.camera = camera
    self.world = world
    self.checks = checks
  }

  /// The object a check is about: the named one, or the first that moves.
  public func subject(of check: CheckSpec) -> ObjectSpec? {
    if let name = check.object { return world.objects.first { $0.name == name } }
    return world.objects.first { !$0.isStatic }
  }
}
