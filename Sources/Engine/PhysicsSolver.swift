// Engine contact solver: sequential impulses (Catto) with warm starting, a friction cone
// clamped as a disc, restitution only above the rest speed, and split-impulse position
// correction: penetration is removed by pseudo-velocities that move positions but never add
// kinetic energy, so pushing bodies apart cannot make them bounce.

/// A body as the solver sees it: velocities and inverse mass; immovable partners (the floor,
/// static, kinematic and sleeping bodies) have inverse mass and inertia zero.
struct SolverBody {
  var velocity: V3
  var angularVelocity: V3
  var pseudoVelocity = V3.zero
  var pseudoAngularVelocity = V3.zero
  let invMass: Double
  /// World frame.
  let invInertia: Mat3
  let position: V3

  func velocity(at r: V3) -> V3 { velocity + angularVelocity.cross(r) }

  mutating func apply(_ impulse: V3, at r: V3) {
    velocity += invMass * impulse
    angularVelocity += invInertia * r.cross(impulse)
  }

  mutating func applyPseudo(_ impulse: V3, at r: V3) {
    pseudoVelocity += invMass * impulse
    pseudoAngularVelocity += invInertia * r.cross(impulse)
  }

  /// n·((I⁻¹(r×n))×r): the angular part of the effective mass along `n`.
  func angularTerm(_ r: V3, _ n: V3) -> Double { (invInertia * r.cross(n)).cross(r).dot(n) }
}

/// Impulses accumulated on one contact, kept between steps for warm starting.
struct ContactImpulse {
  var normal = 0.0
  var tangent1 = 0.0
  var tangent2 = 0.0
}

struct ContactSolver {
  struct Row {
    var a: Int
    var b: Int
    var key: ContactKey
    var ra: V3
    var rb: V3
    var normal: V3
    var tangent1: V3
    var tangent2: V3
    var normalMass: Double
    var tangentMass1: Double
    var tangentMass2: Double
    var friction: Double
    /// The normal relative velocity the solve aims for (at least).
    var target: Double
    /// Restitution of a contact that bounces this step, else 0.
    var bounce: Double
    /// The normal pseudo-velocity that removes penetration beyond the slop.
    var pseudoTarget: Double
    var impulse: ContactImpulse
    var pseudoImpulse = 0.0
  }

  var bodies: [SolverBody]
  var rows: [Row] = []
  let settings: PhysicsSettings

  init(bodies: [SolverBody], settings: PhysicsSettings) {
    self.bodies = bodies
    self.settings = settings
  }

  /// Adds a contact between solver bodies `a` and `b` (normal from `b` to `a`) with combined
  /// restitution and friction, warm-started from `previous`.
  mutating func add(
    _ c: Contact, a: Int, b: Int, restitution e: Double, friction mu: Double, previous: ContactImpulse?
  ) {
    let A = bodies[a]
    let B = bodies[b]
    let ra = c.point - A.position
    let rb = c.point - B.position
    let n = c.normal
    let t1 = perpendicular(to: n)
    let t2 = n.cross(t1)
    func mass(_ d: V3) -> Double {
      let k = A.invMass + B.invMass + A.angularTerm(ra, d) + B.angularTerm(rb, d)
      return k > 0 ? 1 / k : 0
    }
    let vn = (A.velocity(at: ra) - B.velocity(at: rb)).dot(n)
    let dt = settings.timeStep
    // A contact that closes within the step faster than the rest speed bounces; the others
    // may close their gap but not overlap.
    let bounces = -vn >= settings.restSpeed && e > 0 && c.separation <= -vn * dt
    let target = bounces || c.separation <= 0 ? 0 : -c.separation / dt
    let depth = -c.separation - settings.slop
    rows.append(
      Row(
        a: a, b: b, key: c.key, ra: ra, rb: rb, normal: n, tangent1: t1, tangent2: t2, normalMass: mass(n),
        tangentMass1: mass(t1), tangentMass2: mass(t2), friction: mu, target: target, bounce: bounces ? e : 0,
        pseudoTarget: depth > 0 ? settings.correction * depth / dt : 0, impulse: previous ?? ContactImpulse()))
  }

  /// Applies the warm-start impulses.
  mutating func warmStart() {
    for row in rows {
      let p = row.normal * row.impulse.normal + row.tangent1 * row.impulse.tangent1 + row.tangent2 * row.impulse.tangent2
      bodies[row.a].apply(p, at: row.ra)
      bodies[row.b].apply(-p, at: row.rb)
    }
  }

  private mutating func push(_ i: Int, _ p: V3) {
    bodies[rows[i].a].apply(p, at: rows[i].ra)
    bodies[rows[i].b].apply(-p, at: rows[i].rb)
  }

  /// Gauss–Seidel sweeps over the rows in order: friction, then the normal, per contact.
  mutating func solveVelocities(iterations: Int) {
    // Work on local arrays: one body pair read and written per row keeps debug builds fast.
    var bodies = self.bodies
    var rows = self.rows
    self.bodies = []
    self.rows = []
    for _ in 0..<iterations {
      for i in rows.indices {
        var row = rows[i]
        var A = bodies[row.a]
        var B = bodies[row.b]
        Self.solve(&row, &A, &B)
        bodies[row.a] = A
        bodies[row.b] = B
        rows[i] = row
      }
    }
    self.bodies = bodies
    self.rows = rows
  }

