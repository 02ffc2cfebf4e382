import Analysis
import Foundation
import Media
import Testing

/// A smooth analytic texture, so a moved copy can be rendered exactly at every pixel centre.
private func texture(_ p: SIMD2<Double>) -> Double {
  128 + 45 * sin(0.31 * p.x + 0.12 * p.y) + 35 * cos(0.23 * p.y - 0.17 * p.x)
    + 20 * sin(0.07 * p.x * 0.9 + 0.41 * p.y)
}

/// An image whose pixel (i, j) is `f` at its centre (i + 0.5, j + 0.5).
private func render(width: Int, height: Int, _ f: (SIMD2<Double>) -> Double) -> GreyImage {
  var img = GreyImage(width: width, height: height)
  for y in 0..<height { for x in 0..<width { img[x, y] = Float(f(SIMD2(Double(x) + 0.5, Double(y) + 0.5))) } }
  return img
}

private func distance(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> Double { ((a - b) * (a - b)).sum().squareRoot() }

@Suite struct VisionKernels {
  /// A ramp of slope 3 across and 2 down has Scharr derivatives exactly 3 and 2 away from the
  /// border (the kernel is normalised to unit slope; float sums of small integers are exact).
  @Test func scharrOfARampIsItsSlope() {
    let ramp = render(width: 12, height: 10) { 3 * $0.x + 2 * $0.y }
    let (gx, gy) = ramp.gradients()
    for y in 1..<9 { for x in 1..<11 { #expect(gx[x, y] == 3 && gy[x, y] == 2) } }
  }

  /// Blurring keeps a flat image flat and the mass of an interior spike (normalised taps;
  /// 1e-4 for float rounding).
  @Test func blurKeepsMass() {
    var spike = GreyImage(width: 31, height: 31)
    spike[15, 15] = 1000
    let blurred = spike.blurred(sigma: 2)
    #expect(abs(blurred.pixels.reduce(0, +) - 1000) < 1e-4 * 1000)
    let flat = GreyImage(width: 9, height: 7, fill: 77).blurred(sigma: 1.5)
    #expect(flat.pixels.allSatisfy { abs($0 - 77) < 1e-4 })
  }

  /// Halving maps a point (x, y) to exactly (x/2, y/2): the intensity centroid of a Gaussian
  /// blob at (21.3, 17.8) lands at (10.65, 8.9) within 0.02 px (the binomial filter is
  /// symmetric about the new pixel centres; the residue is sampling of the blob).
  @Test func pyramidHalvesCoordinatesExactly() {
    let c = SIMD2(21.3, 17.8)
    let blob = render(width: 48, height: 40) { 200 * exp(-((($0 - c) * ($0 - c)).sum()) / 18) }
    let half = ImagePyramid(blob, levels: 2, minSide: 4)[1]
    var m = 0.0, sx = 0.0, sy = 0.0
    for y in 0..<half.height { for x in 0..<half.width {
      let v = Double(half[x, y]); m += v; sx += v * (Double(x) + 0.5); sy += v * (Double(y) + 0.5)
    } }
    #expect(half.width == 24 && half.height == 20)
    #expect(distance(SIMD2(sx / m, sy / m), c / 2) < 0.02)
  }

  /// Bilinear sampling at a pixel centre returns the pixel; halfway between two, their mean.
  @Test func bilinearSamplingUsesPixelCentres() {
    let img = GreyImage(width: 2, height: 1, pixels: [10, 30])
    #expect(img.sample(x: 0.5, y: 0.5) == 10)
    #expect(img.sample(x: 1.0, y: 0.5) == 20)
    #expect(img.sample(x: -3, y: 0.5) == 10)
  }

  /// The four corners of a bright rectangle spanning [20, 44) × [16, 40) are the only four
  /// Shi–Tomasi corners, each within 2.5 px of the true corner: the smaller eigenvalue peaks
  /// where the 5×5 block holds both edges in full, about the block radius inside the corner
  /// (measured 1.5 px along each axis), a known localisation bias of the detector.
  @Test func cornersOfARectangleAreFound() {
    let rect = render(width: 64, height: 56) { (20..<44).contains($0.x) && (16..<40).contains($0.y) ? 220 : 20 }
    var detector = CornerDetector()
    detector.quality = 0.2
    let found = detector.detect(in: rect)
    #expect(found.count == 4)
    for truth in [SIMD2(20.0, 16.0), SIMD2(44.0, 16.0), SIMD2(20.0, 40.0), SIMD2(44.0, 40.0)] {
      #expect(found.contains { distance($0, truth) < 2.5 }, "no corner near \(truth)")
    }
  }

  /// Pyramidal LK follows an exact sub-pixel shift of (2.3, −1.6) px to within 0.02 px
  /// (bilinear interpolation of a smooth texture is the only error), and tracking back returns
  /// to the start within 0.05 px.
  @Test func lucasKanadeRecoversASubPixelShift() {
    let d = SIMD2(2.3, -1.6)
    let a = render(width: 96, height: 80, texture), b = render(width: 96, height: 80) { texture($0 - d) }
    let points = [SIMD2(30.5, 30.5), SIMD2(48.5, 40.5), SIMD2(60.5, 25.5), SIMD2(40.5, 55.5)]
    let tracks = LucasKanadeTracker().track(points, from: ImagePyramid(a, levels: 3), to: ImagePyramid(b, levels: 3))
    for (p, t) in zip(points, tracks) {
      #expect(t.isTracked)
      #expect(distance(t.position, p + d) < 0.02)
      #expect(t.forwardBackwardError < 0.05)
    }
  }

  /// Under a 15 % stretch with shear the affine refinement lands within 0.1 px of the true
  /// position from a guess 1 px off (measured 0.06 px: bilinear interpolation of a texture with
  /// periods down to 15 px), and at least three times closer than a translation-only window,
  /// which the stretch biases (measured 0.39 px).
  @Test func affineRefinementFollowsAStretchedSurface() {
    let centre = SIMD2(48.0, 40.0), d = SIMD2(0.7, -0.4)
    // Content at x in the first image is at centre + A·(x − centre) + d in the second.
    let (a11, a12, a21, a22) = (1.15, 0.08, 0.05, 0.95)
    let det = a11 * a22 - a12 * a21
    let b = render(width: 96, height: 80) { q in
      let r = q - centre - d
      return texture(centre + SIMD2((a22 * r.x - a12 * r.y) / det, (a11 * r.y - a21 * r.x) / det))
    }
    let a = render(width: 96, height: 80, texture)
    let points = [SIMD2(36.5, 30.5), SIMD2(58.5, 44.5), SIMD2(44.5, 52.5)]
    let truth = points.map { p -> SIMD2<Double> in
      let r = p - centre
      return centre + SIMD2(a11 * r.x + a12 * r.y, a21 * r.x + a22 * r.y) + d
    }
    var tracker = LucasKanadeTracker()
    tracker.levels = 1
    tracker.affine = true
    tracker.forwardBackwardThreshold = nil
    let guesses = truth.map { $0 + SIMD2(0.8, -0.6) }
    let pa = ImagePyramid(a, levels: 1), pb = ImagePyramid(b, levels: 1)
    let affine = tracker.track(points, from: pa, to: pb, guesses: guesses)
    tracker.affine = false
    let plain = tracker.track(points, from: pa, to: pb, guesses: guesses)
    let affineError = zip(affine, truth).map { distance($0.position, $1) }.max()!
    let plainError = zip(plain, truth).map { distance($0.position, $1) }.max()!
    print("stretched surface: affine LK error \(affineError) px, translation-only \(plainError) px")
    #expect(affine.allSatisfy { $0.isTracked })
    #expect(affineError < 0.1)
    #expect(3 * affineError < plainError)
  }

  /// Dense flow of an exact translation (1.5, −0.75) px, away from the border (where content
  /// leaves the frame): mean endpoint error under 0.03 px and none above 0.1 px (measured 0.022
  /// and 0.075; a quadratic fit of a texture with periods down to 15 px is not exact).
  @Test func denseFlowRecoversATranslation() {
    let d = SIMD2(1.5, -0.75)
    let a = render(width: 96, height: 80, texture), b = render(width: 96, height: 80) { texture($0 - d) }
    let flow = FarnebackFlow().flow(from: a, to: b)
    var worst = 0.0, sum = 0.0
    for y in 12..<68 { for x in 12..<84 {
      let v = flow[x, y]
      let e = distance(SIMD2(Double(v.x), Double(v.y)), d)
      worst = max(worst, e)
      sum += e
    } }
    #expect(sum / Double(56 * 72) < 0.03)
    #expect(worst < 0.1)
  }

  /// Forward–backward consistency: a flow and its exact inverse give 0; an inverse that falls
  /// 1 px short gives 1 px everywhere.
  @Test func forwardBackwardErrorMeasuresDisagreement() {
    func uniform(_ u: Float, _ v: Float) -> FlowField {
      FlowField(width: 8, height: 6, vectors: (0..<48).flatMap { _ in [u, v] })
    }
    #expect(uniform(2, -1).forwardBackwardError(uniform(-2, 1)).pixels.allSatisfy { $0 == 0 })
    #expect(uniform(2, 0).forwardBackwardError(uniform(-1, 0)).pixels.allSatisfy { abs($0 - 1) < 1e-6 })
  }

  /// An eight-point F from noisy, inconsistent correspondences is still singular: rank 2 is
  /// enforced, so det F ≈ 0 for ‖F‖ = 1 (1e-12 for double rounding).
  @Test func estimatedFundamentalMatrixHasRankTwo() throws {
    var rng = SplitMix64(seed: 11)
    let x1 = (0..<20).map { _ in SIMD2(Double.random(in: 0..<640, using: &rng), Double.random(in: 0..<480, using: &rng)) }
    let x2 = x1.map { $0 + SIMD2(Double.random(in: -20..<20, using: &rng), Double.random(in: -5..<5, using: &rng)) }
    let f = try #require(EpipolarGeometry.fundamental(x1, x2))
    #expect(abs(f.determinant) < 1e-12)
  }
}
