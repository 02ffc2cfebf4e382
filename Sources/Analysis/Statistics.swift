/// The middle value (mean of the two middle ones for an even count); nil when empty.
func median(_ values: [Double]) -> Double? {
  guard !values.isEmpty else { return nil }
  let s = values.sorted()
  let m = s.count / 2
  return s.count % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2
}

/// Least-squares fit of y = a + b·t + c·t², with the standard uncertainty of c.
public struct QuadraticFit: Sendable, Hashable {
  public let a: Double
  public let b: Double
  public let c: Double
  /// Standard uncertainty of c from the fit's covariance, σ²·(XᵀX)⁻¹ with σ² the residual
  /// variance over n − 3 degrees of freedom; nil with only three points.
  public let cUncertainty: Double?
  /// Root mean square of the residuals, in the unit of y.
  public let rmsResidual: Double
  public let residuals: [Double]

  /// Fits `y` over `t`; nil with fewer than three points or when the times do not span
  /// three distinct values.
  public init?(t: [Double], y: [Double]) {
    precondition(t.count == y.count, "fit needs as many times as values")
    let n = t.count
    guard n >= 3 else { return nil }
    // Centring t keeps the normal equations well conditioned; c does not depend on it.
    let t0 = t.reduce(0, +) / Double(n)
    var s = [Double](repeating: 0, count: 5)
    var r = [Double](repeating: 0, count: 3)
    for (ti, yi) in zip(t, y) {
      let u = ti - t0
      var p = 1.0
      for k in 0..<5 {
        s[k] += p
        if k < 3 { r[k] += p * yi }
        p *= u
      }
    }
    let m = [[s[0], s[1], s[2]], [s[1], s[2], s[3]], [s[2], s[3], s[4]]]
    guard let inv = invert3(m) else { return nil }
    let coef = (0..<3).map { i in (0..<3).reduce(0.0) { $0 + inv[i][$1] * r[$1] } }
    let (ac, bc, cc) = (coef[0], coef[1], coef[2])
    // Back from centred u = t − t0 to t.
    a = ac - bc * t0 + cc * t0 * t0
    b = bc - 2 * cc * t0
    c = cc
    residuals = zip(t, y).map { ti, yi in
      let u = ti - t0
      return yi - (ac + bc * u + cc * u * u)
    }
    let rss = residuals.reduce(0) { $0 + $1 * $1 }
    rmsResidual = (rss / Double(n)).squareRoot()
    cUncertainty = n > 3 ? (rss / Double(n - 3) * inv[2][2]).squareRoot() : nil
  }

  public func callAsFunction(_ t: Double) -> Double { a + b * t + c * t * t }
}

/// Inverse of a 3×3 matrix by cofactors; nil when it is singular to working precision.
private func invert3(_ m: [[Double]]) -> [[Double]]? {
  let c00 = m[1][1] * m[2][2] - m[1][2] * m[2][1]
  let c01 = m[1][2] * m[2][0] - m[1][0] * m[2][2]
  let c02 = m[1][0] * m[2][1] - m[1][1] * m[2][0]
  let det = m[0][0] * c00 + m[0][1] * c01 + m[0][2] * c02
  let scale = m.flatMap { $0 }.map(abs).max() ?? 0
  guard scale > 0, abs(det) > 1e-12 * scale * scale * scale else { return nil }
  let inv = [
    [c00, m[0][2] * m[2][1] - m[0][1] * m[2][2], m[0][1] * m[1][2] - m[0][2] * m[1][1]],
    [c01, m[0][0] * m[2][2] - m[0][2] * m[2][0], m[0][2] * m[1][0] - m[0][0] * m[1][2]],
    [c02, m[0][1] * m[2][0] - m[0][0] * m[2][1], m[0][0] * m[1][1] - m[0][1] * m[1][0]],
  ]
  return inv.map { $0.map { $0 / det } }
}
