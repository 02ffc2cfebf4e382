import CKernels
import Foundation

/// What two frames of a static scene say about its rigidity and the camera between them.
struct PairGeometry: Sendable {
  let first: Int
  let second: Int
  /// Correspondences the pair was judged on.
  let count: Int
  /// Median Sampson distance of RANSAC's inliers to its F, in pixels.
  let inlierSampson: Double
  /// Median Sampson distance of every correspondence to that F, in pixels: a scene that is
  /// rigid only in parts shows here even when RANSAC keeps the rigid part.
  let allSampson: Double
  let inlierRatio: Double
  /// The 90th percentile of every correspondence's Sampson distance, in pixels: objects that
  /// jitter against a rigid floor are a minority RANSAC leaves out, and they show here.
  let upperSampson: Double
  /// The camera's rotation from the first frame to the second, estimated with the scenario's
  /// intrinsics (E = KᵀFK, cheirality, calibrated refinement); nil when it could not be.
  let rotation: Matrix3x3?
  /// RMS Sampson distance of the inliers under that calibrated pose, in pixels: larger than
  /// `inlierSampson` when the intrinsics are not what the scenario says (a zoom).
  let calibratedSampson: Double?

  /// Judges correspondences `x1` ↔ `x2` of frames `first` and `second`; nil with too few
  /// for a fundamental matrix.
  init?(first: Int, second: Int, _ x1: [SIMD2<Double>], _ x2: [SIMD2<Double>], k: Matrix3x3,
        ransac: FundamentalMatrixEstimator) {
    guard x1.count >= 12, let f = ransac.estimate(x1, x2), f.inlierCount >= 8 else { return nil }
    self.first = first
    self.second = second
    count = x1.count
    let inliers = f.inliers.indices.filter { f.inliers[$0] }
    inlierSampson = median(inliers.map { f.sampsonErrors[$0] }) ?? 0
    allSampson = median(f.sampsonErrors.filter(\.isFinite)) ?? 0
    inlierRatio = Double(inliers.count) / Double(x1.count)
    let sorted = f.sampsonErrors.map { $0.isFinite ? $0 : 1e6 }.sorted()
    upperSampson = sorted[Int(Double(sorted.count - 1) * 0.9)]
    let match = TwoViewMatch(points1: x1, points2: x2, fundamental: f)
    if let pose = match.relativePose(k1: k, k2: k), pose.rmsSampson.isFinite,
      pose.pose.rotation.elements.allSatisfy(\.isFinite)
    {
      rotation = pose.pose.rotation
      calibratedSampson = pose.rmsSampson
    } else {
      rotation = nil
      calibratedSampson = nil
    }
  }
}

enum ConsistencyGeometry {
  /// The ratio by which distances between points grow from `x1` to `x2` (1 when the image
  /// scale is unchanged): the median over pairs of points half the list apart, of those at
  /// least `minSpan` pixels apart. A camera that turns or slides keeps it near 1 and changes
  /// it smoothly; a change of focal length scales every distance at once. nil with too few.
  static func scaleChange(_ x1: [SIMD2<Double>], _ x2: [SIMD2<Double>], minSpan: Double = 20)
    -> Double?
  {
    let n = x1.count
    guard n >= 10 else { return nil }
    var ratios: [Double] = []
    for i in 0..<n {
      let j = (i + n / 2) % n
      let d1 = (x1[i] - x1[j]).length
      guard d1 >= minSpan else { continue }
      ratios.append((x2[i] - x2[j]).length / d1)
    }
    return ratios.count >= 5 ? median(ratios) : nil
  }

  /// The rotation angle, in degrees, that best turns the viewing rays of `x1` onto those of
  /// `x2` (Horn's quaternion solution of the least-squares rotation; then once more without
  /// the rays more than three times the median angle off): the camera's turn between two
  /// views taken from about the same place, where F is undetermined. nil with too few points.
  static func rotationBetweenRays(_ x1: [SIMD2<Double>], _ x2: [SIMD2<Double>], k: Matrix3x3)
    -> Double?
  {
    guard x1.count >= 3, let inverse = k.inverse else { return nil }
    func ray(_ p: SIMD2<Double>) -> SIMD3<Double> {
      let r = inverse * SIMD3(p.x, p.y, 1)
      return r / (r * r).sum().squareRoot()
    }
    let a = x1.map(ray), b = x2.map(ray)
    guard var q = hornQuaternion(a, b, Array(a.indices)) else { return nil }
    let residual = a.indices.map { i in angle(rotate(a[i], by: q), b[i]) }
    let limit = 3 * (median(residual) ?? 0) + 1e-9
    let kept = a.indices.filter { residual[$0] <= limit }
    if kept.count >= 3, let refined = hornQuaternion(a, b, kept) { q = refined }
    return 2 * acos(min(1, abs(q.w))) * 180 / .pi
  }

  private struct Quaternion {
    var w: Double, v: SIMD3<Double>
  }

  private static func hornQuaternion(_ a: [SIMD3<Double>], _ b: [SIMD3<Double>], _ use: [Int])
    -> Quaternion?
  {
    var s = [Double](repeating: 0, count: 9)
    for i in use {
      for r in 0..<3 { for c in 0..<3 { s[r * 3 + c] += a[i][r] * b[i][c] } }
    }
    let (xx, xy, xz, yx, yy, yz, zx, zy, zz) = (s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8])
    var n = [
      xx + yy + zz, yz - zy, zx - xz, xy - yx,
      yz - zy, xx - yy - zz, xy + yx, zx + xz,
      zx - xz, xy + yx, -xx + yy - zz, yz + zy,
      xy - yx, zx + xz, yz + zy, -xx - yy + zz,
    ]
    var values = [Double](repeating: 0, count: 4)
    var vectors = [Double](repeating: 0, count: 16)
    pk_jacobi_eigen(&n, 4, &values, &vectors)
    // Ascending: the last row is the eigenvector of the largest eigenvalue.
    let q = Quaternion(w: vectors[12], v: SIMD3(vectors[13], vectors[14], vectors[15]))
    let norm = (q.w * q.w + (q.v * q.v).sum()).squareRoot()
    guard norm > 0, norm.isFinite else { return nil }
    return Quaternion(w: q.w / norm, v: q.v / norm)
  }

  private static func rotate(_ p: SIMD3<Double>, by q: Quaternion) -> SIMD3<Double> {
    let t = 2 * cross(q.v, p)
    return p + q.w * t + cross(q.v, t)
  }

  private static func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
  }

  private static func angle(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double {
    acos(max(-1, min(1, (a * b).sum())))
  }
}
