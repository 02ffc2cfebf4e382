import Foundation
import Scenarios
import Testing

@testable import Engine

// Cups collide as open cups: a body can rest inside one, and one turned over can close over a
// smaller body without touching it. And the renderer draws a cup where the physics has it.

private let cupGrey = SceneColor(red: 0.5, green: 0.5, blue: 0.5)

private func horizontal(_ v: Vector3) -> Double { (v.x * v.x + v.z * v.z).squareRoot() }

private func distance(_ a: Vector3, _ b: Vector3) -> Double {
  ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y) + (a.z - b.z) * (a.z - b.z)).squareRoot()
}

/// The body's own +y axis in world coordinates.
private func axis(_ pose: BodyPose) -> Vector3 { pose.orientation.matrix * Vector3(0, 1, 0) }

@Suite struct OpenCups {
  /// The shipped lid-covers scenario: a cover (a cup r = 9 cm, h = 16 cm, wall 8 mm, upside
  /// down) is lowered to 1 mm above the floor over a small cup (r = 4 cm, h = 8 cm), held, and
  /// lifted. Sampled at 240 Hz over the whole clip, the small cup stays within 1 mm of where
  /// it started and upright, and the cover's solid never reaches it: whenever the cover's rim
  /// is below the cup's top, the cup lies inside the cavity (radially inside the inner wall,
  /// below the inner floor). With cups colliding as closed cylinders the cover knocked the
  /// cup 87 mm away.
  @Test func coverClosesOverASmallCupWithoutTouchingIt() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let scenario = try ScenarioLoader.load(path: root.appendingPathComponent("scenarios/occlusion/lid-covers.yaml").path)
    let objects = scenario.world.objects
    let (cup, cover) = (objects.firstIndex { $0.name == "cup" }!, objects.firstIndex { $0.name == "cover" }!)
    guard case .cup(let r, let h, _) = objects[cup].shape, case .cup(let R, let H, let wall) = objects[cover].shape else {
      Issue.record("both objects should be cups")
      return
    }
    var sim = Simulation(world: scenario.world)
    let start = sim.bodies[cup].pose.position
    var worstDrift = 0.0
    var worstTilt = 0.0
    var smallestGap = Double.infinity
    var lowestRim = Double.infinity
    for k in 0...Int(scenario.clip.seconds * 240) {
      let bodies = sim.bodies(at: Double(k) / 240)
      let (p, q) = (bodies[cup].pose, bodies[cover].pose)
      worstDrift = max(worstDrift, distance(p.position, start))
      worstTilt = max(worstTilt, 1 - axis(p).y)
      #expect(axis(q).y < -1 + 1e-12, "the cover stays upside down")
      // The small cup's highest point and farthest reach from the cover's axis: both on its rims.
      var (cupTop, reach) = (-Double.infinity, 0.0)
      for y in [-h / 2, h / 2] {
        for k in 0..<72 {
          let a = 2 * Double.pi * Double(k) / 72
          let w = p.orientation.matrix * Vector3(r * cos(a), y, r * sin(a))
          cupTop = max(cupTop, p.position.y + w.y)
          reach = max(reach, horizontal(Vector3(p.position.x + w.x - q.position.x, 0, p.position.z + w.z - q.position.z)))
        }
      }
      let rim = q.position.y - H / 2
      lowestRim = min(lowestRim, rim)
      let innerFloor = q.position.y + H / 2 - wall
      smallestGap = min(smallestGap, rim >= cupTop ? rim - cupTop : min(R - wall - reach, innerFloor - cupTop))
    }
    #expect(lowestRim < 0.01, "the cover should come down around the cup (rim at \(lowestRim) m)")
    #expect(worstDrift < 1e-3, "the cup moved \(worstDrift) m")
    #expect(worstTilt < 1e-6, "the cup tilted (1 − cos = \(worstTilt))")
    #expect(smallestGap > 0, "the cover reached the cup (gap \(smallestGap) m)")
  }

  /// A ball (r = 2 cm) dropped from 40 cm into an upright cup (r = 5 cm, h = 10 cm, wall
  /// 5 mm) ends resting on the inner floor, 5 mm above the floor (within 0.15 mm: the cup's
  /// and the ball's resting contacts each sink by up to the 0.05 mm slop), not on top of the cup
  /// (10 cm up, where a closed cylinder held it). Dropped 1 cm off the axis it falls straight
  /// in; thrown in sideways at 0.4 m/s it hits the inner wall before the floor. Either way,
  /// once below the rim its centre never leaves the cavity's cylinder (inner radius less the
  /// ball's: 25 mm from the cup's axis), up to the 2 mm contact margin; measured 10 mm and
  /// 25.05 mm (the thrown ball ends against the wall).
  @Test(arguments: [(Vector3(0.01, 0.4, 0), Vector3.zero), (Vector3(-0.08, 0.4, 0), Vector3(0.4, 0, 0))])
  func ballDroppedIntoACupRestsOnItsInnerFloor(start: Vector3, velocity: Vector3) {
    let cup = ObjectSpec(
      name: "cup", shape: .cup(radius: 0.05, height: 0.1, wall: 0.005), color: cupGrey, position: Vector3(0, 0.05, 0))
    let ball = ObjectSpec(
      name: "ball", shape: .sphere(radius: 0.02), color: cupGrey, position: start, velocity: velocity, restitution: 0.5)
    var sim = Simulation(world: WorldSpec(floor: FloorSpec(color: cupGrey), background: cupGrey, objects: [cup, ball]))
    var widest = 0.0
    for k in 1...600 {
      let bodies = sim.bodies(at: Double(k) / 200)
      let (c, b) = (bodies[0].pose.position, bodies[1].pose.position)
      if b.y < c.y + 0.05 { widest = max(widest, horizontal(Vector3(b.x - c.x, 0, b.z - c.z))) }
    }
    let end = sim.bodies(at: 3)
    #expect(end[1].isAtRest)
    #expect(abs(end[1].lowestPoint - 0.005) < 1.5e-4, "the ball rests with its bottom at \(end[1].lowestPoint) m")
    #expect(widest < 0.025 + 0.002, "the ball's centre went \(widest) m off the cup's axis inside it")
    #expect(axis(end[0].pose).y > 0.999, "the cup should stay upright")
  }
}

