import Foundation
import Scenarios
import Testing

@testable import Engine

/// A world with one body and a floor whose restitution and friction default to 1, so the
/// body's own coefficients are the combined ones.
private func world(
  _ object: ObjectSpec, gravity: Double = 9.81, floorRestitution: Double = 1, floor: Bool = true
) -> WorldSpec {
  WorldSpec(
    gravity: gravity,
    floor: floor
      ? FloorSpec(
        color: SceneColor(red: 0.5, green: 0.5, blue: 0.5), restitution: floorRestitution, friction: 1)
      : nil,
    background: SceneColor(red: 0, green: 0, blue: 0), objects: [object])
}

private func ball(at y: Double, restitution: Double = 0.3, velocity: Vector3 = .zero) -> ObjectSpec {
  ObjectSpec(
    name: "ball", shape: .sphere(radius: 0.05), color: SceneColor(red: 1, green: 0, blue: 0),
    position: Vector3(0, y, 0), velocity: velocity, restitution: restitution)
}

private func box(at y: Double, velocity: Vector3 = .zero, restitution: Double = 0.3, friction: Double = 0.5)
  -> ObjectSpec
{
  ObjectSpec(
    name: "box", shape: .box(width: 0.2, height: 0.1, depth: 0.3), color: SceneColor(red: 0, green: 0, blue: 1),
    position: Vector3(0, y, 0), velocity: velocity, restitution: restitution, friction: friction)
}

@Suite struct FreeFall {
  /// Sampled at 30 fps, so most samples fall between grid steps and exercise the partial step.
  /// The update is exact for constant acceleration; what remains is rounding accumulated over
  /// about 2000 steps on values of order 10, a few 1e-13 m. 1e-10 m leaves a wide margin yet
  /// fails for any integrator with an O(dt) error (semi-implicit Euler is off by ~10 mm).
  @Test(arguments: [9.81, 4.0])
  func followsHalfGTSquared(g: Double) {
    let y0 = 20.0
    var sim = Simulation(world: world(ball(at: y0), gravity: g))
    var worst = 0.0
    for k in 0...60 {
      let t = Double(k) / 30
      let y = sim.bodies(at: t)[0].pose.position.y
      worst = max(worst, abs(y - (y0 - 0.5 * g * t * t)))
    }
    #expect(worst < 1e-10, "worst deviation \(worst) m")
  }

  @Test func keepsHorizontalVelocityInFlight() {
    var sim = Simulation(world: world(ball(at: 10, velocity: Vector3(1.5, 2, -0.5)), floor: false))
    let p = sim.bodies(at: 1.25)[0].pose.position
    #expect(abs(p.x - 1.875) < 1e-12)
    #expect(abs(p.z + 0.625) < 1e-12)
    #expect(abs(p.y - (10 + 2 * 1.25 - 0.5 * 9.81 * 1.25 * 1.25)) < 1e-10)
  }

  /// A ball thrown sideways over the floor follows x = x0 + v·t, y = y0 + vy·t − ½gt² at every
  /// 30 fps frame until it lands (the floor is there but untouched): the same 1e-10 m bound
  /// as the vertical drop, in all three coordinates.
  @Test func projectileMatchesTheParabolaUntilItLands() {
    let (y0, vx, vy, vz, g) = (1.2, 2.5, 1.0, -0.4, 9.81)
    var sim = Simulation(world: world(ball(at: y0, velocity: Vector3(vx, vy, vz))))
    // Lands when y − r = 0: the centre reaches 0.05 m.
    let landing = (vy + (vy * vy + 2 * g * (y0 - 0.05)).squareRoot()) / g
    var worst = 0.0
    var frames = 0
    for k in 0... {
      let t = Double(k) / 30
      guard t < landing else { break }
      let p = sim.bodies(at: t)[0].pose.position
      worst = max(worst, abs(p.x - vx * t), abs(p.y - (y0 + vy * t - 0.5 * g * t * t)), abs(p.z - vz * t))
      frames += 1
    }
    #expect(frames > 15)
    #expect(worst < 1e-10, "worst deviation \(worst) m")
  }

