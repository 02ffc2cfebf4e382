// Engine physics: rigid bodies with orientation under gravity, in contact with the floor and
// with each other.
//
// Contract (tests and analyzers rely on it):
// - World in metres, right-handed, y up; the floor is the plane y = 0; gravity pulls along −y.
// - A body's `position` is the centre of its bounding box in rest orientation (axis along +y);
//   a shard's position is its centroid. Mass is density × volume (a cup counts walls and
//   base). Bodies turn about their centre of mass, which is the position except in a cup,
//   whose base pulls it down; `velocity` is the centre of mass's.
// - The simulation runs on a fixed grid of steps `timeStep` apart, independent of any frame
//   rate. A state at any other time is the last grid state advanced by the remaining
//   fraction, so frame k of a clip sees the world at exactly t = k / fps.
// - A body nothing pushes flies exactly: x += v·dt + ½·a·dt², v += a·dt, and spins at
//   constant angular velocity (no torque-free precession). Its first touch of the floor, a static or a kinematic body is
//   found inside the step by bisection on that exact flight (time of impact, to 1e-15 s), and
//   the impact is resolved there, so bounce heights do not depend on the step.
// - Contacts come from surface sample points tested against signed distances
//   (Collision.swift); a cup collides as the open cup it is (walls, rim, base, inner floor).
// - Bodies in contact go through a sequential-impulse solver (PhysicsSolver.swift): Coulomb
//   friction, restitution when the approach is faster than `restSpeed` (slower impacts end in
//   rest, not micro-bounces), restitution and friction of the two sides multiplied (as Bullet
//   does), restitution clamped to 0...1 and applied by Poisson's rule, scaled back if a bounce
//   would leave with more kinetic energy than it came with. No rolling resistance: a ball or a
//   cup on its side rolls on until something stops it.
// - Bodies that stay slower than `sleepSpeed` for `sleepDelay` seconds, together with all
//   the moving bodies they touch, sleep: they are not integrated at all, so they stay
//   bit-for-bit still until something faster touches them.
// - A kinematic body sits on its keyframe path at every instant; it pushes others with the
//   path's velocity and nothing pushes it. Static bodies never move.
// - A breakable body hit along a contact normal at `breakable.threshold` or faster breaks into
//   shards (Shatter.swift), appended to `bodies`; the body itself stays in the array with
//   `isBroken` set, so index i is still scenario object i.
// - Deterministic: one thread, fixed iteration order, no dependence on hashing order.
//
// For drawing: `Simulation.bodies(at: t)` returns every body at time t. Draw those with
// `isBroken == false`, each from its `geometry` (`.shape(Shape)` as before, or
// `.convexPiece(ConvexPiece)`: body-frame `vertices`, outward CCW `faces`, `triangles`) at its
// `pose` (world = orientation · vertex + position), with the colour and mask id of scenario
// object `origin` (a shard keeps its parent's). Indices below the scenario's object count are
// the scenario objects, in order, whole or broken.
import Foundation
import Scenarios

/// Tunables of the reference physics. Fixed for a run, so results are reproducible.
public struct PhysicsSettings: Sendable, Hashable {
  /// Internal step in seconds.
  public var timeStep: Double
  /// Approach speed (m/s) below which an impact ends in rest. 0.1 m/s is the speed after a
  /// 0.5 mm drop at g = 9.81: a rebound from it would be invisible.
  public var restSpeed: Double
  /// Gauss–Seidel sweeps over the contacts per step, for velocities and for positions.
  public var velocityIterations: Int
  public var positionIterations: Int
  /// Gap (m) under which a contact is generated, before adding how far the pair can move in
  /// a step.
  public var margin: Double
  /// Penetration (m) left alone, so resting contacts stay in contact from step to step.
  public var slop: Double
  /// Fraction of the penetration beyond the slop removed per step.
  public var correction: Double
  /// Speed (m/s, and rad/s for spin) below which a body counts as still.
  public var sleepSpeed: Double
  /// Seconds a group of touching bodies must stay still before it sleeps.
  public var sleepDelay: Double