@Suite struct CupRenderPose {
  /// A cup resting upright, and one lying on its side, rendered at 256 px from 50 cm: the
  /// object-id mask's bounding box matches, to a pixel, the bounding box of the cup's outer
  /// cylinder (both rims, 720 points each) placed at the physics pose the ground truth reports
  /// and projected with the frame's camera. A mesh drawn about the centre of mass instead of
  /// the bounding-box centre would be 6.7 mm (about 3 px here) off along the cup's axis.
  @Test(arguments: [(Vector3(0, 0.05, 0), Vector3.zero), (Vector3(0, 0.04, 0), Vector3(0, 0, 90))])
  func maskMatchesThePhysicsPose(position: Vector3, rotation: Vector3) throws {
    let (r, h) = (0.04, 0.1)
    let cup = ObjectSpec(
      name: "cup", shape: .cup(radius: r, height: h, wall: 0.005), color: red, position: position,
      rotationDegrees: rotation)
    let camera = CameraSpec(fieldOfViewDegrees: 40, position: Vector3(0.1, 0.25, 0.45), lookAt: Vector3(0, 0.04, 0))
    let scenario = scene([cup], seconds: 1, fps: 2, size: 256, camera: camera)
    let frame = try ReferenceRenderer(scenario: scenario).render().frames[1]
    let pose = frame.bodies[0]
    #expect(distance(pose.position, position) < 1e-4, "the cup should rest where it was set")
    let rotationMatrix = pose.orientation.matrix
    var (xMin, xMax, yMin, yMax) = (Int.max, Int.min, Int.max, Int.min)
    for y in 0..<frame.mask.height {
      for x in 0..<frame.mask.width where frame.mask[x, y] == 1 {
        (xMin, xMax, yMin, yMax) = (min(xMin, x), max(xMax, x), min(yMin, y), max(yMax, y))
      }
    }
    /// How far each edge of the mask's box is from the projected box of the cup placed at
    /// `centre`; pixel x covers [x, x + 1), so the mask's edges are whole pixels around the outline.
    func edgeErrors(_ centre: Vec3) throws -> [Double] {
      var (uMin, uMax, vMin, vMax) = (Double.infinity, -Double.infinity, Double.infinity, -Double.infinity)
      for y in [-h / 2, h / 2] {
        for k in 0..<720 {
          let a = 2 * Double.pi * Double(k) / 720
          let world = centre + Vec3(rotationMatrix * Vector3(r * cos(a), y, r * sin(a)))
          let p = try #require(frame.camera.project(world.vector3))
          (uMin, uMax, vMin, vMax) = (min(uMin, p.u), max(uMax, p.u), min(vMin, p.v), max(vMax, p.v))
        }
      }
      return [Double(xMin) - uMin, Double(xMax + 1) - uMax, Double(yMin) - vMin, Double(yMax + 1) - vMax].map(abs)
    }
    let errors = try edgeErrors(Vec3(pose.position))
    #expect(errors.allSatisfy { $0 < 1 }, "mask box vs projected pose: edge errors \(errors) px")
    // The check can tell: the cup placed about its centre of mass would miss by more.
    let massCentre = centerOfMass(of: cup.shape)
    let shifted = try edgeErrors(Vec3(pose.position) + Vec3(rotationMatrix * Vector3(0, massCentre.y, 0)))
    #expect(shifted.contains { $0 > 1.5 }, "edge errors about the centre of mass \(shifted) px")
  }
}
