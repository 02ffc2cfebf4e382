import CKernels
import Foundation

/// A 3×3 matrix of doubles, row-major: camera intrinsics, rotations, fundamental and essential
/// matrices. (Named apart from the engine's `Matrix3`, which is a different module's type.)
public struct Matrix3x3: Sendable, Hashable, CustomStringConvertible {
  /// Nine elements, row by row.
  public internal(set) var elements: [Double]

  public init(_ elements: [Double]) {
    precondition(elements.count == 9, "a 3×3 matrix has 9 elements, not \(elements.count)")
    self.elements = elements
  }

  public init(rows: [[Double]]) {
    precondition(rows.count == 3 && rows.allSatisfy { $0.count == 3 }, "a 3×3 matrix has 3 rows of 3")
    self.init(rows.flatMap { $0 })
  }

  public static let identity = Matrix3x3([1, 0, 0, 0, 1, 0, 0, 0, 1])

  /// Pinhole intrinsics [fx s cx; 0 fy cy; 0 0 1].
  public static func intrinsics(fx: Double, fy: Double, cx: Double, cy: Double, skew: Double = 0)
    -> Matrix3x3
  {
    Matrix3x3([fx, skew, cx, 0, fy, cy, 0, 0, 1])
  }

  /// The rotation by `angle` radians about the unit vector `axis` (Rodrigues).
  public static func rotation(axis: SIMD3<Double>, angle: Double) -> Matrix3x3 {
    let k = axis / (axis * axis).sum().squareRoot()
    let c = cos(angle), s = sin(angle), v = 1 - c
    return Matrix3x3([
      c + k.x * k.x * v, k.x * k.y * v - k.z * s, k.x * k.z * v + k.y * s,
      k.y * k.x * v + k.z * s, c + k.y * k.y * v, k.y * k.z * v - k.x * s,
      k.z * k.x * v - k.y * s, k.z * k.y * v + k.x * s, c + k.z * k.z * v,
    ])
  }

  /// The cross-product matrix [v]ₓ, so that [v]ₓ·w = v × w.
  public static func crossProduct(_ v: SIMD3<Double>) -> Matrix3x3 {
    Matrix3x3([0, -v.z, v.y, v.z, 0, -v.x, -v.y, v.x, 0])
  }

  public subscript(row: Int, column: Int) -> Double {
    get { elements[row * 3 + column] }
    set { elements[row * 3 + column] = newValue }
  }

  public var transposed: Matrix3x3 {
    Matrix3x3([0, 3, 6, 1, 4, 7, 2, 5, 8].map { elements[$0] })
  }

  public var determinant: Double {
    let m = elements
    return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6])
      + m[2] * (m[3] * m[7] - m[4] * m[6])
  }

  /// The inverse, or nil when the matrix is singular.
  public var inverse: Matrix3x3? {
    let m = elements, d = determinant
    guard d != 0, d.isFinite else { return nil }
    let cof = [
      m[4] * m[8] - m[5] * m[7], m[2] * m[7] - m[1] * m[8], m[1] * m[5] - m[2] * m[4],
      m[5] * m[6] - m[3] * m[8], m[0] * m[8] - m[2] * m[6], m[2] * m[3] - m[0] * m[5],
      m[3] * m[7] - m[4] * m[6], m[1] * m[6] - m[0] * m[7], m[0] * m[4] - m[1] * m[3],
    ]
    return Matrix3x3(cof.map { $0 / d })
  }

  public static func * (a: Matrix3x3, b: Matrix3x3) -> Matrix3x3 {
    var out = [Double](repeating: 0, count: 9)
    for i in 0..<3 {
      for j in 0..<3 { out[i * 3 + j] = (0..<3).reduce(0) { $0 + a[i, $1] * b[$1, j] } }
    }
    return Matrix3x3(out)
  }

  public static func * (a: Matrix3x3, v: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3((0..<3).map { i in a[i, 0] * v.x + a[i, 1] * v.y + a[i, 2] * v.z })
  }

  /// This matrix scaled to unit Frobenius norm with the sign that makes its largest-magnitude
  /// element positive: fundamental and essential matrices are only defined up to scale.
  public var normalizedUpToScale: Matrix3x3 {
    let norm = elements.reduce(0) { $0 + $1 * $1 }.squareRoot()
    let big = elements.max { abs($0) < abs($1) } ?? 1
    let s = (big < 0 ? -1 : 1) / norm
    return Matrix3x3(elements.map { $0 * s })
  }

  public var description: String {
    (0..<3).map { r in "[" + (0..<3).map { "\(self[r, $0])" }.joined(separator: ", ") + "]" }
      .joined(separator: "\n")
  }
}