  public init(
    timeStep: Double = 1.0 / 1000, restSpeed: Double = 0.1, velocityIterations: Int = 10,
    positionIterations: Int = 4, margin: Double = 0.002, slop: Double = 5e-5, correction: Double = 0.2,
    sleepSpeed: Double = 0.02, sleepDelay: Double = 0.5
  ) {
    self.timeStep = timeStep
    self.restSpeed = restSpeed
    self.velocityIterations = velocityIterations
    self.positionIterations = positionIterations
    self.margin = margin
    self.slop = slop
    self.correction = correction
    self.sleepSpeed = sleepSpeed
    self.sleepDelay = sleepDelay
  }
}

/// One rigid body's state.
public struct RigidBody: Sendable {
  public enum Motion: Sendable, Hashable {
    /// Moves under gravity and contacts.
    case dynamic
    /// Never moves.
    case fixed
    /// Follows its keyframes; pushes others, nothing pushes it.
    case kinematic([Keyframe])
  }

  /// What the body looks like and collides as: a scenario shape, or a shard.
  public let geometry: BodyGeometry
  /// The scenario object this body is or came from (a shard carries its parent's index).
  public let origin: Int
  public let motion: Motion
  /// Moves under gravity and contacts (`motion` is `.dynamic`).
  public let isDynamic: Bool
  public let isKinematic: Bool
  public let restitution: Double
  public let friction: Double
  /// kg/m³.
  public let density: Double
  public let breakable: Breakable?
  /// kg.
  public let mass: Double
  let collision: CollisionGeometry
  let invMass: Double
  /// Body frame, about the centre of mass.
  let invInertia: Mat3
  /// The centre of mass in the body frame (relative to `position`).
  let massCentre: V3
  var position: V3
  var velocity: V3
  var orientation: Quaternion
  /// Radians per second about world axes.
  var angularVelocity: V3
  /// Not integrated; velocities zero. See `PhysicsSettings.sleepDelay`.
  public internal(set) var isSleeping = false
  /// Broken into shards: no longer simulated or drawn; its pose is the one at the impact.
  public internal(set) var isBroken = false
  /// The contact solver pushed it in the last step (so partial steps do not add gravity).
  var wasPushed = false
  var stillTime = 0.0
  /// The sleeping group it belongs to: the lowest body index in the group.
  var island = -1

  init(
    geometry: BodyGeometry, origin: Int, motion: Motion, restitution: Double, friction: Double, density: Double,
    breakable: Breakable?, position: V3, velocity: V3, orientation: Quaternion, angularVelocity: V3
  ) {
    self.geometry = geometry
    self.origin = origin
    self.motion = motion
    isDynamic = motion == .dynamic
    if case .kinematic = motion { isKinematic = true } else { isKinematic = false }
    self.restitution = restitution
    self.friction = friction
    self.density = density
    self.breakable = breakable
    collision = CollisionGeometry(geometry)
    var unit: Mat3
    switch geometry {
    case .shape(let shape):
      massCentre = centerOfMass(of: shape)
      // From the box centre to the centre of mass by the parallel-axis rule.
      let c = massCentre
      unit = unitInertia(of: shape) - geometry.volume * (c.dot(c) * .identity - Mat3(outer: c, c))
    case .convexPiece(let piece):
      massCentre = .zero
      unit = massProperties(of: piece).inertia
    }
    mass = density * geometry.volume
    let dynamic = motion == .dynamic && mass > 0
    invMass = dynamic ? 1 / mass : 0
    invInertia = dynamic ? (density * unit).inverse : .zero
    self.position = position
    self.velocity = dynamic ? velocity : .zero
    self.orientation = orientation
    self.angularVelocity = dynamic ? angularVelocity : .zero
  }

