import CKernels

/// Shi–Tomasi ("good features to track") corners: pixels where the smaller eigenvalue of the
/// local gradient matrix is a local maximum, strong enough, and far enough from stronger ones.
public struct CornerDetector: Sendable, Hashable {
  /// At most this many corners, strongest first.
  public var maxCorners = 500
  /// A corner's score must be at least this fraction of the strongest score.
  public var quality: Double = 0.01
  /// Corners closer than this many pixels to a stronger one are dropped.
  public var minDistance: Double = 8
  /// The gradient matrix sums over a (2·radius + 1)² box.
  public var blockRadius = 2
  /// Corners nearer the edge than this many pixels are not reported.
  public var border = 4

  public init() {}

  /// Corner centres (pixel centres, i + 0.5), strongest first.
  public func detect(in image: GreyImage) -> [SIMD2<Double>] {
    let (gx, gy) = image.gradients()
    let n = image.width * image.height
    var score = [Float](repeating: 0, count: n)
    var scratch = [Float](repeating: 0, count: 4 * n)
    pk_min_eigen(gx.pixels, gy.pixels, image.width, Int32(image.width), Int32(image.height),
                 Int32(blockRadius), &score, image.width, &scratch)
    var xy = [Float](repeating: 0, count: 2 * maxCorners)
    var pairs = [Int32](repeating: 0, count: 2 * n)
    var mask = [UInt8](repeating: 0, count: n)
    let found = pk_select_corners(score, image.width, Int32(image.width), Int32(image.height),
                                  Float(quality), Float(minDistance), Int32(border),
                                  Int32(maxCorners), &xy, nil, &pairs, &mask)
    return (0..<Int(found)).map { SIMD2(Double(xy[2 * $0]), Double(xy[2 * $0 + 1])) }
  }
}

/// Where a point went from one frame to the next.
public struct PointTrack: Sendable, Hashable {
  /// The position in the second frame (meaningful when `isTracked`).
  public var position: SIMD2<Double>
  /// True when tracking converged, stayed in the image, and (if checked) tracking back from
  /// `position` returned within the forward–backward threshold of the start.
  public var isTracked: Bool
  /// Distance in pixels between the start and the point tracked forward then back; infinity
  /// when either direction failed.
  public var forwardBackwardError: Double
  /// Mean absolute grey difference of the final window (0…255 scale).
  public var residual: Double
}

/// Pyramidal Lucas–Kanade point tracking (Bouguet) with a forward–backward check.
public struct LucasKanadeTracker: Sendable, Hashable {
  /// Window radius: the window is (2·radius + 1)² pixels, at most 31².
  public var windowRadius = 7
  /// Pyramid levels to use (the pyramids passed in may have more or fewer).
  public var levels = 4
  public var maxIterations = 30
  /// Stop iterating when an update is below this, in pixels.
  public var epsilon: Double = 0.01
  /// A window whose gradient matrix has a smaller eigenvalue per pixel below this, in
  /// (grey levels per pixel)², is too flat to track.
  public var minEigenvalue: Double = 0.05
  /// Tracks whose forward–backward error exceeds this many pixels are marked lost; nil skips
  /// the backward pass.
  public var forwardBackwardThreshold: Double? = 1.0
  /// After the pyramid, refine at full resolution with a window that may shear and scale
  /// (affine Lucas–Kanade): slower, but unbiased where a surface turns between the frames,
  /// as in camera orbits of several degrees a frame.
  public var affine = false

  public init() {}

  /// Tracks `points` from the frame of `from` to the frame of `to`. `guesses` (one per point)
  /// start the search somewhere other than the point's own position, e.g. at a match found by
  /// `PatchMatcher`, to refine it to sub-pixel precision; the backward pass then starts from the
  /// original point.
  public func track(_ points: [SIMD2<Double>], from: ImagePyramid, to: ImagePyramid,
                    guesses: [SIMD2<Double>]? = nil) -> [PointTrack]
  {
    precondition(guesses == nil || guesses!.count == points.count, "one guess per point")
    let start = points.flatMap { [Float($0.x), Float($0.y)] }
    let guess = guesses.map { $0.flatMap { [Float($0.x), Float($0.y)] } } ?? start
    let (forward, ok, residual) = run(start, guess: guess, from: from, to: to)
    var back: [Float] = []
    var backOK: [UInt8] = []
    if forwardBackwardThreshold != nil {
      (back, backOK, _) = run(forward, guess: guesses == nil ? forward : start, from: to, to: from)
    }
    return points.indices.map { i in
      let position = SIMD2(Double(forward[2 * i]), Double(forward[2 * i + 1]))
      var error = Double.infinity
      var tracked = ok[i] != 0
      if let limit = forwardBackwardThreshold {
        if tracked && backOK[i] != 0 {
          error = ((Double(back[2 * i]) - points[i].x) * (Double(back[2 * i]) - points[i].x)
            + (Double(back[2 * i + 1]) - points[i].y) * (Double(back[2 * i + 1]) - points[i].y))
            .squareRoot()
        }
        tracked = tracked && error <= limit
      }
      return PointTrack(position: position, isTracked: tracked, forwardBackwardError: error,
                        residual: Double(residual[i]))
    }
  }