  private static func solve(_ row: inout Row, _ A: inout SolverBody, _ B: inout SolverBody) {
    // Friction: both tangents, then the pair clamped to the disc of radius μ·λn.
    var v = A.velocity(at: row.ra) - B.velocity(at: row.rb)
    let limit = row.friction * row.impulse.normal
    var j1 = row.impulse.tangent1 - v.dot(row.tangent1) * row.tangentMass1
    var j2 = row.impulse.tangent2 - v.dot(row.tangent2) * row.tangentMass2
    let length = (j1 * j1 + j2 * j2).squareRoot()
    if length > limit {
      let s = limit > 0 ? limit / length : 0
      j1 *= s
      j2 *= s
    }
    let p = row.tangent1 * (j1 - row.impulse.tangent1) + row.tangent2 * (j2 - row.impulse.tangent2)
    A.apply(p, at: row.ra)
    B.apply(-p, at: row.rb)
    row.impulse.tangent1 = j1
    row.impulse.tangent2 = j2

    v = A.velocity(at: row.ra) - B.velocity(at: row.rb)
    let vn = v.dot(row.normal)
    let jn = max(row.impulse.normal - (vn - row.target) * row.normalMass, 0)
    let q = row.normal * (jn - row.impulse.normal)
    A.apply(q, at: row.ra)
    B.apply(-q, at: row.rb)
    row.impulse.normal = jn
  }

  /// Restitution by Poisson's rule: each bouncing contact gets e times the normal impulse
  /// that stopped it. Without friction that adds e² times the energy stopping took, never
  /// more; with friction at an off-centre point it can add more (the normal impulse needed to
  /// stop a point that friction also spins is larger), so when the bodies would leave with
  /// more kinetic energy than `before` (joules, before this step's contact impulses) the
  /// restitution impulses are scaled down until they do not.
  mutating func applyRestitution(kineticEnergyBefore before: Double) {
    let plastic = bodies
    var any = false
    for i in rows.indices where rows[i].bounce > 0 && rows[i].impulse.normal > 0 {
      let extra = rows[i].bounce * rows[i].impulse.normal
      push(i, rows[i].normal * extra)
      rows[i].impulse.normal += extra
      any = true
    }
    guard any, kineticEnergy > before else { return }
    // KE(s) = a + b·s + c·s² along v = v_plastic + s·(v_bounce − v_plastic); the largest
    // s in [0, 1] with KE(s) ≤ before.
    var (a, b, c) = (0.0, 0.0, 0.0)
    for (p, q) in zip(plastic, bodies) where p.invMass > 0 {
      let inertia = p.invInertia.inverse
      let (dv, dw) = (q.velocity - p.velocity, q.angularVelocity - p.angularVelocity)
      a += 0.5 * (p.velocity.dot(p.velocity) / p.invMass + p.angularVelocity.dot(inertia * p.angularVelocity))
      b += p.velocity.dot(dv) / p.invMass + p.angularVelocity.dot(inertia * dw)
      c += 0.5 * (dv.dot(dv) / p.invMass + dw.dot(inertia * dw))
    }
    let room = before - a
    let s = room <= 0 || c <= 0 ? 0 : max(0, min(1, (-b + (b * b + 4 * c * room).squareRoot()) / (2 * c)))
    for k in bodies.indices {
      bodies[k].velocity = plastic[k].velocity + (bodies[k].velocity - plastic[k].velocity) * s
      bodies[k].angularVelocity = plastic[k].angularVelocity + (bodies[k].angularVelocity - plastic[k].angularVelocity) * s
    }
  }

  /// Kinetic energy (J) of the movable bodies.
  var kineticEnergy: Double {
    var total = 0.0
    for body in bodies where body.invMass > 0 {
      let w = body.angularVelocity
      total += 0.5 * (body.velocity.dot(body.velocity) / body.invMass + w.dot(body.invInertia.inverse * w))
    }
    return total
  }

  /// Removes penetration with pseudo-velocities only.
  mutating func solvePositions(iterations: Int) {
    for _ in 0..<iterations {
      for i in rows.indices where rows[i].pseudoTarget > 0 || rows[i].pseudoImpulse > 0 {
        let row = rows[i]
        let A = bodies[row.a]
        let B = bodies[row.b]
        let vn =
          (A.pseudoVelocity + A.pseudoAngularVelocity.cross(row.ra) - B.pseudoVelocity
            - B.pseudoAngularVelocity.cross(row.rb)).dot(row.normal)
        let j = max(row.pseudoImpulse - (vn - row.pseudoTarget) * row.normalMass, 0)
        let p = row.normal * (j - row.pseudoImpulse)
        bodies[row.a].applyPseudo(p, at: row.ra)
        bodies[row.b].applyPseudo(-p, at: row.rb)
        rows[i].pseudoImpulse = j
      }
    }
  }

  /// Whether any row pushed on solver body `i` (a body nothing pushed flies exactly).
  func pushed() -> [Bool] {
    var result = [Bool](repeating: false, count: bodies.count)
    for row in rows {
      let i = row.impulse
      if i.normal != 0 || i.tangent1 != 0 || i.tangent2 != 0 || row.pseudoImpulse != 0 {
        result[row.a] = true
        result[row.b] = true
      }
    }
    return result
  }
}

/// A unit vector perpendicular to unit `n`, chosen the same way for the same `n`.
func perpendicular(to n: V3) -> V3 {
  let axis = abs(n.x) < 0.57 ? V3(1, 0, 0) : abs(n.y) < 0.57 ? V3(0, 1, 0) : V3(0, 0, 1)
  return n.cross(axis).normalized
}
