import Analysis
import Foundation
import Media
import Testing

extension SplitMix64 {
  /// A standard normal sample (Box–Muller), for test fixtures.
  mutating func gaussian() -> Double {
    let u = Double.random(in: Double.ulpOfOne..<1, using: &self), v = Double.random(in: 0..<1, using: &self)
    return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
  }
}

@Suite struct VisionTwoViewGeometry {
  let k = Matrix3x3.intrinsics(fx: 800, fy: 800, cx: 320, cy: 240)
  let rotation = Matrix3x3.rotation(axis: SIMD3(0.2, 1, 0.1), angle: 20 * Double.pi / 180)
  let translation = SIMD3<Double>(-1.0, 0.1, 0.3)

  /// Two views of 140 random points 3–9 m away plus 60 random outliers (30 %), with 0.05 px
  /// noise on the inliers. The 1 m baseline and the depth range keep translation apart from
  /// rotation (with a short baseline and shallow scene, a turn about y mimics a slide along x).
  func scene() -> (x1: [SIMD2<Double>], x2: [SIMD2<Double>], isInlier: [Bool],
                    exact1: [SIMD2<Double>], exact2: [SIMD2<Double>]) {
    var rng = SplitMix64(seed: 7)
    var x1: [SIMD2<Double>] = [], x2: [SIMD2<Double>] = [], truth: [Bool] = []
    var exact1: [SIMD2<Double>] = [], exact2: [SIMD2<Double>] = []
    func project(_ p: SIMD3<Double>) -> SIMD2<Double> {
      let h = k * p
      return SIMD2(h.x / h.z, h.y / h.z)
    }
    while x1.count < 140 {
      let p = SIMD3(Double.random(in: -2...2, using: &rng), Double.random(in: -1.5...1.5, using: &rng),
                    Double.random(in: 3...9, using: &rng))
      let a = project(p), b = project(rotation * p + translation)
      guard (0..<640).contains(b.x), (0..<480).contains(b.y), (0..<640).contains(a.x) else { continue }
      exact1.append(a)
      exact2.append(b)
      x1.append(a + 0.05 * SIMD2(rng.gaussian(), rng.gaussian()))
      x2.append(b + 0.05 * SIMD2(rng.gaussian(), rng.gaussian()))
      truth.append(true)
    }
    for _ in 0..<60 {
      x1.append(SIMD2(Double.random(in: 0..<640, using: &rng), Double.random(in: 0..<480, using: &rng)))
      x2.append(SIMD2(Double.random(in: 0..<640, using: &rng), Double.random(in: 0..<480, using: &rng)))
      truth.append(false)
    }
    return (x1, x2, truth, exact1, exact2)
  }

  /// RANSAC finds the true inliers (a random outlier may land within the 1 px band by chance:
  /// a few at most) and the true F: the noiseless projections of every inlier are within
  /// 0.1 px Sampson of it (the observations carry 0.05 px noise); E from it gives the true
  /// rotation within 0.1° and the true translation direction within 1°.
  @Test func ransacRecoversTrueGeometryDespiteOutliers() throws {
    let s = scene()
    let estimate = try #require(FundamentalMatrixEstimator().estimate(s.x1, s.x2))
    let trueInliers = s.isInlier.indices.filter { s.isInlier[$0] }
    let found = trueInliers.filter { estimate.inliers[$0] }.count
    let falseFound = s.isInlier.indices.filter { !s.isInlier[$0] && estimate.inliers[$0] }.count
    #expect(found >= 138)
    #expect(falseFound <= 3)
    let truthF = try #require(EpipolarGeometry.fundamental(k1: k, k2: k, rotation: rotation,
                                                           translation: translation))
    // The true F is recovered: the noiseless projections of every true inlier lie within 0.1 px
    // (Sampson) of the estimated F's epipolar geometry.
    let exactErrors = EpipolarGeometry.sampsonErrors(estimate.matrix, s.exact1, s.exact2)
    let meanError = exactErrors.reduce(0, +) / Double(exactErrors.count)
    #expect(exactErrors.allSatisfy { $0 < 0.1 })
    let underTruth = EpipolarGeometry.sampsonErrors(truthF, s.x1, s.x2)
    #expect(trueInliers.allSatisfy { underTruth[$0] < 0.5 })

    let e = EpipolarGeometry.essential(fundamental: estimate.matrix, k1: k, k2: k)
    let pose = try #require(EpipolarGeometry.relativePose(essential: e, k1: k, k2: k, s.x1, s.x2,
                                                          using: estimate.inliers))
    let angle = EpipolarGeometry.rotationAngleDegrees(pose.rotation, rotation)
    let unit = translation / (translation * translation).sum().squareRoot()
    let tAngle = acos(min(1, (pose.translation * unit).sum())) * 180 / .pi
    print("synthetic two-view: \(found) of 140 inliers found, \(falseFound) outliers accepted, mean Sampson of exact projections \(meanError) px, worst \(exactErrors.max()!) px, rotation error \(angle)°, translation direction error \(tAngle)°")
    #expect(angle < 0.1)
    #expect(tAngle < 1)
    #expect(pose.pointsInFront >= 138)
  }

  /// The same seed gives the same model; RANSAC is deterministic.
  @Test func ransacIsDeterministicForASeed() {
    let s = scene()
    let a = FundamentalMatrixEstimator().estimate(s.x1, s.x2)
    let b = FundamentalMatrixEstimator().estimate(s.x1, s.x2)
    #expect(a == b)
  }

  /// Exact correspondences: the eight-point estimate equals the true F up to scale (1e-9
  /// relative, double arithmetic after Hartley normalisation).
  @Test func eightPointIsExactOnNoiselessPoints() throws {
    let p: [SIMD3<Double>] = (0..<12).map { (i: Int) -> SIMD3<Double> in
      let x = Double(i % 4) - 1.5, y = Double(i / 4) - 1, z = 5 + Double((i * 7) % 5)
      return SIMD3(x, y, z)
    }
    func project(_ q: SIMD3<Double>) -> SIMD2<Double> { let h = k * q; return SIMD2(h.x / h.z, h.y / h.z) }
    let f = try #require(EpipolarGeometry.fundamental(p.map(project), p.map { project(rotation * $0 + translation) }))
    let truth = try #require(EpipolarGeometry.fundamental(k1: k, k2: k, rotation: rotation, translation: translation))
    let diff = zip(f.normalizedUpToScale.elements, truth.elements).map { abs($0 - $1) }.max()!
    #expect(diff < 1e-9)
  }

  /// The angle between rotations is the angle of the rotation between them.
  @Test func rotationAngleBetweenKnownRotations() {
    let axis = SIMD3<Double>(1, 2, 3)
    let a = Matrix3x3.rotation(axis: axis, angle: 0.3)
    let b = Matrix3x3.rotation(axis: axis, angle: 0.3 + 22.5 * .pi / 180)
    #expect(abs(EpipolarGeometry.rotationAngleDegrees(a, b) - 22.5) < 1e-9)
    #expect(abs(EpipolarGeometry.rotationAngleDegrees(a, a)) < 1e-6)
    let tiny = Matrix3x3.rotation(axis: axis, angle: 1e-7)
    #expect(abs(EpipolarGeometry.rotationAngleDegrees(.identity, tiny) - 1e-7 * 180 / .pi) < 1e-12)
  }
}
