// Engine physics: rigid bodies under gravity with floor contact.
//
// Contract (tests and analyzers rely on it):
// - World in metres, right-handed, y up; the floor is the plane y = 0; gravity pulls along −y.
// - A body's `position` is the centre of its bounding box in rest orientation (axis along +y);
//   for the shapes we have this is also the centre used for rotation.
// - The simulation runs on a fixed grid of steps `timeStep` apart, independent of any frame
//   rate. A state at any other time is the last grid state advanced by the remaining fraction,
//   so frame k of a clip sees the world at exactly t = k / fps.
// - Free flight uses x += v·dt + ½·a·dt², v += a·dt, exact for constant acceleration.
// - Floor contact acts at the body's lowest point. The time of impact is solved inside the
//   step, so bounce heights do not depend on the step. Restitution and friction of body and
//   floor combine as products (as Bullet does); restitution is clamped to 0...1 so a bounce
//   never gains energy.
// - An impact slower than `restSpeed` ends in rest on the floor instead of a micro-bounce.
//   While on the floor, Coulomb friction decelerates sliding at μ·g until it stops exactly.
//   A body at rest is not integrated at all, so it stays bit-for-bit still.
// - Besides the floor, the top faces of static boxes and cylinders (tables, shelves) are
//   support surfaces: a body lands on them, slides on them, and falls when its centre slides
//   past their edge (the instant is solved exactly).
// - First cut: contacts push only on the linear velocity (no torque), so nothing topples; a
//   body that settles on a surface stops spinning. Moving bodies do not collide with each
//   other, and static bodies are felt only through their top faces.
import Scenarios

/// Tunables of the reference physics. Fixed for a run, so results are reproducible.
public struct PhysicsSettings: Sendable, Hashable {
  /// Internal step in seconds.
  public var timeStep: Double
  /// Approach speed (m/s) below which an impact ends in rest. 0.1 m/s is the speed after a
  /// 0.5 mm drop at g = 9.81: a rebound from it would be invisible.
  public var restSpeed: Double

  public init(timeStep: Double = 1.0 / 1000, restSpeed: Double = 0.1) {
    self.timeStep = timeStep
    self.restSpeed = restSpeed
  }
}

/// One rigid body's state.
public struct RigidBody: Sendable {
  public let shape: Shape
  public let isStatic: Bool
  public let restitution: Double
  public let friction: Double
  var position: Vec3
  var velocity: Vec3
  var orientation: Quaternion
  /// Radians per second about world axes.
  var angularVelocity: Vec3
  /// The support surface the body rests or slides on (lowest point on it, no normal
  /// velocity; only friction acts), by index in `Simulation.surfaces`.
  public internal(set) var support: Int?

  public init(_ spec: ObjectSpec) {
    shape = spec.shape
    isStatic = spec.isStatic
    restitution = spec.restitution
    friction = spec.friction
    position = Vec3(spec.position)
    velocity = spec.isStatic ? .zero : Vec3(spec.velocity)
    orientation = .identity
    angularVelocity = .zero
  }

  public var pose: BodyPose {
    BodyPose(
      position: position.vector3, orientation: orientation, velocity: velocity.vector3,
      angularVelocity: angularVelocity.vector3)
  }

  /// Supported, not sliding, not spinning: integration leaves it untouched.
  public var isAtRest: Bool { support != nil && velocity == .zero && angularVelocity == .zero }

  /// Height of the lowest point of the body relative to its position: minus the support
  /// of the shape in the body-frame direction of world −y.
  var lowestOffset: Double {
    let d = orientation.conjugate.rotate(Vec3(0, -1, 0))
    switch shape {
    case .sphere(let r):
      return -r
    case .box(let w, let h, let depth):
      return -(w / 2 * abs(d.x) + h / 2 * abs(d.y) + depth / 2 * abs(d.z))
    case .cylinder(let r, let h), .cup(let r, let h, _):
      return -(h / 2 * abs(d.y) + r * (d.x * d.x + d.z * d.z).squareRoot())
    }
  }

  var lowestPoint: Double { position.y + lowestOffset }
}

/// Where a body is and how it moves at one instant.
public struct BodyPose: Sendable, Hashable {
  /// Centre of the bounding box (rest orientation), metres.
  public var position: Vector3
  /// Body-to-world rotation.
  public var orientation: Quaternion
  /// m/s.
  public var velocity: Vector3
  /// rad/s about world axes.
  public var angularVelocity: Vector3
}

/// A horizontal surface bodies land on, slide along and leave: the floor, or the top face of
/// a static box or cylinder.
public struct SupportSurface: Sendable, Hashable {
  public enum Region: Sendable, Hashable {
    case everywhere
    /// x in minX...maxX, z in minZ...maxZ.
    case rectangle(minX: Double, maxX: Double, minZ: Double, maxZ: Double)
    case disc(x: Double, z: Double, radius: Double)
  }

  public var height: Double
  public var region: Region
  public var restitution: Double
  public var friction: Double