/// A robustly estimated fundamental matrix and what it says about each correspondence.
public struct FundamentalEstimate: Sendable, Hashable {
  /// F with x₂ᵀ·F·x₁ = 0 (homogeneous pixel coordinates), unit Frobenius norm.
  public let matrix: Matrix3x3
  /// Per correspondence: is it an inlier of `matrix`?
  public let inliers: [Bool]
  /// Per correspondence: Sampson distance to `matrix`, in pixels.
  public let sampsonErrors: [Double]

  public var inlierCount: Int { inliers.reduce(0) { $0 + ($1 ? 1 : 0) } }
}

/// RANSAC over the normalised eight-point algorithm, deterministic for a given seed.
public struct FundamentalMatrixEstimator: Sendable, Hashable {
  /// Inliers have a Sampson distance below this, in pixels.
  public var threshold: Double = 1.0
  /// Probability of having drawn at least one all-inlier sample when iteration stops.
  public var confidence: Double = 0.999
  public var maxIterations = 5000
  public var seed: UInt64 = 0x5EED_F00D

  public init() {}

  /// F from correspondences `x1[i]` ↔ `x2[i]` (pixels), or nil with fewer than eight or when no
  /// sample gives a model.
  public func estimate(_ x1: [SIMD2<Double>], _ x2: [SIMD2<Double>]) -> FundamentalEstimate? {
    precondition(x1.count == x2.count, "correspondences come in pairs")
    let n = x1.count
    guard n >= 8 else { return nil }
    let a = x1.flatMap { [$0.x, $0.y] }, b = x2.flatMap { [$0.x, $0.y] }
    var f = [Double](repeating: 0, count: 9)
    var mask = [UInt8](repeating: 0, count: n)
    var idx = [Int32](repeating: 0, count: n)
    var err = [Double](repeating: 0, count: n)
    let found = pk_fundamental_ransac(a, b, Int32(n), threshold, confidence, Int32(maxIterations),
                                      seed, &f, &mask, &idx, &err)
    guard found > 0 else { return nil }
    let matrix = Matrix3x3(f)
    return FundamentalEstimate(matrix: matrix, inliers: mask.map { $0 != 0 },
                               sampsonErrors: EpipolarGeometry.sampsonErrors(matrix, x1, x2))
  }
}

/// The relative pose of a second camera: X₂ = R·X₁ + t (camera coordinates, OpenCV axes).
public struct RelativePose: Sendable, Hashable {
  public let rotation: Matrix3x3
  /// Unit-length: two views fix the direction of travel but not its length.
  public let translation: SIMD3<Double>
  /// How many correspondences the pose puts in front of both cameras.
  public let pointsInFront: Int

  public init(rotation: Matrix3x3, translation: SIMD3<Double>, pointsInFront: Int = 0) {
    self.rotation = rotation
    self.translation = translation
    self.pointsInFront = pointsInFront
  }
}

/// Two-view geometry: the eight-point algorithm, Sampson distance, essential matrices and pose.
///
/// Pixel coordinates follow the module's convention (pixel centres at i + 0.5); intrinsics must
/// use the same convention, so a calibration whose pixel centres sit on integers needs
/// cx + 0.5 and cy + 0.5.
public enum EpipolarGeometry {
  /// The normalised eight-point estimate of F from all correspondences (least squares), or
  /// nil when they are degenerate.
  public static func fundamental(_ x1: [SIMD2<Double>], _ x2: [SIMD2<Double>]) -> Matrix3x3? {
    precondition(x1.count == x2.count, "correspondences come in pairs")
    var f = [Double](repeating: 0, count: 9)
    let ok = pk_fundamental_eight_point(x1.flatMap { [$0.x, $0.y] }, x2.flatMap { [$0.x, $0.y] },
                                        nil, 0, Int32(x1.count), nil, &f)
    return ok != 0 ? Matrix3x3(f) : nil
  }

