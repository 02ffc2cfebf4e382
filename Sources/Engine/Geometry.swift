// Engine geometry: the small vector, quaternion and matrix types the simulator and the
// renderer share. Public values use `Vector3` from Scenarios so that ground truth reads in the
// same units and axes as the scenario; arithmetic inside the engine uses `SIMD3<Double>`.
import Foundation
import Scenarios

typealias Vec3 = SIMD3<Double>

extension SIMD3 where Scalar == Double {
  init(_ v: Vector3) { self.init(v.x, v.y, v.z) }
  var vector3: Vector3 { Vector3(x, y, z) }
  var length: Double { (self * self).sum().squareRoot() }
  func dot(_ o: Self) -> Double { (self * o).sum() }
  func cross(_ o: Self) -> Self {
    Self(y * o.z - z * o.y, z * o.x - x * o.z, x * o.y - y * o.x)
  }
  var normalized: Self { self / length }
}

/// A rotation as a unit quaternion w + xi + yj + zk. It rotates body coordinates into world
/// coordinates: X_world = q·X_body·q* + position.
public struct Quaternion: Sendable, Hashable {
  public var w: Double
  public var x: Double
  public var y: Double
  public var z: Double

  public init(w: Double, x: Double, y: Double, z: Double) {
    self.w = w
    self.x = x
    self.y = y
    self.z = z
  }

  public static let identity = Quaternion(w: 1, x: 0, y: 0, z: 0)

  /// The rotation by `angle` radians about `axis` (any non-zero length), right-hand rule.
  public init(axis: Vector3, angle: Double) {
    let a = Vec3(axis).normalized * sin(angle / 2)
    self.init(w: cos(angle / 2), x: a.x, y: a.y, z: a.z)
  }

  var vector: Vec3 { Vec3(x, y, z) }

  /// Hamilton product: `self * o` applies `o` first, then `self`.
  public static func * (p: Quaternion, o: Quaternion) -> Quaternion {
    Quaternion(
      w: p.w * o.w - p.x * o.x - p.y * o.y - p.z * o.z,
      x: p.w * o.x + p.x * o.w + p.y * o.z - p.z * o.y,
      y: p.w * o.y - p.x * o.z + p.y * o.w + p.z * o.x,
      z: p.w * o.z + p.x * o.y - p.y * o.x + p.z * o.w)
  }

  public var normalized: Quaternion {
    let n = (w * w + x * x + y * y + z * z).squareRoot()
    return Quaternion(w: w / n, x: x / n, y: y / n, z: z / n)
  }

  public var conjugate: Quaternion { Quaternion(w: w, x: -x, y: -y, z: -z) }

  /// The rotation matrix of this (unit) quaternion.
  public var matrix: Matrix3 {
    Matrix3(
      rows: Vector3(1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)),
      Vector3(2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)),
      Vector3(2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)))
  }

  func rotate(_ v: Vec3) -> Vec3 {
    // v' = v + 2w(q×v) + 2q×(q×v), the expanded form of q·v·q*.
    let q = vector
    let t = 2 * q.cross(v)
    return v + w * t + q.cross(t)
  }

  /// The rotation that a constant angular velocity `omega` (rad/s, world axes) applies over
  /// `dt`: exact for constant omega, so integrating spin has no drift beyond rounding.
  static func spin(_ omega: Vec3, _ dt: Double) -> Quaternion {
    let rate = omega.length
    if rate == 0 { return .identity }
    return Quaternion(axis: (omega / rate).vector3, angle: rate * dt)
  }
}

/// A 3×3 matrix stored as rows.
public struct Matrix3: Sendable, Hashable {
  public var row0: Vector3
  public var row1: Vector3
  public var row2: Vector3

  public init(rows row0: Vector3, _ row1: Vector3, _ row2: Vector3) {
    self.row0 = row0
    self.row1 = row1
    self.row2 = row2
  }

  public static let identity = Matrix3(rows: Vector3(1, 0, 0), Vector3(0, 1, 0), Vector3(0, 0, 1))

  public subscript(row: Int, column: Int) -> Double {
    let r = row == 0 ? row0 : row == 1 ? row1 : row2
    return column == 0 ? r.x : column == 1 ? r.y : r.z
  }

  public static func * (m: Matrix3, v: Vector3) -> Vector3 {
    (m * Vec3(v)).vector3
  }

  static func * (m: Matrix3, v: Vec3) -> Vec3 {
    Vec3(Vec3(m.row0).dot(v), Vec3(m.row1).dot(v), Vec3(m.row2).dot(v))
  }

  public static func * (a: Matrix3, b: Matrix3) -> Matrix3 {
    let t = b.transposed
    func row(_ r: Vector3) -> Vector3 { Vector3(Vec3(r).dot(Vec3(t.row0)), Vec3(r).dot(Vec3(t.row1)), Vec3(r).dot(Vec3(t.row2))) }
    return Matrix3(rows: row(a.row0), row(a.row1), row(a.row2))
  }

  public var transposed: Matrix3 {
    Matrix3(
      rows: Vector3(row0.x, row1.x, row2.x), Vector3(row0.y, row1.y, row2.y),
      Vector3(row0.z, row1.z, row2.z))
  }

  /// Row-major elements, the layout the C kernels take.
  var elements: [Double] { [row0.x, row0.y, row0.z, row1.x, row1.y, row1.z, row2.x, row2.y, row2.z] }
}

extension Quaternion {
  /// The orientation a scenario states as rotations in degrees about world x, then y, then z.
  public init(degreesXYZ d: Vector3) {
    let rad = Double.pi / 180
    let qx = Quaternion(axis: Vector3(1, 0, 0), angle: d.x * rad)
    let qy = Quaternion(axis: Vector3(0, 1, 0), angle: d.y * rad)
    let qz = Quaternion(axis: Vector3(0, 0, 1), angle: d.z * rad)
    self = (qz * qy * qx).normalized
  }
}