  /// Scenario object `index` at t = 0.
  public init(_ spec: ObjectSpec, index: Int) {
    let motion: Motion = spec.isStatic ? .fixed : spec.path.map { .kinematic($0) } ?? .dynamic
    let rad = Double.pi / 180
    self.init(
      geometry: .shape(spec.shape), origin: index, motion: motion, restitution: spec.restitution,
      friction: spec.friction, density: spec.density, breakable: spec.breakable, position: V3(spec.position),
      velocity: V3(spec.velocity), orientation: Quaternion(degreesXYZ: spec.rotationDegrees),
      angularVelocity: V3(spec.spinDegrees) * rad)
    if case .kinematic(let path) = motion { position = V3(path.position(at: 0)) }
  }

  /// The scenario shape, nil for a shard.
  public var shape: Shape? {
    if case .shape(let s) = geometry { return s }
    return nil
  }

  public var isStatic: Bool { !isDynamic && !isKinematic }
  /// Simulated by the solver: dynamic, awake and whole.
  var isActive: Bool { isDynamic && !isSleeping && !isBroken }
  /// Sleeping, hence still.
  public var isAtRest: Bool { isSleeping }

  public var pose: BodyPose {
    BodyPose(
      position: position.vector3, orientation: orientation, velocity: velocity.vector3,
      angularVelocity: angularVelocity.vector3)
  }

  var placed: PlacedBody { PlacedBody(geometry: collision, position: position, rotation: orientation.mat3) }

  /// The centre of mass in world coordinates.
  var centre: V3 { massCentre == .zero ? position : position + orientation.mat3 * massCentre }

  /// Moves the centre of mass by `d` and turns the body by `turn` about it.
  mutating func move(by d: V3, turning turn: Quaternion?) {
    if massCentre == .zero {
      position += d
      if let turn { orientation = (turn * orientation).normalized }
      return
    }
    let c = centre + d
    if let turn { orientation = (turn * orientation).normalized }
    position = c - orientation.mat3 * massCentre
  }

  /// World-frame inverse inertia.
  var worldInvInertia: Mat3 {
    let r = orientation.mat3
    return r * invInertia * r.transposed
  }

  /// Height of the body's lowest point (m).
  public var lowestPoint: Double {
    let placed = self.placed
    var contacts: [Contact] = []
    Collision.floorContacts(placed, index: 0, margin: .infinity, into: &contacts)
    return contacts.map(\.separation).min() ?? position.y
  }

  /// Mechanical energy in joules: kinetic (linear and rotational) plus potential above y = 0.
  public func energy(gravity: Double) -> Double {
    guard invMass > 0 else { return 0 }
    let r = orientation.mat3
    let inertia = r * invInertia.inverse * r.transposed
    let w = angularVelocity
    return 0.5 * mass * velocity.dot(velocity) + 0.5 * w.dot(inertia * w) + mass * gravity * centre.y
  }
}

/// Where a body is and how it moves at one instant.
public struct BodyPose: Sendable, Hashable {
  /// Centre of the bounding box (rest orientation), or a shard's centroid; metres.
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
  /// Restitution and friction of the floor plane y = 0; nil without a floor.
  let floor: (restitution: Double, friction: Double)?
  /// Index i < scenario object count is scenario object i (also once broken); shards follow
  /// in the order they were made.
  public private(set) var bodies: [RigidBody]
  /// Grid steps taken; the state is the world at `time`.
  public private(set) var stepCount = 0
  /// Accumulated impulses of last step's contacts, looked up (never iterated) by key.
  private var impulses: [ContactKey: ContactImpulse] = [:]

  public init(world: WorldSpec, settings: PhysicsSettings = PhysicsSettings()) {
    self.settings = settings
    gravity = world.gravity
    floor = world.floor.map { ($0.restitution, $0.friction) }
    bodies = world.objects.enumerated().map { RigidBody($1, index: $0) }
  }

  public var time: Double { Double(stepCount) * settings.timeStep }

