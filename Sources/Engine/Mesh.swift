import Foundation
import Scenarios

/// A triangle mesh in body coordinates (metres, centred on the bounding box, axis along +y).
/// Triangles are counter-clockwise seen from outside; normals are per vertex, smooth across
/// curved surfaces and split at sharp edges by duplicating vertices. Texture coordinates are
/// metres along the surface (so a texture's size reads in metres on every shape): the two
/// in-plane axes on flat faces and caps, arc length around and along the profile on surfaces
/// of revolution, with a seam where the angle wraps.
struct Mesh: Sendable {
  var positions: [Float] = []
  var normals: [Float] = []
  var uvs: [Float] = []
  var indices: [UInt32] = []

  var vertexCount: Int { positions.count / 3 }

  /// Distance from the body origin to the farthest vertex (slightly over, never under).
  private(set) var boundingRadius = 0.0

  var triangleCount: Int { indices.count / 3 }

  mutating func addVertex(_ p: Vec3, normal n: Vec3, uv: (Double, Double)) -> UInt32 {
    positions += [Float(p.x), Float(p.y), Float(p.z)]
    normals += [Float(n.x), Float(n.y), Float(n.z)]
    uvs += [Float(uv.0), Float(uv.1)]
    boundingRadius = max(boundingRadius, p.length * (1 + 1e-6))
    return UInt32(vertexCount - 1)
  }

  private func vertex(_ i: UInt32) -> (p: Vec3, n: Vec3) {
    let k = Int(i) * 3
    return (
      Vec3(Double(positions[k]), Double(positions[k + 1]), Double(positions[k + 2])),
      Vec3(Double(normals[k]), Double(normals[k + 1]), Double(normals[k + 2]))
    )
  }

  /// Adds a triangle, wound so that its front faces the way its vertex normals point; a
  /// triangle of zero area (at a pole or on the axis) is dropped. Builders need not track
  /// winding by hand, which is where meshes usually go wrong.
  mutating func addTriangle(_ a: UInt32, _ b: UInt32, _ c: UInt32) {
    let (pa, na) = vertex(a)
    let (pb, nb) = vertex(b)
    let (pc, nc) = vertex(c)
    let face = (pb - pa).cross(pc - pa)
    if face == .zero { return }
    indices += face.dot(na + nb + nc) >= 0 ? [a, b, c] : [a, c, b]
  }

  /// A point of a surface of revolution about y: radius, height, the normal's radial and
  /// vertical components, and the texture coordinate along the profile (metres).
  struct ProfilePoint {
    var r: Double
    var y: Double
    var nr: Double
    var ny: Double
    var along: Double

    init(r: Double, y: Double, nr: Double, ny: Double, along: Double? = nil) {
      self.r = r
      self.y = y
      self.nr = nr
      self.ny = ny
      self.along = along ?? y
    }
  }

  /// Sweeps the band between two profile points around the y axis in `segments` steps.
  /// Flat caps (normal along y) are textured in x and z; other bands by arc length
  /// `aroundRadius`·θ around and `along` down the profile. The last column repeats the first
  /// position exactly (cos 0, sin 0) with u = 2π·`aroundRadius`, so the seam has no crack.
  mutating func addBand(_ p: ProfilePoint, _ q: ProfilePoint, segments: Int, aroundRadius: Double) {
    let cap = p.nr == 0 && q.nr == 0
    func vertex(_ a: ProfilePoint, _ c: Double, _ sn: Double, _ theta: Double) -> UInt32 {
      let position = Vec3(a.r * c, a.y, a.r * sn)
      let uv = cap ? (position.x, position.z) : (theta * aroundRadius, a.along)
      return addVertex(position, normal: Vec3(a.nr * c, a.ny, a.nr * sn), uv: uv)
    }
    var previous: (UInt32, UInt32)?
    for s in 0...segments {
      let theta = 2 * Double.pi * Double(s) / Double(segments)
      let (c, sn) = s == segments ? (1.0, 0.0) : (cos(theta), sin(theta))
      let current = (vertex(p, c, sn, theta), vertex(q, c, sn, theta))
      if let previous {
        addTriangle(previous.0, current.0, current.1)
        addTriangle(previous.0, current.1, previous.1)
      }
      previous = current
    }
  }

  /// Sweeps a profile given as separate bands (sharp edges between bands).
  mutating func addLathe(_ bands: [(ProfilePoint, ProfilePoint)], segments: Int) {
    let around = bands.map { max($0.0.r, $0.1.r) }.max() ?? 0
    for (p, q) in bands { addBand(p, q, segments: segments, aroundRadius: around) }
  }

