import Foundation
import Scenarios

/// A triangle mesh in body coordinates (metres, centred on the bounding box, axis along +y).
/// Triangles are counter-clockwise seen from outside; normals are per vertex, smooth across
/// curved surfaces and split at sharp edges by duplicating vertices. Texture coordinates,
/// when textures arrive, are one more per-vertex array beside these.
struct Mesh: Sendable {
  var positions: [Float] = []
  var normals: [Float] = []
  var indices: [UInt32] = []

  var vertexCount: Int { positions.count / 3 }

  /// Distance from the body origin to the farthest vertex (slightly over, never under).
  private(set) var boundingRadius = 0.0

  var triangleCount: Int { indices.count / 3 }

  mutating func addVertex(_ p: Vec3, normal n: Vec3) -> UInt32 {
    positions += [Float(p.x), Float(p.y), Float(p.z)]
    normals += [Float(n.x), Float(n.y), Float(n.z)]
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

  /// A point of a surface of revolution about y: radius, height, and the normal's radial and
  /// vertical components.
  struct ProfilePoint {
    var r: Double
    var y: Double
    var nr: Double
    var ny: Double
  }

  /// Sweeps the band between two profile points around the y axis in `segments` steps.
  mutating func addBand(_ p: ProfilePoint, _ q: ProfilePoint, segments: Int) {
    var previous: (UInt32, UInt32)?
    var first: (UInt32, UInt32)?
    for s in 0...segments {
      let current: (UInt32, UInt32)
      if s == segments, let first {
        current = first
      } else {
        let theta = 2 * Double.pi * Double(s) / Double(segments)
        let (c, sn) = (cos(theta), sin(theta))
        current = (
          addVertex(Vec3(p.r * c, p.y, p.r * sn), normal: Vec3(p.nr * c, p.ny, p.nr * sn)),
          addVertex(Vec3(q.r * c, q.y, q.r * sn), normal: Vec3(q.nr * c, q.ny, q.nr * sn))
        )
        if s == 0 { first = current }
      }
      if let previous {
        addTriangle(previous.0, current.0, current.1)
        addTriangle(previous.0, current.1, previous.1)
      }
      previous = current
    }
  }

  /// Sweeps a profile given as separate bands (sharp edges between bands).
  mutating func addLathe(_ bands: [(ProfilePoint, ProfilePoint)], segments: Int) {
    for (p, q) in bands { addBand(p, q, segments: segments) }
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
        return P(r: r * s, y: r * cos(phi), nr: s, ny: cos(phi))
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
        let corners = [centre - u - v, centre + u - v, centre + u + v, centre - u + v].map {
          addVertex($0, normal: n)
        }
        addTriangle(corners[0], corners[1], corners[2])
        addTriangle(corners[0], corners[2], corners[3])
      }
    }
  }

  /// The floor: a square of side 2·`half` in the plane y = 0, facing up.
  static func floor(half: Double) -> Mesh {
    var m = Mesh()
    let n = Vec3(0, 1, 0)
    let c = [Vec3(-half, 0, -half), Vec3(half, 0, -half), Vec3(half, 0, half), Vec3(-half, 0, half)].map {
      m.addVertex($0, normal: n)
    }
    m.addTriangle(c[0], c[1], c[2])
    m.addTriangle(c[0], c[2], c[3])
    return m
  }
}