  /// The bodies at time `t` (not before the current grid time). Steps the grid up to the last
  /// grid time at or before `t`, then advances a copy by the remainder, leaving the grid as is:
  /// bodies in free flight exactly, bodies the solver pushed at their velocity, kinematic
  /// bodies onto their path.
  public mutating func bodies(at t: Double) -> [RigidBody] {
    let dt = settings.timeStep
    // The small slack absorbs rounding in k/fps vs n·dt so an exact grid time is not missed.
    let target = Int((t / dt + 1e-9).rounded(.down))
    while stepCount < target { step() }
    let rest = t - time
    guard rest > 0 else { return bodies }
    var copy = bodies
    for i in copy.indices {
      if case .kinematic(let path) = copy[i].motion {
        copy[i].position = V3(path.position(at: t))
      } else if copy[i].isActive {
        if copy[i].wasPushed {
          copy[i].move(by: copy[i].velocity * rest, turning: Quaternion.spin(copy[i].angularVelocity, rest))
        } else {
          fly(&copy[i], by: rest)
        }
      }
    }
    return copy
  }

  private var gravityVector: V3 { V3(0, -gravity, 0) }

  // MARK: - Stepping

  /// Advances one grid step.
  public mutating func step() {
    let dt = settings.timeStep
    let t0 = time
    // Kinematic bodies move at their path's mean velocity over the step.
    for i in bodies.indices {
      if case .kinematic(let path) = bodies[i].motion {
        let a = V3(path.position(at: t0))
        bodies[i].position = a
        bodies[i].velocity = (V3(path.position(at: t0 + dt)) - a) / dt
      }
    }
    wakeTouchedSleepers()
    var contacts = generateContacts()
    var inSolver = solverMembership(contacts)
    // Bodies in flight break at their time of impact (flyWithImpacts); these are in contact.
    if shatterHardImpacts(contacts.filter { inSolver[$0.a] }) {
      contacts = generateContacts()
      inSolver = solverMembership(contacts)
    }
    let solved = contacts.filter { inSolver[$0.a] }
    var (solver, solverIndex) = makeSolver(solved, gravityOn: inSolver)
    let energy = solver.kineticEnergy
    solver.warmStart()
    solver.solveVelocities(iterations: settings.velocityIterations)
    if solver.rows.contains(where: { $0.bounce > 0 }) {
      // An impact this step: converge it as flyWithImpacts does, for the same reason.
      solver.solveVelocities(iterations: 7 * settings.velocityIterations)
    }
    // Warm-start the next step from the resting share of the impulses, not from the bounce.
    impulses = Dictionary(minimumCapacity: solver.rows.count)
    for row in solver.rows { impulses[row.key] = row.impulse }
    solver.applyRestitution(kineticEnergyBefore: energy)
    solver.solvePositions(iterations: settings.positionIterations)
    let pushed = solver.pushed()

    for (k, i) in solverIndex.enumerated() where i >= 0 && bodies[i].isActive {
      let s = solver.bodies[k]
      if pushed[k] {
        bodies[i].velocity = s.velocity
        bodies[i].angularVelocity = s.angularVelocity
        let w = s.angularVelocity + s.pseudoAngularVelocity
        bodies[i].move(by: (s.velocity + s.pseudoVelocity) * dt, turning: Quaternion.spin(w, dt))
        bodies[i].wasPushed = true
      } else {
        inSolver[i] = false  // nothing pushed it: it flies exactly (the solver's gravity is dropped)
      }
    }
    for i in bodies.indices where bodies[i].isActive && !inSolver[i] {
      bodies[i].wasPushed = false
      flyWithImpacts(i, by: dt)
    }
    for i in bodies.indices {
      if case .kinematic(let path) = bodies[i].motion {
        bodies[i].position = V3(path.position(at: t0 + dt))
      }
    }
    stepCount += 1
    updateSleep(contacts: solved)
  }

