/// Correspondences between two views of a rigid scene, with the fundamental matrix they support.
public struct TwoViewMatch: Sendable {
  /// Points in the first view (corner centres) and where they are in the second, sub-pixel.
  public let points1: [SIMD2<Double>]
  public let points2: [SIMD2<Double>]
  /// RANSAC's F over these correspondences, with inliers and Sampson errors per pair.
  public let fundamental: FundamentalEstimate

  /// The relative pose of the second camera for known intrinsics: E = K2ᵀ·F·K1, the
  /// decomposition with most inliers in front of both cameras, then refinement of (R, t) on
  /// the inliers. Also the RMS Sampson distance (pixels) of the inliers under the refined pose.
  public func relativePose(k1: Matrix3x3, k2: Matrix3x3) -> (pose: RelativePose, rmsSampson: Double)? {
    let e = EpipolarGeometry.essential(fundamental: fundamental.matrix, k1: k1, k2: k2)
    guard let pose = EpipolarGeometry.relativePose(essential: e, k1: k1, k2: k2, points1, points2,
                                                   using: fundamental.inliers)
    else { return nil }
    return EpipolarGeometry.refinePose(pose, k1: k1, k2: k2, points1, points2,
                                       using: fundamental.inliers)
  }
}

/// Finds correspondences between two views that may be tens of degrees apart (a camera orbit),
/// where plain tracking fails: the surfaces turn, so windows shear and shading changes.
///
/// 1. Shi–Tomasi corners in both views, matched by normalised cross-correlation (mutual best,
///    clear margin) within `matcher.maxDistance`.
/// 2. Each match refined to sub-pixel by Lucas–Kanade from its match, with an affine window
///    and gain/bias fit, and a forward–backward check; RANSAC on those gives seed inliers.
/// 3. Guided densification: every corner of the first view is predicted from the median
///    displacement of its nearest seeds and refined the same way; RANSAC on all of them.
/// Step 3 matters: with a narrow field of view the pose is weakly determined, and the several
/// hundred precise correspondences it adds are what pin it down.
public struct TwoViewMatcher: Sendable, Hashable {
  public var corners: CornerDetector
  public var matcher: PatchMatcher
  public var tracker: LucasKanadeTracker
  public var ransac: FundamentalMatrixEstimator
  /// Seeds used to predict each corner's displacement.
  public var neighbours = 6
  /// A refined point may end at most this far from its prediction, in pixels.
  public var maxRefinementShift: Double = 3

  public init() {
    corners = CornerDetector()
    corners.maxCorners = 1500
    corners.minDistance = 5
    corners.border = 8
    matcher = PatchMatcher()
    matcher.patchRadius = 5
    matcher.maxDistance = 150
    tracker = LucasKanadeTracker()
    tracker.windowRadius = 4
    tracker.levels = 2
    tracker.affine = true
    tracker.forwardBackwardThreshold = 0.5
    ransac = FundamentalMatrixEstimator()
  }

  /// Correspondences from `first` to `second`, or nil when too few survive for a model.
  public func match(_ first: GreyImage, _ second: GreyImage) -> TwoViewMatch? {
    let c1 = corners.detect(in: first), c2 = corners.detect(in: second)
    let pyramid1 = ImagePyramid(first, levels: tracker.levels)
    let pyramid2 = ImagePyramid(second, levels: tracker.levels)
    let pairs = matcher.match(c1, in: first, c2, in: second)
    let (s1, s2) = refine(pairs.map { c1[$0.0] }, guesses: pairs.map { c2[$0.1] }, pyramid1, pyramid2)
    guard let seedModel = ransac.estimate(s1, s2) else { return nil }
    let seeds = seedModel.inliers.indices.filter { seedModel.inliers[$0] }
      .map { (s1[$0], s2[$0] - s1[$0]) }
    let guesses = c1.map { $0 + predictedShift(at: $0, seeds: seeds) }
    let (x1, x2) = refine(c1, guesses: guesses, pyramid1, pyramid2)
    guard let model = ransac.estimate(x1, x2) else { return nil }
    return TwoViewMatch(points1: x1, points2: x2, fundamental: model)
  }

  /// Points tracked from `guesses` that stay within `maxRefinementShift` of them.
  private func refine(_ points: [SIMD2<Double>], guesses: [SIMD2<Double>], _ a: ImagePyramid,
                      _ b: ImagePyramid) -> ([SIMD2<Double>], [SIMD2<Double>]) {
    let tracks = tracker.track(points, from: a, to: b, guesses: guesses)
    let limit = maxRefinementShift * maxRefinementShift
    let kept = tracks.indices.filter { i in
      let d = tracks[i].position - guesses[i]
      return tracks[i].isTracked && (d * d).sum() <= limit
    }
    return (kept.map { points[$0] }, kept.map { tracks[$0].position })
  }

  /// Component-wise median displacement of the `neighbours` seeds nearest to `p`.
  private func predictedShift(at p: SIMD2<Double>, seeds: [(SIMD2<Double>, SIMD2<Double>)])
    -> SIMD2<Double>
  {
    guard !seeds.isEmpty else { return .zero }
    var nearest: [(d: Double, shift: SIMD2<Double>)] = []
    for (q, shift) in seeds {
      let d = ((q - p) * (q - p)).sum()
      if nearest.count < neighbours {
        nearest.append((d, shift))
      } else if let worst = nearest.indices.max(by: { nearest[$0].d < nearest[$1].d }),
        d < nearest[worst].d
      {
        nearest[worst] = (d, shift)
      }
    }
    let xs = nearest.map(\.shift.x).sorted(), ys = nearest.map(\.shift.y).sorted()
    return SIMD2(xs[xs.count / 2], ys[ys.count / 2])
  }
}