  private func run(_ start: [Float], guess: [Float], from: ImagePyramid, to: ImagePyramid)
    -> (to: [Float], status: [UInt8], residual: [Float])
  {
    let count = start.count / 2
    var out = guess
    var status = [UInt8](repeating: 0, count: count)
    var residual = [Float](repeating: 0, count: count)
    let depth = Int32(max(1, min(levels, from.count, to.count)))
    from.withViews { a, ax, ay in
      to.withViews { b, _, _ in
        pk_lk_track(a, ax, ay, b, depth, start, &out, Int32(count), Int32(windowRadius),
                    Int32(maxIterations), Float(epsilon), Float(minEigenvalue), &status,
                    &residual)
        guard affine else { return }
        var refined = [UInt8](repeating: 0, count: count)
        pk_lk_refine_affine(a, ax, ay, b, start, &out, Int32(count), Int32(windowRadius),
                            Int32(maxIterations), Float(epsilon), Float(minEigenvalue), nil,
                            &refined, &residual)
        for i in 0..<count { status[i] &= refined[i] }
      }
    }
    return (out, status, residual)
  }
}

/// Matches points between two images by normalised cross-correlation of square patches,
/// keeping mutual best matches that are clearly better than the runner-up.
public struct PatchMatcher: Sendable, Hashable {
  /// Patches are (2·radius + 1)² pixels.
  public var patchRadius = 7
  /// Only points within this many pixels of each other are compared.
  public var maxDistance: Double = 200
  /// The smallest correlation accepted (1 is a perfect match).
  public var minScore: Double = 0.8
  /// The best correlation must beat the second best by at least this much (both ways).
  public var minMargin: Double = 0.02

  public init() {}

  /// Pairs (index in `a`, index in `b`), in the order of `a`.
  public func match(_ a: [SIMD2<Double>], in imageA: GreyImage, _ b: [SIMD2<Double>],
                    in imageB: GreyImage) -> [(Int, Int)] {
    let dim = (2 * patchRadius + 1) * (2 * patchRadius + 1)
    let xyA = a.flatMap { [Float($0.x), Float($0.y)] }
    let xyB = b.flatMap { [Float($0.x), Float($0.y)] }
    func describe(_ xy: [Float], _ image: GreyImage) -> [Float] {
      var d = [Float](repeating: 0, count: xy.count / 2 * dim)
      pk_patch_descriptors(image.pixels, image.width, Int32(image.width), Int32(image.height), xy,
                           Int32(xy.count / 2), Int32(patchRadius), &d)
      return d
    }
    let dA = describe(xyA, imageA), dB = describe(xyB, imageB)
    func best(_ d1: [Float], _ p1: [Float], _ d2: [Float], _ p2: [Float])
      -> (index: [Int32], score: [Float], second: [Float])
    {
      let n = p1.count / 2
      var index = [Int32](repeating: -1, count: n)
      var score = [Float](repeating: 0, count: n)
      var second = [Float](repeating: 0, count: n)
      pk_match_descriptors(d1, p1, Int32(n), d2, p2, Int32(p2.count / 2), Int32(dim),
                           Float(maxDistance), &index, &score, &second)
      return (index, score, second)
    }
    let ab = best(dA, xyA, dB, xyB), ba = best(dB, xyB, dA, xyA)
    var pairs: [(Int, Int)] = []
    for i in a.indices {
      let j = Int(ab.index[i])
      guard j >= 0, Int(ba.index[j]) == i else { continue }
      guard Double(ab.score[i]) >= minScore,
        Double(ab.score[i] - ab.second[i]) >= minMargin,
        Double(ba.score[j] - ba.second[j]) >= minMargin
      else { continue }
      pairs.append((i, j))
    }
    return pairs
  }
}