  /// A body joins the solver when it touches something or may meet another moving body
  /// within the step; the rest fly exactly.
  private func solverMembership(_ contacts: [Contact]) -> [Bool] {
    var inSolver = [Bool](repeating: false, count: bodies.count)
    for c in contacts {
      if c.separation <= 1e-6 { inSolver[c.a] = true }
      if case .body(let b) = c.b, bodies[b].isActive {
        inSolver[c.a] = true
        inSolver[b] = true
      }
    }
    return inSolver
  }

  /// A solver over `contacts`, and the body behind each solver body (-1 for the floor, which
  /// is solver body 0). Active bodies in `gravityOn` get this step's gravity first.
  private func makeSolver(_ contacts: [Contact], gravityOn: [Bool], warm: Bool = true) -> (ContactSolver, [Int]) {
    var slot = [Int](repeating: -1, count: bodies.count)
    var list: [SolverBody] = [SolverBody(velocity: .zero, angularVelocity: .zero, invMass: 0, invInertia: .zero, position: .zero)]
    var solverIndex = [-1]
    func index(_ i: Int) -> Int {
      if slot[i] < 0 {
        let b = bodies[i]
        let active = b.isActive
        var v = b.velocity
        if active && gravityOn[i] { v += gravityVector * settings.timeStep }
        list.append(
          SolverBody(
            velocity: active || b.isKinematic ? v : .zero, angularVelocity: active ? b.angularVelocity : .zero,
            invMass: active ? b.invMass : 0, invInertia: active ? b.worldInvInertia : .zero, position: b.centre))
        solverIndex.append(i)
        slot[i] = list.count - 1
      }
      return slot[i]
    }
    var pairs: [(Contact, Int, Int)] = []
    for c in contacts {
      let a = index(c.a)
      let b: Int
      if case .body(let j) = c.b { b = index(j) } else { b = 0 }
      pairs.append((c, a, b))
    }
    var solver = ContactSolver(bodies: list, settings: settings)
    for (c, a, b) in pairs {
      let (e, mu) = coefficients(c)
      solver.add(c, a: a, b: b, restitution: e, friction: mu, previous: warm ? impulses[c.key] : nil)
    }
    return (solver, solverIndex)
  }

  private func coefficients(_ c: Contact) -> (restitution: Double, friction: Double) {
    let a = bodies[c.a]
    let other: (restitution: Double, friction: Double)
    switch c.b {
    case .floor: other = floor ?? (0, 0)
    case .body(let j): other = (bodies[j].restitution, bodies[j].friction)
    }
    return (min(max(a.restitution * other.restitution, 0), 1), max(a.friction * other.friction, 0))
  }

  /// Contacts of every active body with the floor and with every other body (each pair once).
  private func generateContacts() -> [Contact] {
    var out: [Contact] = []
    let dt = settings.timeStep
    let placed = bodies.map(\.placed)
    let reach = bodies.map { b in (b.velocity.length + b.angularVelocity.length * b.collision.radius) * dt }
    let active = bodies.map(\.isActive)
    let broken = bodies.map(\.isBroken)
    for i in bodies.indices where active[i] {
      if floor != nil {
        Collision.floorContacts(placed[i], index: i, margin: settings.margin + reach[i], into: &out)
      }
      for j in bodies.indices where j != i && !broken[j] {
        // Each pair of active bodies once; other bodies always as the partner.
        if active[j] && j < i { continue }
        Collision.pairContacts(
          placed[i], index: i, placed[j], index: j, margin: settings.margin + reach[i] + reach[j], into: &out)
      }
    }
    return out
  }

  /// Contacts of active body `i` with the floor and with immovable bodies only.
  private func immovableContacts(of b: RigidBody, index i: Int, margin: Double) -> [Contact] {
    var out: [Contact] = []
    let placed = b.placed
    if floor != nil { Collision.floorContacts(placed, index: i, margin: margin, into: &out) }
    for j in bodies.indices where j != i && !bodies[j].isBroken && !bodies[j].isActive {
      Collision.pairContacts(placed, index: i, bodies[j].placed, index: j, margin: margin, into: &out)
    }
    return out
  }

