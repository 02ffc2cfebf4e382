// Engine physics geometry: what a body is made of, as the contact generator and the mass
// computation see it. Every body's local frame has its origin at the body's `position`
// (the bounding-box centre for scenario shapes, the centroid for shards), axis along +y.
//
// Collision uses a signed distance per geometry (exact for box, sphere, cylinder and open
// cup; the largest face-plane distance for convex pieces, exact inside and a slight
// underestimate near edges outside) and a fixed set of surface sample points per geometry
// (corners and edge points, rim points), tested against the other body's signed distance.
// A cup is hollow: its outer wall, rim, base, inner wall and inner floor all collide, so a
// body can rest inside it and a cup upside down can close over a smaller body.
import Foundation
import Scenarios

/// A convex polyhedron in a body's local frame: a shard of a broken object.
public struct ConvexPiece: Sendable, Hashable {
  /// Corners in the body frame (metres, origin at the piece's centroid).
  public var vertices: [Vector3]
  /// Faces as vertex indices, counter-clockwise seen from outside.
  public var faces: [[Int]]

  public init(vertices: [Vector3], faces: [[Int]]) {
    self.vertices = vertices
    self.faces = faces
  }

  /// Volume in m³, by the divergence theorem (fan triangles against the origin).
  public var volume: Double { massProperties(of: self).volume }

  /// The faces as triangles (vertex indices, counter-clockwise seen from outside), each face
  /// fanned from its first vertex: what a rasterizer needs, with flat normals per face.
  public var triangles: [(Int, Int, Int)] {
    faces.flatMap { face in (1..<max(face.count - 1, 1)).map { (face[0], face[$0], face[$0 + 1]) } }
  }
}

/// What a body looks like and collides as.
public enum BodyGeometry: Sendable, Hashable {
  /// A scenario shape, centred on the body's position.
  case shape(Shape)
  /// A shard.
  case convexPiece(ConvexPiece)

  /// Volume in m³: for a cup, its walls and base only.
  public var volume: Double {
    switch self {
    case .shape(let shape): return shape.volume
    case .convexPiece(let piece): return piece.volume
    }
  }
}

extension Shape {
  /// Volume in m³ of the solid the shape describes; a cup is its side wall plus its base.
  public var volume: Double {
    switch self {
    case .box(let w, let h, let d): return w * h * d
    case .sphere(let r): return 4.0 / 3.0 * Double.pi * r * r * r
    case .cylinder(let r, let h): return Double.pi * r * r * h
    case .cup(let r, let h, let wall):
      let inner = r - wall
      return Double.pi * (r * r * h - inner * inner * (h - wall))
    }
  }
}

/// Mass, centroid and inertia of a closed polyhedron of unit density (per m³).
struct PolyhedronMass {
  var volume: Double
  var centroid: V3
  /// About the centroid.
  var inertia: Mat3
}

/// Integrates a closed, outward-wound polyhedron as a fan of tetrahedra from the origin:
/// a tetrahedron (0, a, b, c) has volume det[a b c]/6 and second moment
/// (V/20)·(aaᵀ + bbᵀ + ccᵀ + ssᵀ) with s = a + b + c.
func massProperties(of piece: ConvexPiece) -> PolyhedronMass {
  let v = piece.vertices.map(V3.init)
  var volume = 0.0
  var moment = V3.zero
  var second = Mat3.zero
  for face in piece.faces where face.count >= 3 {
    for k in 1..<(face.count - 1) {
      let a = v[face[0]]
      let b = v[face[k]]
      let c = v[face[k + 1]]
      let tet = a.dot(b.cross(c)) / 6
      volume += tet
      moment += tet * (a + b + c) / 4
      let s = a + b + c
      second = second + (tet / 20) * (Mat3(outer: a, a) + Mat3(outer: b, b) + Mat3(outer: c, c) + Mat3(outer: s, s))
    }
  }
  let centroid = volume != 0 ? moment / volume : .zero
  let atCentroid = second - volume * Mat3(outer: centroid, centroid)
  return PolyhedronMass(volume: volume, centroid: centroid, inertia: atCentroid.trace * .identity - atCentroid)
}

