// Engine contact generation: which points of two bodies touch or are about to.
//
// Each body's surface sample points (box corners and edge points, rim points of cylinders and
// cups, a cup's inner rim too, corners and edge midpoints of shards) are tested against the other body's signed
// distance, both ways round; a sphere is its centre tested against the other's distance minus
// its radius, so sphere contacts are exact. Against the floor a cylinder also gets the exact
// lowest point of each rim, so a cylinder on its side rolls smoothly rather than as a 16-gon.
// A contact is kept when the gap is below a margin that grows with how fast the pair moves,
// so the solver sees a contact a step before the bodies meet (speculative contact).
import Foundation
import Scenarios

/// The other side of a contact: the floor plane or a body.
enum ContactPartner: Hashable {
  case floor
  case body(Int)
}

/// Identifies a contact from one step to the next, for warm starting.
struct ContactKey: Hashable {
  var a: Int
  var b: Int
  var feature: Int
}

/// A contact between body `a` and partner `b`; the normal points from `b` to `a`.
struct Contact {
  var a: Int
  var b: ContactPartner
  var point: V3
  var normal: V3
  var separation: Double
  var key: ContactKey
}

/// The world-frame pose a contact query sees a body at.
struct PlacedBody {
  var geometry: CollisionGeometry
  var position: V3
  var rotation: Mat3
  /// The transpose of `rotation`: world to body.
  var inverse: Mat3

  init(geometry: CollisionGeometry, position: V3, rotation: Mat3) {
    self.geometry = geometry
    self.position = position
    self.rotation = rotation
    inverse = rotation.transposed
  }

  func toLocal(_ p: V3) -> V3 { inverse * (p - position) }
  func toWorld(_ p: V3) -> V3 { rotation * p + position }

  var sphereRadius: Double? {
    if case .shape(.sphere(let r)) = geometry.geometry { return r }
    return nil
  }
}

enum Collision {
  /// Contacts of body `a` (index `ia`) with the floor plane y = 0, gap below `margin`.
  static func floorContacts(_ a: PlacedBody, index ia: Int, margin: Double, into out: inout [Contact]) {
    if a.position.y - a.geometry.radius >= margin { return }
    let up = V3(0, 1, 0)
    func add(_ p: V3, _ feature: Int) {
      if p.y < margin {
        out.append(Contact(a: ia, b: .floor, point: p, normal: up, separation: p.y, key: ContactKey(a: ia, b: -1, feature: feature)))
      }
    }
    if let r = a.sphereRadius {
      add(a.position - V3(0, r, 0), -1)
      return
    }
    if case .shape(let shape) = a.geometry.geometry, case let (r, h)? = shape.cylinderDimensions {
      // The lowest point of each rim: the rim centre plus r along −y projected on the rim plane.
      let axis = a.rotation.c1
      let down = V3(0, -1, 0) - axis * axis.dot(V3(0, -1, 0))
      let l = down.length
      if l > 1e-6 {
        for (k, s) in [-1.0, 1.0].enumerated() {
          add(a.position + axis * (s * h / 2) + down * (r / l), -2 - k)
        }
      }
    }
    let samples = a.geometry.samples
    for k in a.geometry.floorSamples { add(a.toWorld(samples[k]), k) }
  }

  /// Contacts between bodies `a` and `b` (indices `ia`, `ib`), gap below `margin`, normals
  /// from `b` to `a`.
  static func pairContacts(
    _ a: PlacedBody, index ia: Int, _ b: PlacedBody, index ib: Int, margin: Double, into out: inout [Contact]
  ) {
    let reach = a.geometry.radius + b.geometry.radius + margin
    let d = a.position - b.position
    guard d.dot(d) <= reach * reach else { return }
    // Normals always from b to a: a query against a's surface is flipped (sign −1).
    func add(_ p: V3, _ dist: Double, _ n: V3, _ feature: Int) {
      out.append(
        Contact(a: ia, b: .body(ib), point: p, normal: n, separation: dist, key: ContactKey(a: ia, b: ib, feature: feature)))
    }
    if let r = a.sphereRadius {
      let (dist, n) = b.geometry.distance(b.toLocal(a.position))
      let normal = b.rotation * n
      if dist - r < margin { add(a.position - normal * r, dist - r, normal, -1) }
      return
    }
    if let r = b.sphereRadius {
      let (dist, n) = a.geometry.distance(a.toLocal(b.position))
      let normal = -(a.rotation * n)
      if dist - r < margin { add(b.position + normal * r, dist - r, normal, -1) }
      return
    }
    func samples(of from: PlacedBody, against onto: PlacedBody, sign: Double, base: Int) {
      // A sample farther from the other body's centre than its radius plus the margin misses.
      let reach = (onto.geometry.radius + margin) * (onto.geometry.radius + margin)
      let toward = onto.toLocal(from.position)
      let samples = from.geometry.samples
      for k in samples.indices {
        let p = from.toWorld(samples[k])
        let d = p - onto.position
        if d.dot(d) > reach { continue }
        let (dist, n) = onto.geometry.distance(onto.toLocal(p), toward: toward)
        if dist < margin { add(p, dist, (onto.rotation * n) * sign, base + k) }
      }
    }
    samples(of: a, against: b, sign: 1, base: 0)
    samples(of: b, against: a, sign: -1, base: 100_000)
  }
}

extension Shape {
  /// Radius and height of a cylinder, or of a cup's outer cylinder (all a plane can touch).
  var cylinderDimensions: (Double, Double)? {
    switch self {
    case .cylinder(let r, let h), .cup(let r, let h, _): return (r, h)
    case .box, .sphere: return nil
    }
  }
}