  /// The mesh of a scenario shape. `segments` is the number of steps around round shapes.
  init(shape: Shape, segments: Int = 48) {
    typealias P = ProfilePoint
    switch shape {
    case .box(let w, let h, let d):
      addBox(half: Vec3(w / 2, h / 2, d / 2))
    case .sphere(let r):
      let rings = max(segments / 2, 4)
      let points = (0...rings).map { k -> P in
        let phi = Double.pi * Double(k) / Double(rings)
        // sin(π) is not exactly 0 in floating point; the pole must be on the axis.
        let s = k == rings ? 0 : sin(phi)
        return P(r: r * s, y: r * cos(phi), nr: s, ny: cos(phi), along: -r * phi)
      }
      addLathe(Array(zip(points, points.dropFirst())), segments: segments)
    case .cylinder(let r, let h):
      let (top, bottom) = (h / 2, -h / 2)
      addLathe(
        [
          (P(r: r, y: bottom, nr: 1, ny: 0), P(r: r, y: top, nr: 1, ny: 0)),
          (P(r: r, y: top, nr: 0, ny: 1), P(r: 0, y: top, nr: 0, ny: 1)),
          (P(r: 0, y: bottom, nr: 0, ny: -1), P(r: r, y: bottom, nr: 0, ny: -1)),
        ], segments: segments)
    case .cup(let r, let h, let wall):
      let (top, bottom, inner, floor) = (h / 2, -h / 2, r - wall, -h / 2 + wall)
      addLathe(
        [
          (P(r: r, y: bottom, nr: 1, ny: 0), P(r: r, y: top, nr: 1, ny: 0)),
          (P(r: r, y: top, nr: 0, ny: 1), P(r: inner, y: top, nr: 0, ny: 1)),
          (P(r: inner, y: top, nr: -1, ny: 0), P(r: inner, y: floor, nr: -1, ny: 0)),
          (P(r: inner, y: floor, nr: 0, ny: 1), P(r: 0, y: floor, nr: 0, ny: 1)),
          (P(r: 0, y: bottom, nr: 0, ny: -1), P(r: r, y: bottom, nr: 0, ny: -1)),
        ], segments: segments)
    }
  }

  init() {}

  /// An axis-aligned box with flat faces, centred on the origin.
  mutating func addBox(half: Vec3) {
    let axes = [Vec3(1, 0, 0), Vec3(0, 1, 0), Vec3(0, 0, 1)]
    for k in 0..<3 {
      for sign in [1.0, -1.0] {
        let n = axes[k] * sign
        let u = axes[(k + 1) % 3] * half
        let v = axes[(k + 2) % 3] * half
        let centre = n * half
        let (uAxis, vAxis) = (axes[(k + 1) % 3], axes[(k + 2) % 3])
        let corners = [centre - u - v, centre + u - v, centre + u + v, centre - u + v].map {
          addVertex($0, normal: n, uv: ($0.dot(uAxis), $0.dot(vAxis)))
        }
        addTriangle(corners[0], corners[1], corners[2])
        addTriangle(corners[0], corners[2], corners[3])
      }
    }
  }

  /// A convex shard with flat faces, in its body frame.
  init(piece: ConvexPiece) {
    for face in piece.faces where face.count >= 3 {
      let corners = face.map { Vec3(piece.vertices[$0]) }
      let normal = (corners[1] - corners[0]).cross(corners[2] - corners[0]).normalized
      let (uAxis, vAxis) = Mesh.faceAxes(normal)
      let ids = corners.map { addVertex($0, normal: normal, uv: ($0.dot(uAxis), $0.dot(vAxis))) }
      for k in 1..<(ids.count - 1) { addTriangle(ids[0], ids[k], ids[k + 1]) }
    }
  }

  /// Two directions spanning the plane of a face, for texture coordinates.
  private static func faceAxes(_ normal: Vec3) -> (Vec3, Vec3) {
    let helper = abs(normal.y) < 0.9 ? Vec3(0, 1, 0) : Vec3(1, 0, 0)
    let u = helper.cross(normal).normalized
    return (u, normal.cross(u))
  }

  /// The floor: a square of side 2·`half` in the plane y = 0, facing up.
  static func floor(half: Double) -> Mesh {
    var m = Mesh()
    let n = Vec3(0, 1, 0)
    let c = [Vec3(-half, 0, -half), Vec3(half, 0, -half), Vec3(half, 0, half), Vec3(-half, 0, half)].map {
      m.addVertex($0, normal: n, uv: ($0.x, $0.z))
    }
    m.addTriangle(c[0], c[1], c[2])
    m.addTriangle(c[0], c[2], c[3])
    return m
  }
}