/// The centre of mass of a scenario shape in its body frame: the bounding-box centre, except
/// for a cup, whose base pulls it below (by 6.7 mm for a 10 cm cup with 5 mm walls).
func centerOfMass(of shape: Shape) -> V3 {
  guard case .cup(let r, let h, let wall) = shape else { return .zero }
  let ri = r - wall
  let base = Double.pi * r * r * wall  // at y = −h/2 + wall/2
  let side = Double.pi * (r * r - ri * ri) * (h - wall)  // at y = wall/2
  return V3(0, (base * (wall - h) / 2 + side * wall / 2) / (base + side), 0)
}

/// The body-frame inertia tensor per unit density of a scenario shape, about its bounding-box
/// centre. A cup is the outer cylinder minus the cavity above its base (the cavity's offset
/// enters by the parallel-axis rule).
func unitInertia(of shape: Shape) -> Mat3 {
  func cylinder(_ r: Double, _ h: Double) -> V3 {
    let v = Double.pi * r * r * h
    let side = v * (3 * r * r + h * h) / 12
    return V3(side, v * r * r / 2, side)
  }
  switch shape {
  case .box(let w, let h, let d):
    let m = w * h * d
    return Mat3(diagonal: V3(h * h + d * d, w * w + d * d, w * w + h * h) * (m / 12))
  case .sphere(let r):
    let m = 4.0 / 3.0 * Double.pi * r * r * r
    return Mat3(diagonal: V3(repeating: 0.4 * m * r * r))
  case .cylinder(let r, let h):
    return Mat3(diagonal: cylinder(r, h))
  case .cup(let r, let h, let wall):
    let ri = r - wall
    let hi = h - wall
    let offset = wall / 2  // cavity centre above the cup's centre
    let cavityMass = Double.pi * ri * ri * hi
    var cavity = cylinder(ri, hi)
    cavity.x += cavityMass * offset * offset
    cavity.z += cavityMass * offset * offset
    return Mat3(diagonal: cylinder(r, h) - cavity)
  }
}

/// A point of contact between a body's surface and another's, in world coordinates.
struct SurfacePoint {
  /// The point on the first body's surface.
  var point: V3
  /// Unit normal pointing from the second body towards the first.
  var normal: V3
  /// Signed gap along the normal: negative when the bodies overlap.
  var separation: Double
}

/// A body's geometry with its derived collision data, built once per body. A class, so the
/// contact loops pass one reference rather than copying its arrays.
final class CollisionGeometry: Sendable {
  let geometry: BodyGeometry
  /// Surface points in the body frame, tested against other bodies.
  let samples: [V3]
  /// The samples that can be lowest against a plane: corners (a convex polyhedron touches a
  /// plane first at a corner) and every other rim point (the exact lowest rim points are
  /// added separately). Fewer rows for the solver where most resting contacts are.
  let floorSamples: [Int]
  /// Outward face planes (unit normal, offset) of a convex piece.
  let planes: [(normal: V3, offset: Double)]
  /// Farthest surface point from the origin.
  let radius: Double

  /// Rim points per circle of a cylinder or cup.
  static let rimPoints = 16

  /// Points around a circle of radius `r` at height `y`, in the body frame.
  private static func rim(_ r: Double, at y: Double) -> [V3] {
    (0..<rimPoints).map { k in
      let a = 2 * Double.pi * Double(k) / Double(rimPoints)
      return V3(r * cos(a), y, r * sin(a))
    }
  }