  private func fly(_ b: inout RigidBody, by h: Double) {
    let a = gravityVector
    b.move(by: b.velocity * h + 0.5 * a * (h * h), turning: b.angularVelocity != .zero ? .spin(b.angularVelocity, h) : nil)
    b.velocity += a * h
  }

  /// Exact flight of body `i` for `h` seconds, stopping at each first touch of the floor or an
  /// immovable body (found by bisection on the flight) to resolve the impact there.
  private mutating func flyWithImpacts(_ i: Int, by h: Double) {
    let tolerance = 1e-12  // m of overlap that counts as touching
    func overlaps(_ b: RigidBody) -> Bool {
      immovableContacts(of: b, index: i, margin: -tolerance).isEmpty == false
    }
    var remaining = h
    for _ in 0..<4 {
      var trial = bodies[i]
      fly(&trial, by: remaining)
      guard overlaps(trial) else {
        bodies[i] = trial
        return
      }
      var lo = 0.0
      var hi = remaining
      while hi - lo > 1e-15 {
        let mid = 0.5 * (lo + hi)
        if mid <= lo || mid >= hi { break }
        var probe = bodies[i]
        fly(&probe, by: mid)
        if overlaps(probe) { hi = mid } else { lo = mid }
      }
      fly(&bodies[i], by: lo)
      remaining -= lo
      let contacts = immovableContacts(of: bodies[i], index: i, margin: settings.margin)
      if shatterHardImpacts(contacts) {
        for k in bodies.indices where k >= i && bodies[k].isActive && bodies[k].origin == bodies[i].origin {
          fly(&bodies[k], by: remaining)
        }
        return
      }
      guard !contacts.isEmpty else { break }
      var (solver, _) = makeSolver(contacts, gravityOn: [Bool](repeating: false, count: bodies.count), warm: false)
      let energy = solver.kineticEnergy
      // An impact is one solve, not one per step: converge it further, so that a flat landing
      // (many contacts sharing one normal) stops without a spurious spin before it bounces.
      solver.solveVelocities(iterations: 8 * settings.velocityIterations)
      solver.applyRestitution(kineticEnergyBefore: energy)
      let s = solver.bodies[1]
      bodies[i].velocity = s.velocity
      bodies[i].angularVelocity = s.angularVelocity
    }
    fly(&bodies[i], by: remaining)
  }

  // MARK: - Sleep

  /// Wakes the group of a sleeping body that a body faster than `sleepSpeed` (or a moving
  /// kinematic one) is about to touch.
  private mutating func wakeTouchedSleepers() {
    let dt = settings.timeStep
    for i in bodies.indices where !bodies[i].isBroken {
      // A kinematic body wakes what it touches at any speed: nothing may stop it.
      let b = bodies[i]
      let wakes =
        b.isKinematic
        ? b.velocity != .zero
        : b.isActive && (b.velocity.length > settings.sleepSpeed || b.angularVelocity.length > settings.sleepSpeed)
      guard wakes else { continue }
      for j in bodies.indices where bodies[j].isSleeping && !bodies[j].isBroken {
        let reach =
          bodies[i].collision.radius + bodies[j].collision.radius + settings.margin + bodies[i].velocity.length * dt
        let d = bodies[i].position - bodies[j].position
        guard d.dot(d) <= reach * reach else { continue }
        var out: [Contact] = []
        Collision.pairContacts(
          bodies[j].placed, index: j, bodies[i].placed, index: i, margin: settings.margin + bodies[i].velocity.length * dt,
          into: &out)
        if !out.isEmpty { wake(island: bodies[j].island) }
      }
    }
  }

  private mutating func wake(island: Int) {
    for k in bodies.indices where bodies[k].isSleeping && bodies[k].island == island {
      bodies[k].isSleeping = false
      bodies[k].stillTime = 0
      bodies[k].island = -1
    }
  }

