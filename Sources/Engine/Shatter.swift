// Engine shatter: the pre-fractured pieces a breakable object breaks into. Every piece is a
// convex polyhedron, and the pieces together have exactly the object's volume:
// - a box splits into equal slabs across its longest side;
// - a cylinder splits into equal wedges about its axis;
// - a cup splits into its base and n − 1 flat wall plates (at least 4 pieces in all);
// - a sphere does not break.
// Round outlines become regular polygons whose radius keeps the area of the circle
// (R = r·√(2π / (m·sin(2π/m))) for m sides), so the volumes match the round object's to
// rounding; the plates and wedges look faceted, as real shards do.
import Foundation
import Scenarios

enum Shatter {
  /// Outward speed (m/s) added to each shard, in the horizontal direction from the object's
  /// centre to the shard's; a quarter more or less from shard to shard, deterministically.
  static let kickSpeed = 0.3

  struct Piece {
    /// Centred on its own centroid.
    var shard: ConvexPiece
    /// Where that centroid sits in the parent's frame.
    var centroid: V3
  }

  /// The pieces of `shape` broken `count` ways; empty when the shape does not break.
  static func pieces(of shape: Shape, count: Int) -> [Piece] {
    guard count > 1 else { return [] }
    switch shape {
    case .sphere:
      return []
    case .box(let w, let h, let d):
      let size = V3(w, h, d)
      let axis = w >= h && w >= d ? 0 : h >= d ? 1 : 2
      return (0..<count).map { k in
        var lo = -size / 2
        var hi = size / 2
        lo[axis] = -size[axis] / 2 + size[axis] * Double(k) / Double(count)
        hi[axis] = k == count - 1 ? size[axis] / 2 : -size[axis] / 2 + size[axis] * Double(k + 1) / Double(count)
        let outline = [(lo.x, lo.z), (hi.x, lo.z), (hi.x, hi.z), (lo.x, hi.z)]
        return prism(outline, from: lo.y, to: hi.y)
      }
    case .cylinder(let r, let h):
      let perWedge = max(1, 24 / count)
      let sides = perWedge * count
      let radius = r * areaKeepingFactor(sides)
      return (0..<count).map { k in
        var outline = [(0.0, 0.0)]
        for s in 0...perWedge {
          let a = 2 * Double.pi * Double(k * perWedge + s) / Double(sides)
          outline.append((radius * cos(a), radius * sin(a)))
        }
        return prism(outline, from: -h / 2, to: h / 2)
      }
    case .cup(let r, let h, let wall):
      let sides = max(count - 1, 3)
      let outer = r * areaKeepingFactor(sides)
      let inner = (r - wall) * areaKeepingFactor(sides)
      func corner(_ radius: Double, _ s: Int) -> (Double, Double) {
        let a = 2 * Double.pi * Double(s) / Double(sides)
        return (radius * cos(a), radius * sin(a))
      }
      let base = prism((0..<sides).map { corner(outer, $0) }, from: -h / 2, to: -h / 2 + wall)
      let plates = (0..<sides).map { s in
        prism(
          [corner(inner, s), corner(outer, s), corner(outer, s + 1), corner(inner, s + 1)], from: -h / 2 + wall,
          to: h / 2)
      }
      return [base] + plates
    }
  }

  /// The polygon radius, per unit circle radius, that gives a regular `m`-gon the circle's area.
  static func areaKeepingFactor(_ m: Int) -> Double {
    let n = Double(m)
    return (2 * Double.pi / (n * sin(2 * Double.pi / n))).squareRoot()
  }

  /// The prism over the convex (x, z) `outline` between heights `y0` and `y1`, re-centred on
  /// its centroid. Faces are wound outward whichever way the outline runs.
  static func prism(_ outline: [(Double, Double)], from y0: Double, to y1: Double) -> Piece {
    let m = outline.count
    let vertices = outline.map { V3($0.0, y0, $0.1) } + outline.map { V3($0.0, y1, $0.1) }
    var faces: [[Int]] = [Array((0..<m).reversed()), Array(m..<(2 * m))]
    for k in 0..<m { faces.append([k, (k + 1) % m, m + (k + 1) % m, m + k]) }
    let inside = vertices.reduce(V3.zero, +) / Double(vertices.count)
    // Wind every face so its normal points away from an interior point.
    faces = faces.map { face in
      let a = vertices[face[0]]
      let b = vertices[face[1]]
      let c = vertices[face[2]]
      return (b - a).cross(c - a).dot(a - inside) >= 0 ? face : face.reversed()
    }
    let raw = ConvexPiece(vertices: vertices.map(\.vector3), faces: faces)
    let centroid = massProperties(of: raw).centroid
    let centred = ConvexPiece(vertices: vertices.map { ($0 - centroid).vector3 }, faces: faces)
    return Piece(shard: centred, centroid: centroid)
  }
}