  @Test func samplingDoesNotChangeTheTrajectory() {
    var a = Simulation(world: world(ball(at: 1, restitution: 0.7)))
    var b = Simulation(world: world(ball(at: 1, restitution: 0.7)))
    _ = a.bodies(at: 0.3337)
    _ = a.bodies(at: 0.71)
    #expect(a.bodies(at: 1.234)[0].pose == b.bodies(at: 1.234)[0].pose)
  }
}

@Suite struct FloorContact {
  /// Local maxima of the lowest point's height, sampled on the step grid, after a drop from h0.
  private func peaks(restitution e: Double, from h0: Double, seconds: Double) -> [Double] {
    var sim = Simulation(world: world(ball(at: h0 + 0.05, restitution: e)))
    var heights: [Double] = []
    while sim.time < seconds {
      sim.step()
      heights.append(sim.bodies[0].lowestPoint)
    }
    var result: [Double] = []
    for i in 1..<(heights.count - 1) where heights[i] > heights[i - 1] && heights[i] >= heights[i + 1] {
      result.append(heights[i])
    }
    return result
  }

  /// Peak n should be h0·e^(2n). Impacts are solved exactly, so the only error is that the
  /// grid samples a peak up to half a step (0.5 ms) from the apex: ½·g·(0.5 ms)² ≈ 1.2 µm.
  /// Tolerance 5 µm; resolving impacts at step boundaries instead is off by millimetres.
  @Test func peakHeightsDecayByRestitutionSquared() {
    let e = 0.8
    let h0 = 1.0
    let found = peaks(restitution: e, from: h0, seconds: 6)
    #expect(found.count >= 8)
    for (n, peak) in found.enumerated() {
      let expected = h0 * pow(e, 2 * Double(n + 1))
      #expect(abs(peak - expected) < 5e-6, "peak \(n + 1): \(peak) vs \(expected)")
    }
    for (a, b) in zip(found, found.dropFirst()) { #expect(b <= a) }
  }

  /// Resting contact sits within the 0.05 mm penetration slop of the floor, so 0.1 mm bounds
  /// the height; once asleep nothing integrates it, so later poses are bit-identical.
  @Test func droppedObjectComesToRestOnTheFloorAndStaysStill() {
    var sim = Simulation(world: world(box(at: 0.8, velocity: Vector3(0.5, 0, 0), restitution: 0.5)))
    let settled = sim.bodies(at: 3)[0]
    #expect(settled.isAtRest)
    #expect(abs(settled.lowestPoint) < 1e-4)
    #expect(abs(settled.pose.position.y - 0.05) < 1e-4)
    for t in [3.1, 4.0, 5.5] {
      #expect(sim.bodies(at: t)[0].pose == settled.pose, "moved at t = \(t)")
    }
  }

  /// Sliding from v0 under friction μ stops after v0²/(2μg) = 0.5097 m. The contact solver
  /// integrates semi-implicitly (position from the velocity after the step's friction), which
  /// shortens the slide by v0·dt/2 = 1 mm at dt = 1 ms; tolerance 1.5 mm. The box must also
  /// stay on the floor (within the 0.05 mm penetration slop) and stop dead.
  @Test func slidingStopsAtTheCoulombDistance() {
    let v0 = 2.0
    let mu = 0.4
    var sim = Simulation(world: world(box(at: 0.05, velocity: Vector3(v0, 0, 0), friction: mu)))
    let p = sim.bodies(at: 2)[0].pose
    let expected = v0 * v0 / (2 * mu * 9.81)
    #expect(abs(p.position.x - expected) < 1.5e-3, "stopped at \(p.position.x) m, expected \(expected) m")
    #expect(abs(p.velocity.x) < 1e-9 && abs(p.velocity.z) < 1e-9)
    #expect(abs(p.position.y - 0.05) < 1e-4)
  }

  /// Object restitution 2 (out of range) times floor 0.5 would be 1.0; clamped, it may not
  /// exceed 1, so the rebound speed equals the approach speed at most.
  @Test func restitutionCombinesAsProductAndNeverGainsEnergy() {
    var sim = Simulation(world: world(ball(at: 1.05, restitution: 2.0), floorRestitution: 0.5))
    let impact = (2 * 1.0 / 9.81).squareRoot()
    let approach = 9.81 * impact
    let after = sim.bodies(at: impact + 0.05)[0].pose.velocity.y
    #expect(abs(after - (approach - 9.81 * 0.05)) < 1e-9)

    var damped = Simulation(world: world(ball(at: 1.05, restitution: 0.6), floorRestitution: 0.5))
    let rebound = damped.bodies(at: impact + 0.05)[0].pose.velocity.y
    #expect(abs(rebound - (0.3 * approach - 9.81 * 0.05)) < 1e-9)
  }

  @Test func staticBodiesNeverMove() {
    var spec = ball(at: 2, velocity: Vector3(1, 1, 1))
    spec.isStatic = true
    var sim = Simulation(world: world(spec))
    #expect(sim.bodies(at: 1.5)[0].pose.position == Vector3(0, 2, 0))
  }
}

@Suite struct Tables {
  /// A 0.75 m table, 1 m wide along x, centred at the origin; its top is a support surface.
  private let table = ObjectSpec(
    name: "table", shape: .box(width: 1, height: 0.75, depth: 0.6), color: SceneColor(red: 0.5, green: 0.3, blue: 0.1),
    position: Vector3(0, 0.375, 0), isStatic: true, restitution: 1, friction: 1)

