// Engine physics arithmetic: a plain 3-vector and 3×3 matrix of Doubles for the contact and
// solver loops. The renderer's `Vec3` is SIMD3<Double>, which in debug builds goes through
// generic SIMD witnesses and costs about ten times as much per operation; the physics runs
// millions of them per simulated second, so it keeps its own concrete types.
import Foundation
import Scenarios

/// A vector in metres (or m/s, rad/s) for the physics.
struct V3: Sendable, Hashable {
  var x: Double
  var y: Double
  var z: Double

  init(_ x: Double, _ y: Double, _ z: Double) {
    self.x = x
    self.y = y
    self.z = z
  }

  init(repeating v: Double) { self.init(v, v, v) }
  init(_ v: Vector3) { self.init(v.x, v.y, v.z) }

  static let zero = V3(0, 0, 0)

  var vector3: Vector3 { Vector3(x, y, z) }

  subscript(axis: Int) -> Double {
    get { axis == 0 ? x : axis == 1 ? y : z }
    set {
      if axis == 0 { x = newValue } else if axis == 1 { y = newValue } else { z = newValue }
    }
  }

  static func + (a: V3, b: V3) -> V3 { V3(a.x + b.x, a.y + b.y, a.z + b.z) }
  static func - (a: V3, b: V3) -> V3 { V3(a.x - b.x, a.y - b.y, a.z - b.z) }
  /// Component-wise product.
  static func * (a: V3, b: V3) -> V3 { V3(a.x * b.x, a.y * b.y, a.z * b.z) }
  static func * (a: V3, s: Double) -> V3 { V3(a.x * s, a.y * s, a.z * s) }
  static func * (s: Double, a: V3) -> V3 { V3(a.x * s, a.y * s, a.z * s) }
  static func / (a: V3, s: Double) -> V3 { V3(a.x / s, a.y / s, a.z / s) }
  static prefix func - (a: V3) -> V3 { V3(-a.x, -a.y, -a.z) }
  static func += (a: inout V3, b: V3) { a = a + b }
  static func -= (a: inout V3, b: V3) { a = a - b }

  func dot(_ o: V3) -> Double { x * o.x + y * o.y + z * o.z }
  func cross(_ o: V3) -> V3 { V3(y * o.z - z * o.y, z * o.x - x * o.z, x * o.y - y * o.x) }
  var length: Double { dot(self).squareRoot() }
  var normalized: V3 { self / length }
}

/// A 3×3 matrix stored as columns, for inertia tensors and rotations.
struct Mat3: Sendable, Hashable {
  var c0: V3
  var c1: V3
  var c2: V3

  init(_ c0: V3, _ c1: V3, _ c2: V3) {
    self.c0 = c0
    self.c1 = c1
    self.c2 = c2
  }

  static let zero = Mat3(.zero, .zero, .zero)
  static let identity = Mat3(diagonal: V3(1, 1, 1))

  init(diagonal d: V3) { self.init(V3(d.x, 0, 0), V3(0, d.y, 0), V3(0, 0, d.z)) }

  /// a·bᵀ.
  init(outer a: V3, _ b: V3) { self.init(a * b.x, a * b.y, a * b.z) }

  var transposed: Mat3 {
    Mat3(V3(c0.x, c1.x, c2.x), V3(c0.y, c1.y, c2.y), V3(c0.z, c1.z, c2.z))
  }

  var trace: Double { c0.x + c1.y + c2.z }

  static func * (m: Mat3, v: V3) -> V3 { m.c0 * v.x + m.c1 * v.y + m.c2 * v.z }
  static func * (a: Mat3, b: Mat3) -> Mat3 { Mat3(a * b.c0, a * b.c1, a * b.c2) }
  static func + (a: Mat3, b: Mat3) -> Mat3 { Mat3(a.c0 + b.c0, a.c1 + b.c1, a.c2 + b.c2) }
  static func - (a: Mat3, b: Mat3) -> Mat3 { Mat3(a.c0 - b.c0, a.c1 - b.c1, a.c2 - b.c2) }
  static func * (s: Double, m: Mat3) -> Mat3 { Mat3(s * m.c0, s * m.c1, s * m.c2) }

  /// The inverse by cofactors; the zero matrix for a singular one (an immovable body).
  var inverse: Mat3 {
    let r0 = c1.cross(c2)
    let r1 = c2.cross(c0)
    let r2 = c0.cross(c1)
    let det = c0.dot(r0)
    if det == 0 { return .zero }
    return Mat3(r0 / det, r1 / det, r2 / det).transposed
  }
}

extension Quaternion {
  /// The rotation matrix as columns.
  var mat3: Mat3 {
    let (w, x, y, z) = (self.w, self.x, self.y, self.z)
    return Mat3(
      V3(1 - 2 * (y * y + z * z), 2 * (x * y + w * z), 2 * (x * z - w * y)),
      V3(2 * (x * y - w * z), 1 - 2 * (x * x + z * z), 2 * (y * z + w * x)),
      V3(2 * (x * z + w * y), 2 * (y * z - w * x), 1 - 2 * (x * x + y * y)))
  }

  /// The rotation that a constant angular velocity `omega` (rad/s, world axes) applies over
  /// `dt`: exact for constant omega.
  static func spin(_ omega: V3, _ dt: Double) -> Quaternion {
    let rate = omega.length
    if rate == 0 { return .identity }
    return Quaternion(axis: (omega / rate).vector3, angle: rate * dt)
  }
}