  func contains(_ p: Vec3) -> Bool {
    switch region {
    case .everywhere: return true
    case .rectangle(let x0, let x1, let z0, let z1): return p.x >= x0 && p.x <= x1 && p.z >= z0 && p.z <= z1
    case .disc(let x, let z, let r): return (p.x - x) * (p.x - x) + (p.z - z) * (p.z - z) <= r * r
    }
  }

  /// Distance along the horizontal unit vector `dir` from `p` (inside) to the region's edge.
  func exitDistance(from p: Vec3, along dir: Vec3) -> Double {
    switch region {
    case .everywhere:
      return .infinity
    case .rectangle(let x0, let x1, let z0, let z1):
      let tx = dir.x > 0 ? (x1 - p.x) / dir.x : dir.x < 0 ? (x0 - p.x) / dir.x : .infinity
      let tz = dir.z > 0 ? (z1 - p.z) / dir.z : dir.z < 0 ? (z0 - p.z) / dir.z : .infinity
      return max(min(tx, tz), 0)
    case .disc(let x, let z, let r):
      // |q + s·dir| = r with q the offset from the centre; the positive root.
      let qx = p.x - x
      let qz = p.z - z
      let b = qx * dir.x + qz * dir.z
      let c = qx * qx + qz * qz - r * r
      return max(-b + (b * b - c).squareRoot(), 0)
    }
  }

  /// The floor and the top faces of the scene's static boxes and cylinders.
  static func surfaces(of world: WorldSpec) -> [SupportSurface] {
    var result: [SupportSurface] = []
    if let floor = world.floor {
      result.append(
        SupportSurface(height: 0, region: .everywhere, restitution: floor.restitution, friction: floor.friction))
    }
    for object in world.objects where object.isStatic {
      let p = object.position
      let region: Region
      switch object.shape {
      case .box(let w, _, let d):
        region = .rectangle(minX: p.x - w / 2, maxX: p.x + w / 2, minZ: p.z - d / 2, maxZ: p.z + d / 2)
      case .cylinder(let r, _):
        region = .disc(x: p.x, z: p.z, radius: r)
      case .sphere, .cup:
        continue
      }
      result.append(
        SupportSurface(
          height: p.y + object.shape.height / 2, region: region, restitution: object.restitution,
          friction: object.friction))
    }
    return result
  }
}

/// The world's bodies on the fixed step grid.
public struct Simulation: Sendable {
  public let settings: PhysicsSettings
  public let gravity: Double
  /// The floor (first, when there is one) and the tops of static boxes and cylinders.
  public let surfaces: [SupportSurface]
  /// Index i is scenario object i.
  public private(set) var bodies: [RigidBody]
  /// Grid steps taken; the state is the world at `time`.
  public private(set) var stepCount = 0

  public init(world: WorldSpec, settings: PhysicsSettings = PhysicsSettings()) {
    self.settings = settings
    gravity = world.gravity
    surfaces = SupportSurface.surfaces(of: world)
    bodies = world.objects.map(RigidBody.init)
    for i in bodies.indices where !bodies[i].isStatic { settleIfTouching(&bodies[i]) }
  }

  public var time: Double { Double(stepCount) * settings.timeStep }

  /// Advances one grid step.
  public mutating func step() {
    for i in bodies.indices { advance(&bodies[i], by: settings.timeStep) }
    stepCount += 1
  }

  /// The bodies at time `t` (not before the current grid time). Steps the grid up to the last
  /// grid time at or before `t`, then advances a copy by the remainder, leaving the grid as is.
  public mutating func bodies(at t: Double) -> [RigidBody] {
    let dt = settings.timeStep
    // The small slack absorbs rounding in k/fps vs n·dt so an exact grid time is not missed.
    let target = Int((t / dt + 1e-9).rounded(.down))
    while stepCount < target { step() }
    let rest = t - time
    guard rest > 0 else { return bodies }
    var copy = bodies
    for i in copy.indices { advance(&copy[i], by: rest) }
    return copy
  }

  private var gravityVector: Vec3 { Vec3(0, -gravity, 0) }

  /// A body that starts touching a surface (within 1 nm), or slightly inside the floor, without
  /// a real impact starts on it.
  private func settleIfTouching(_ b: inout RigidBody) {
    let low = b.lowestPoint
    for (i, s) in surfaces.enumerated() where s.contains(b.position) {
      let gap = low - s.height
      let inside = s.region == .everywhere && gap < 0
      guard inside || abs(gap) <= 1e-9 else { continue }
      b.position.y -= gap
      if -b.velocity.y < settings.restSpeed { land(&b, on: i) }
      return
    }
  }

  private func land(_ b: inout RigidBody, on surface: Int) {
    b.support = surface
    b.velocity.y = 0
    b.angularVelocity = .zero
  }