  /// Sampson distance of each correspondence to F, in pixels.
  public static func sampsonErrors(_ F: Matrix3x3, _ x1: [SIMD2<Double>], _ x2: [SIMD2<Double>])
    -> [Double]
  {
    var out = [Double](repeating: 0, count: x1.count)
    pk_sampson_errors(F.elements, x1.flatMap { [$0.x, $0.y] }, x2.flatMap { [$0.x, $0.y] },
                      Int32(x1.count), &out)
    return out
  }

  /// F of two calibrated cameras with X₂ = R·X₁ + t: F = K₂⁻ᵀ·[t]ₓ·R·K₁⁻¹ (unit norm).
  public static func fundamental(k1: Matrix3x3, k2: Matrix3x3, rotation: Matrix3x3,
                                 translation: SIMD3<Double>) -> Matrix3x3? {
    guard let i1 = k1.inverse, let i2 = k2.inverse else { return nil }
    return (i2.transposed * Matrix3x3.crossProduct(translation) * rotation * i1).normalizedUpToScale
  }

  /// E = K₂ᵀ·F·K₁.
  public static func essential(fundamental F: Matrix3x3, k1: Matrix3x3, k2: Matrix3x3) -> Matrix3x3 {
    var e = [Double](repeating: 0, count: 9)
    pk_essential_from_fundamental(F.elements, k1.elements, k2.elements, &e)
    return Matrix3x3(e)
  }

  /// The pose (R, unit t) that E admits with the most of the chosen correspondences in front
  /// of both cameras, or nil when E or the intrinsics are degenerate.
  public static func relativePose(essential E: Matrix3x3, k1: Matrix3x3, k2: Matrix3x3,
                                  _ x1: [SIMD2<Double>], _ x2: [SIMD2<Double>],
                                  using mask: [Bool]? = nil) -> RelativePose? {
    guard let i1 = k1.inverse, let i2 = k2.inverse else { return nil }
    func normalised(_ pts: [SIMD2<Double>], _ inv: Matrix3x3) -> [Double] {
      pts.flatMap { p -> [Double] in
        let h = inv * SIMD3(p.x, p.y, 1)
        return [h.x / h.z, h.y / h.z]
      }
    }
    var r = [Double](repeating: 0, count: 9)
    var t = [Double](repeating: 0, count: 3)
    let bytes = mask.map { $0.map { UInt8($0 ? 1 : 0) } }
    let front = pk_essential_decompose(E.elements, normalised(x1, i1), normalised(x2, i2), bytes,
                                       Int32(x1.count), &r, &t)
    guard front > 0 else { return nil }
    return RelativePose(rotation: Matrix3x3(r), translation: SIMD3(t[0], t[1], t[2]),
                        pointsInFront: Int(front))
  }

  /// `pose` refined with known intrinsics: the rotation and translation direction that minimise
  /// the Sampson distances (pixels) of the chosen correspondences to the F they imply
  /// (Levenberg–Marquardt). Use it after `relativePose` whenever K is known: with a narrow
  /// field of view an uncalibrated F fits the points equally well over a family of poses.
  /// Returns the refined pose and its RMS Sampson distance in pixels.
  public static func refinePose(_ pose: RelativePose, k1: Matrix3x3, k2: Matrix3x3,
                                _ x1: [SIMD2<Double>], _ x2: [SIMD2<Double>],
                                using mask: [Bool]? = nil, iterations: Int = 50)
    -> (pose: RelativePose, rmsSampson: Double)
  {
    var r = pose.rotation.elements
    var t = [pose.translation.x, pose.translation.y, pose.translation.z]
    let bytes = mask.map { $0.map { UInt8($0 ? 1 : 0) } }
    let rms = pk_pose_refine(x1.flatMap { [$0.x, $0.y] }, x2.flatMap { [$0.x, $0.y] }, bytes,
                             Int32(x1.count), k1.elements, k2.elements, Int32(iterations), &r, &t)
    let refined = RelativePose(rotation: Matrix3x3(r), translation: SIMD3(t[0], t[1], t[2]),
                               pointsInFront: pose.pointsInFront)
    return (refined, rms)
  }

  /// The angle of the rotation that takes `a` to `b`, in degrees (0…180).
  public static func rotationAngleDegrees(_ a: Matrix3x3, _ b: Matrix3x3) -> Double {
    pk_rotation_angle_deg(a.elements, b.elements)
  }
}