  /// Counts how long each active body has been still, then puts to sleep every group of
  /// touching active bodies that have all been still for `sleepDelay`.
  private mutating func updateSleep(contacts: [Contact]) {
    let dt = settings.timeStep
    let limit = settings.sleepSpeed
    let active = bodies.map(\.isActive)
    for i in bodies.indices where active[i] {
      let still = bodies[i].velocity.length < limit && bodies[i].angularVelocity.length < limit * 5
      bodies[i].stillTime = still ? bodies[i].stillTime + dt : 0
    }
    // Union-find over active bodies in contact; the root is the lowest index.
    var parent = Array(bodies.indices)
    func root(_ i: Int) -> Int {
      var r = i
      while parent[r] != r { r = parent[r] }
      return r
    }
    for c in contacts {
      guard case .body(let j) = c.b, active[j], active[c.a] else { continue }
      let (x, y) = (root(c.a), root(j))
      if x != y { parent[max(x, y)] = min(x, y) }
    }
    var allStill = [Bool](repeating: true, count: bodies.count)
    for i in bodies.indices where active[i] && bodies[i].stillTime < settings.sleepDelay {
      allStill[root(i)] = false
    }
    for i in bodies.indices where active[i] && allStill[root(i)] {
      bodies[i].isSleeping = true
      bodies[i].island = root(i)
      bodies[i].velocity = .zero
      bodies[i].angularVelocity = .zero
      bodies[i].wasPushed = false
    }
  }

  // MARK: - Shatter

  /// Breaks every breakable active body that one of `contacts` hits along its normal at its
  /// threshold speed or faster, and which would touch within the step. Returns whether any broke.
  private mutating func shatterHardImpacts(_ contacts: [Contact]) -> Bool {
    var broke = false
    guard bodies.indices.contains(where: { bodies[$0].breakable != nil && bodies[$0].isActive }) else { return false }
    func pointVelocity(_ i: Int, _ p: V3) -> V3 {
      bodies[i].isSleeping ? .zero : bodies[i].velocity + bodies[i].angularVelocity.cross(p - bodies[i].centre)
    }
    for c in contacts {
      var partner: Int?
      if case .body(let j) = c.b { partner = j }
      let v = pointVelocity(c.a, c.point) - (partner.map { pointVelocity($0, c.point) } ?? .zero)
      let approach = -v.dot(c.normal)
      guard c.separation <= approach * settings.timeStep else { continue }
      for i in [c.a] + (partner.map { [$0] } ?? []) {
        guard let rule = bodies[i].breakable, rule.pieces > 1, bodies[i].isActive, approach >= rule.threshold
        else { continue }
        shatter(i)
        broke = true
      }
    }
    return broke
  }

  /// Replaces body `i` by its shards, which inherit its velocity field plus a small outward kick.
  private mutating func shatter(_ i: Int) {
    let parent = bodies[i]
    guard case .shape(let shape) = parent.geometry else { return }
    let pieces = Shatter.pieces(of: shape, count: parent.breakable?.pieces ?? 0)
    guard !pieces.isEmpty else { return }
    bodies[i].isBroken = true
    let rotation = parent.orientation.mat3
    for (k, piece) in pieces.enumerated() {
      let offset = rotation * piece.centroid
      var outward = offset - V3(0, offset.y, 0)
      outward = outward.length > 1e-12 ? outward.normalized : V3(0, 1, 0)
      // A fixed fraction of a metre per second: visible spreading, far below impact speeds.
      let kick = Shatter.kickSpeed * (1 + 0.25 * sin(Double(k) * 2.399))
      bodies.append(
        RigidBody(
          geometry: .convexPiece(piece.shard), origin: parent.origin, motion: .dynamic,
          restitution: parent.restitution, friction: parent.friction, density: parent.density, breakable: nil,
          position: parent.position + offset,
          velocity: parent.velocity + parent.angularVelocity.cross(parent.position + offset - parent.centre)
            + outward * kick,
          orientation: parent.orientation, angularVelocity: parent.angularVelocity))
    }
  }
}