  init(_ geometry: BodyGeometry) {
    self.geometry = geometry
    switch geometry {
    case .shape(let shape):
      planes = []
      switch shape {
      case .sphere(let r):
        samples = []
        radius = r
      case .box(let w, let h, let d):
        let half = V3(w, h, d) / 2
        var points: [V3] = []
        for i in 0..<8 {
          points.append(V3(i & 1 == 0 ? -1 : 1, i & 2 == 0 ? -1 : 1, i & 4 == 0 ? -1 : 1) * half)
        }
        // The midpoint of each of the 12 edges: edge-on-face and crossed-edge contacts.
        for axis in 0..<3 {
          for a in [-1.0, 1.0] {
            for b in [-1.0, 1.0] {
              var p = V3.zero
              p[(axis + 1) % 3] = a
              p[(axis + 2) % 3] = b
              points.append(p * half)
            }
          }
        }
        samples = points
        radius = half.length
      case .cylinder(let r, let h):
        samples = Self.rim(r, at: -h / 2) + Self.rim(r, at: h / 2)
        radius = (r * r + h * h / 4).squareRoot()
      case .cup(let r, let h, let wall):
        // The inner rim too: the edge that meets a body under a cup turned over it.
        samples = Self.rim(r, at: -h / 2) + Self.rim(r, at: h / 2) + Self.rim(r - wall, at: h / 2)
        radius = (r * r + h * h / 4).squareRoot()
      }
    case .convexPiece(let piece):
      let v = piece.vertices.map(V3.init)
      var points = v
      var seen = Set<[Int]>()
      for face in piece.faces {
        for k in face.indices {
          let a = face[k]
          let b = face[(k + 1) % face.count]
          if seen.insert([min(a, b), max(a, b)]).inserted { points.append((v[a] + v[b]) / 2) }
        }
      }
      samples = points
      planes = piece.faces.map { face in
        // Newell's normal: robust for any planar polygon.
        var n = V3.zero
        for k in face.indices {
          let a = v[face[k]]
          let b = v[face[(k + 1) % face.count]]
          n += V3((a.y - b.y) * (a.z + b.z), (a.z - b.z) * (a.x + b.x), (a.x - b.x) * (a.y + b.y))
        }
        n = n.normalized
        return (n, n.dot(v[face[0]]))
      }
      radius = v.map(\.length).max() ?? 0
    }
    switch geometry {
    case .shape(.box): floorSamples = Array(0..<8)
    // The outer rims only: the inner rim is never lower than the outer one.
    case .shape(.cylinder), .shape(.cup): floorSamples = (0..<(2 * Self.rimPoints)).filter { $0 % 2 == 0 }
    case .convexPiece(let piece): floorSamples = Array(piece.vertices.indices)
    case .shape(.sphere): floorSamples = []
    }
  }

  /// Signed distance from the body-frame point `p` to the surface, and the outward unit
  /// direction of steepest increase (the contact normal).
  ///
  /// `toward` (body frame; the other body's centre) settles near-ties inside a box or
  /// cylinder: a point within `tieDepth` of two faces (a corner of an equal-sized box stacked
  /// exactly on top sits on the top face and on a side face at once) takes the face that
  /// looks towards the other body, so stacks are held up rather than pushed sideways.
  func distance(_ p: V3, toward: V3? = nil) -> (distance: Double, normal: V3) {
    switch geometry {
    case .shape(let shape):
      switch shape {
      case .sphere(let r):
        let l = p.length
        return (l - r, l > 0 ? p / l : V3(0, 1, 0))
      case .box(let w, let h, let d):
        return boxDistance(p, half: V3(w, h, d) / 2, toward: toward)
      case .cylinder(let r, let h):
        return cylinderDistance(p, radius: r, half: h / 2, toward: toward)
      case .cup(let r, let h, let wall):
        return cupDistance(p, radius: r, half: h / 2, wall: wall, toward: toward)
      }
    case .convexPiece:
      var best = (distance: -Double.infinity, normal: V3(0, 1, 0))
      for plane in planes {
        let d = plane.normal.dot(p) - plane.offset
        if d > best.distance { best = (d, plane.normal) }
      }
      return best
    }
  }

  /// Depth within which two faces count as equally near; a fraction of the smallest
  /// dimension so thin bodies keep their nearest face.
  static func tieDepth(_ smallest: Double) -> Double { min(0.002, 0.25 * smallest) }

