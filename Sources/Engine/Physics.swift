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
// - First cut: contacts push only on the linear velocity (no torque); a body that settles on
//   the floor stops spinning. Bodies do not yet collide with each other.
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
  /// Lowest point on the floor with no normal velocity; only friction acts.
  public internal(set) var isOnFloor = false

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

  /// On the floor, not sliding, not spinning: integration leaves it untouched.
  public var isAtRest: Bool { isOnFloor && velocity == .zero && angularVelocity == .zero }

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

/// The world's bodies on the fixed step grid.
public struct Simulation: Sendable {
  public let settings: PhysicsSettings
  public let gravity: Double
  public let floor: FloorSpec?
  /// Index i is scenario object i.
  public private(set) var bodies: [RigidBody]
  /// Grid steps taken; the state is the world at `time`.
  public private(set) var stepCount = 0

  public init(world: WorldSpec, settings: PhysicsSettings = PhysicsSettings()) {
    self.settings = settings
    gravity = world.gravity
    floor = world.floor
    bodies = world.objects.map(RigidBody.init)
    if floor != nil {
      for i in bodies.indices where !bodies[i].isStatic { settleIfTouching(&bodies[i]) }
    }
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

  /// A body that starts touching (or inside) the floor without a real impact starts on it.
  private func settleIfTouching(_ b: inout RigidBody) {
    let low = b.lowestPoint
    if low < 0 || (low <= 1e-9 && -b.velocity.y < settings.restSpeed) {
      b.position.y -= low
      if -b.velocity.y < settings.restSpeed { land(&b) }
    }
  }

  private func land(_ b: inout RigidBody) {
    b.isOnFloor = true
    b.velocity.y = 0
    b.angularVelocity = .zero
  }

  /// Advances one body by `h` seconds, resolving any floor impacts inside the interval.
  func advance(_ b: inout RigidBody, by h: Double) {
    if b.isStatic || b.isAtRest { return }
    var remaining = h
    var impacts = 0
    while remaining > 0 {
      if b.isOnFloor {
        slide(&b, by: remaining)
        return
      }
      guard floor != nil, let tau = timeToFloor(b, within: remaining) else {
        fly(&b, by: remaining)
        return
      }
      fly(&b, by: tau)
      b.position.y -= b.lowestPoint  // exactly on the floor, removing rounding of the flight
      impact(&b)
      remaining -= tau
      impacts += 1
      // A step far smaller than any real bounce period; many impacts in one means the
      // bounces have decayed below what any camera resolves.
      if impacts >= 16 { land(&b) }
    }
  }

  private func fly(_ b: inout RigidBody, by h: Double) {
    let a = gravityVector
    b.position += b.velocity * h + 0.5 * a * (h * h)
    b.velocity += a * h
    if b.angularVelocity != .zero {
      b.orientation = (Quaternion.spin(b.angularVelocity, h) * b.orientation).normalized
    }
  }

  /// First time in [0, h] at which the lowest point, moving as in free flight, reaches y = 0
  /// while descending. With rotation the lowest point's offset is taken as at the step's start.
  private func timeToFloor(_ b: RigidBody, within h: Double) -> Double? {
    let low = max(b.lowestPoint, 0)
    let vy = b.velocity.y
    let g = gravity
    // Solve low + vy·s − ½g·s² = 0 for the root s ≥ 0, in the form that does not cancel.
    let q = (vy * vy + 2 * g * low).squareRoot()
    let s: Double
    if vy < 0 {
      s = 2 * low / (q - vy)
    } else if g > 0 {
      s = (vy + q) / g
    } else {
      return nil
    }
    return s <= h ? s : nil
  }

  private func impact(_ b: inout RigidBody) {
    let floor = floor!
    let e = min(max(b.restitution * floor.restitution, 0), 1)
    let mu = max(b.friction * floor.friction, 0)
    let approach = max(-b.velocity.y, 0)
    let bounces = approach >= settings.restSpeed && e > 0
    let normalImpulse = bounces ? (1 + e) * approach : approach
    applyFriction(&b, impulse: mu * normalImpulse)
    if bounces {
      b.velocity.y = e * approach
    } else {
      land(&b)
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

  /// Sliding on the floor under Coulomb friction: constant deceleration μ·g against the
  /// motion, solved exactly including the instant it stops.
  private func slide(_ b: inout RigidBody, by h: Double) {
    let mu = max(b.friction * (floor?.friction ?? 0), 0)
    let decel = mu * max(gravity, 0)
    let tangential = Vec3(b.velocity.x, 0, b.velocity.z)
    let speed = tangential.length
    guard speed > 0 else { return }
    let dir = tangential / speed
    let t = decel > 0 ? min(h, speed / decel) : h
    let travelled = speed * t - 0.5 * decel * t * t
    let newSpeed = t < h ? 0 : speed - decel * t
    b.position.x += dir.x * travelled
    b.position.z += dir.z * travelled
    b.velocity.x = dir.x * newSpeed
    b.velocity.z = dir.z * newSpeed
  }
}