  private func world(_ objects: [ObjectSpec]) -> WorldSpec {
    WorldSpec(
      floor: FloorSpec(color: SceneColor(red: 0.5, green: 0.5, blue: 0.5), restitution: 1, friction: 1),
      background: SceneColor(red: 0, green: 0, blue: 0), objects: [table] + objects)
  }

  @Test func ballDroppedOnTheTableRestsOnItsTop() {
    var sim = Simulation(world: world([ball(at: 1.5, restitution: 0.3)]))
    let b = sim.bodies(at: 3)[1]
    #expect(b.isAtRest)
    #expect(abs(b.lowestPoint - 0.75) < 1e-6)
  }

  @Test func ballDroppedBesideTheTableReachesTheFloor() {
    var spec = ball(at: 1.5, restitution: 0.3)
    spec.position.x = 0.6
    var sim = Simulation(world: world([spec]))
    let b = sim.bodies(at: 3)[1]
    #expect(b.isAtRest)
    #expect(abs(b.lowestPoint) < 1e-6)
  }

  /// A cup set on the table slides at v0 under friction μ: x = x0 + v0·s − ½μg·s² while its
  /// centre is over the table (closed form; the solver's semi-implicit step is off by at most
  /// v0·dt/2 = 1 mm, tolerance 1.5 mm). Past the edge it tips over it and falls to the floor
  /// beyond the table's edge (where, landing on its side, it may roll: no rolling resistance).
  @Test func cupSlidesOffTheEdgeAndFallsFromThere() {
    let (v0, mu, g) = (2.0, 0.3, 9.81)
    let cup = ObjectSpec(
      name: "cup", shape: .cup(radius: 0.04, height: 0.1, wall: 0.005), color: SceneColor(red: 1, green: 1, blue: 1),
      position: Vector3(0.2, 0.8, 0), velocity: Vector3(v0, 0, 0), friction: mu)
    var sim = Simulation(world: world([cup]))
    let ve = (v0 * v0 - 2 * mu * g * 0.3).squareRoot()
    let te = (v0 - ve) / (mu * g)
    let s = te * 0.5
    let during = sim.bodies(at: s)[1].pose.position
    #expect(abs(during.x - (0.2 + v0 * s - 0.5 * mu * g * s * s)) < 1.5e-3)
    #expect(abs(during.y - 0.8) < 1e-4)
    let end = sim.bodies(at: 4)[1]
    #expect(abs(end.lowestPoint) < 1e-4)
    #expect(end.pose.position.x > 0.5)
  }
}