  private func boxDistance(_ p: V3, half: V3, toward: V3?) -> (distance: Double, normal: V3) {
    let q = V3(abs(p.x), abs(p.y), abs(p.z)) - half
    let sign = V3(p.x < 0 ? -1 : 1, p.y < 0 ? -1 : 1, p.z < 0 ? -1 : 1)
    let outside = V3(max(q.x, 0), max(q.y, 0), max(q.z, 0))
    let l = outside.length
    if l > 0 { return (l, outside * sign / l) }
    // Inside: the nearest face, or among near-ties the one facing the other body.
    var axis = 0
    if q.y > q[axis] { axis = 1 }
    if q.z > q[axis] { axis = 2 }
    if let c = toward {
      let tie = Self.tieDepth(min(half.x, half.y, half.z))
      var best = -1.0
      for k in 0..<3 where q[k] >= q[axis] - tie && c[k] * sign[k] > 0 {
        let facing = abs(c[k]) / half[k]
        if facing > best {
          best = facing
          axis = k
        }
      }
    }
    var n = V3.zero
    n[axis] = sign[axis]
    return (q[axis], n)
  }

  private func cylinderDistance(_ p: V3, radius r: Double, half: Double, toward: V3?) -> (
    distance: Double, normal: V3
  ) {
    let rho = (p.x * p.x + p.z * p.z).squareRoot()
    let radial = rho > 0 ? V3(p.x / rho, 0, p.z / rho) : V3(1, 0, 0)
    let axial = V3(0, p.y < 0 ? -1 : 1, 0)
    let dr = rho - r
    let dy = abs(p.y) - half
    if dr > 0 && dy > 0 {
      let l = (dr * dr + dy * dy).squareRoot()
      return (l, (radial * dr + axial * dy) / l)
    }
    if let c = toward, abs(dr - dy) <= Self.tieDepth(min(r, half)) {
      // Near the rim: the cap if the other body lies beyond it more than beside the wall.
      let capward = c.y * axial.y > 0 ? abs(c.y) / half : -1
      let sideward = (c.x * radial.x + c.z * radial.z) / r
      return capward >= sideward ? (dy, axial) : (dr, radial)
    }
    return dr > dy ? (dr, radial) : (dy, axial)
  }

  /// A cup: the closed cylinder minus the cavity above its base (inner radius r − wall, from
  /// the inner floor up through the open top). Exact everywhere: in the cavity the nearest
  /// solid is the inner wall or the floor, above the opening the inner rim's edge, beside or
  /// under the cup the outer cylinder; inside the solid, the nearer of the outer surface and
  /// the cavity.
  private func cupDistance(_ p: V3, radius r: Double, half: Double, wall: Double, toward: V3?) -> (
    distance: Double, normal: V3
  ) {
    let inner = r - wall
    let floor = -half + wall
    let up = V3(0, 1, 0)
    let rho = (p.x * p.x + p.z * p.z).squareRoot()
    let radial = rho > 0 ? V3(p.x / rho, 0, p.z / rho) : V3(1, 0, 0)
    if rho < inner && p.y > floor {
      if p.y > half {
        // Above the opening: the inner rim's edge is nearest.
        let (dr, dy) = (rho - inner, p.y - half)
        let l = (dr * dr + dy * dy).squareRoot()
        return (l, (radial * dr + up * dy) / l)
      }
      let (side, bottom) = (inner - rho, p.y - floor)
      return side < bottom ? (side, -radial) : (bottom, up)
    }
    let outer = cylinderDistance(p, radius: r, half: half, toward: toward)
    if outer.distance > 0 { return outer }
    // Inside the solid: how far the cavity is, and the way out into it.
    let cavity: (depth: Double, normal: V3)
    if rho >= inner && p.y > floor {
      cavity = (rho - inner, -radial)
    } else if rho >= inner {
      // Under the inner wall, in the base: the cavity's bottom edge is nearest.
      let (dr, dy) = (inner - rho, floor - p.y)
      let l = (dr * dr + dy * dy).squareRoot()
      cavity = (l, l > 0 ? (radial * dr + up * dy) / l : up)
    } else {
      cavity = (floor - p.y, up)
    }
    if let c = toward, abs(outer.distance + cavity.depth) <= Self.tieDepth(wall) {
      // Near the inner rim's edge or the inner floor: the cavity side if the other body is in the cavity.
      let inCavity = (c.x * c.x + c.z * c.z).squareRoot() < inner && c.y > floor
      return inCavity ? (-cavity.depth, cavity.normal) : outer
    }
    return -cavity.depth > outer.distance ? (-cavity.depth, cavity.normal) : outer
  }
}