  /// Advances one body by `h` seconds, resolving impacts and edges inside the interval.
  func advance(_ b: inout RigidBody, by h: Double) {
    if b.isStatic || b.isAtRest { return }
    var remaining = h
    var events = 0
    while remaining > 0 {
      if let s = b.support {
        let used = slide(&b, by: remaining, on: surfaces[s])
        if used >= remaining { return }
        b.support = nil  // slid past the edge: falls from here
        remaining -= used
      } else {
        guard let (i, tau) = firstImpact(b, within: remaining) else {
          fly(&b, by: remaining)
          return
        }
        fly(&b, by: tau)
        b.position.y -= b.lowestPoint - surfaces[i].height  // exactly on it, removing rounding
        impact(&b, on: i)
        remaining -= tau
      }
      events += 1
      // A step is far shorter than any real bounce period; this many events in one means the
      // bounces have decayed below what any camera resolves.
      if events >= 16 {
        if b.support == nil, let s = surfaceBelow(b) { land(&b, on: s) }
        if events >= 32 {
          if b.support == nil { fly(&b, by: remaining) }
          return
        }
      }
    }
  }

  private func surfaceBelow(_ b: RigidBody) -> Int? {
    surfaces.indices.first { surfaces[$0].contains(b.position) && abs(b.lowestPoint - surfaces[$0].height) < 1e-9 }
  }

  private func fly(_ b: inout RigidBody, by h: Double) {
    let a = gravityVector
    b.position += b.velocity * h + 0.5 * a * (h * h)
    b.velocity += a * h
    if b.angularVelocity != .zero {
      b.orientation = (Quaternion.spin(b.angularVelocity, h) * b.orientation).normalized
    }
  }

  /// The earliest surface the lowest point, moving as in free flight, reaches from above within
  /// [0, h] with the body's centre over the surface at that instant. With rotation, the lowest
  /// point's offset is taken as at the step's start.
  private func firstImpact(_ b: RigidBody, within h: Double) -> (Int, Double)? {
    var best: (Int, Double)?
    for (i, s) in surfaces.enumerated() {
      let gap = b.lowestPoint - s.height
      // Only surfaces at or below the body; the floor also catches a body slightly inside it.
      guard gap >= -1e-9 || s.region == .everywhere else { continue }
      guard let tau = timeToDescend(max(gap, 0), vy: b.velocity.y), tau <= h, tau < (best?.1 ?? .infinity),
        tau > 0 || b.velocity.y < 0  // on the plane but not moving into it: just slid off its edge
      else { continue }
      let p = b.position + b.velocity * tau
      if s.contains(p) { best = (i, tau) }
    }
    return best
  }

  /// Time for a point `gap` above a plane, moving up at `vy` under gravity, to reach it.
  private func timeToDescend(_ gap: Double, vy: Double) -> Double? {
    let g = gravity
    // Solve gap + vy·s − ½g·s² = 0 for the root s ≥ 0, in the form that does not cancel.
    let q = (vy * vy + 2 * g * gap).squareRoot()
    if vy < 0 { return 2 * gap / (q - vy) }
    if g > 0 { return (vy + q) / g }
    return nil
  }

  private func impact(_ b: inout RigidBody, on i: Int) {
    let s = surfaces[i]
    let e = min(max(b.restitution * s.restitution, 0), 1)
    let mu = max(b.friction * s.friction, 0)
    let approach = max(-b.velocity.y, 0)
    let bounces = approach >= settings.restSpeed && e > 0
    let normalImpulse = bounces ? (1 + e) * approach : approach
    applyFriction(&b, impulse: mu * normalImpulse)
    if bounces {
      b.velocity.y = e * approach
    } else {
      land(&b, on: i)
    }
  }

  /// Removes up to `impulse` (m/s) of tangential velocity, never reversing it.
  private func applyFriction(_ b: inout RigidBody, impulse: Double) {
    let tangential = Vec3(b.velocity.x, 0, b.velocity.z)
    let speed = tangential.length
    guard speed > 0 else { return }
    let kept = speed > impulse ? tangential * ((speed - impulse) / speed) : .zero
    b.velocity.x = kept.x
    b.velocity.z = kept.z
  }

  /// Sliding on a surface under Coulomb friction: constant deceleration μ·g against the
  /// motion, solved exactly including the instant it stops or its centre passes the edge.
  /// Returns the time used: `h`, or less when the body left the surface.
  private func slide(_ b: inout RigidBody, by h: Double, on surface: SupportSurface) -> Double {
    let decel = max(b.friction * surface.friction, 0) * max(gravity, 0)
    let tangential = Vec3(b.velocity.x, 0, b.velocity.z)
    let speed = tangential.length
    guard speed > 0 else { return h }
    let dir = tangential / speed
    var t = decel > 0 ? min(h, speed / decel) : h
    var travelled = speed * t - 0.5 * decel * t * t
    let edge = surface.exitDistance(from: b.position, along: dir)
    let leaves = travelled > edge
    if leaves {
      // speed·s − ½·decel·s² = edge, the smaller root, in the form that does not cancel.
      let q = (speed * speed - 2 * decel * edge).squareRoot()
      t = 2 * edge / (speed + q)
      travelled = edge
    }
    let newSpeed = leaves || t == h ? speed - decel * t : 0
    b.position.x += dir.x * travelled
    b.position.z += dir.z * travelled
    b.velocity.x = dir.x * newSpeed
    b.velocity.z = dir.z * newSpeed
    return leaves ? t : h
  }
}
