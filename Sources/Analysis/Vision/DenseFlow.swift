import CKernels

/// A dense motion field: for every pixel of one frame, where its content is in the next, as a
/// displacement (u right, v down) in pixels.
public struct FlowField: Sendable, Equatable {
  public let width: Int
  public let height: Int
  /// u, v interleaved, row-major.
  public internal(set) var vectors: [Float]

  public init(width: Int, height: Int, vectors: [Float]) {
    precondition(vectors.count == 2 * width * height, "flow buffer does not match \(width)×\(height)")
    self.width = width
    self.height = height
    self.vectors = vectors
  }

  /// Zero motion everywhere.
  public init(width: Int, height: Int) {
    self.init(width: width, height: height, vectors: [Float](repeating: 0, count: 2 * width * height))
  }

  public subscript(x: Int, y: Int) -> SIMD2<Float> {
    get { SIMD2(vectors[2 * (y * width + x)], vectors[2 * (y * width + x) + 1]) }
    set {
      vectors[2 * (y * width + x)] = newValue.x
      vectors[2 * (y * width + x) + 1] = newValue.y
    }
  }

  /// Forward–backward inconsistency per pixel, in pixels: |f(p) + b(p + f(p))| with this field
  /// as f and `backward` (the flow from the next frame back) as b. Near zero where both agree;
  /// large at occlusions and failures.
  public func forwardBackwardError(_ backward: FlowField) -> GreyImage {
    precondition(backward.width == width && backward.height == height, "flow sizes differ")
    var err = [Float](repeating: 0, count: width * height)
    pk_flow_fb_error(vectors, backward.vectors, 2 * width, Int32(width), Int32(height), &err, width)
    return GreyImage(width: width, height: height, pixels: err)
  }
}

/// Dense optical flow by Farnebäck's polynomial expansion (2003), coarse to fine.
///
/// Each level fits a quadratic polynomial to every pixel's neighbourhood in both frames; the
/// displacement that maps one polynomial onto the other is solved in the least-squares sense
/// over a Gaussian neighbourhood, several times per level with the second frame's expansion
/// re-sampled at the current estimate, and the field is median-filtered between iterations.
/// Chosen over TV-L1 for cost: a few separable filters per iteration, no inner solver loop,
/// so it stays fast even in debug builds, and it meets the accuracy we need on Middlebury
/// (see the RubberWhale test).
public struct FarnebackFlow: Sendable, Hashable {
  /// Pyramid levels (motion up to about 2^levels pixels is recovered).
  public var levels = 4
  /// Defaults were chosen on Middlebury RubberWhale (mean endpoint error 0.20 px, RMSE 0.55 px);
  /// a wider window (σ 3–4) or applicability (σ 1.5) smooths motion edges and costs accuracy.
  /// Gaussian applicability of the polynomial fit and its radius.
  public var polySigma: Double = 1.1
  public var polyRadius = 4
  /// Gaussian neighbourhood over which displacement constraints are averaged.
  public var windowSigma: Double = 2
  public var iterations = 4
  /// Pull of textureless pixels towards the current estimate (grey levels²/px⁴).
  public var lambda: Double = 1e-2
  /// 3×3 median of the field after each iteration.
  public var medianFilter = true

  public init() {}

  /// The flow from `first` to `second` (same size).
  public func flow(from first: GreyImage, to second: GreyImage) -> FlowField {
    precondition(first.width == second.width && first.height == second.height,
                 "flow needs two frames of one size")
    let a = ImagePyramid(first, levels: levels, minSide: 8)
    let b = ImagePyramid(second, levels: levels, minSide: 8)
    let windows = GreyImage.gaussianWeights(sigma: windowSigma)
    var field: FlowField? = nil
    for level in stride(from: a.count - 1, through: 0, by: -1) {
      let imageA = a[level], imageB = b[level]
      let w = imageA.width, h = imageA.height
      var flow = FlowField(width: w, height: h)
      if let coarse = field {
        pk_flow_upsample2(coarse.vectors, 2 * coarse.width, Int32(coarse.width),
                          Int32(coarse.height), &flow.vectors, 2 * w, Int32(w), Int32(h))
      }
      let r1 = expand(imageA), r2 = expand(imageB)
      var m = [Float](repeating: 0, count: 5 * w * h)
      var scratch = [Float](repeating: 0, count: w * h)
      var filtered = flow.vectors
      for _ in 0..<iterations {
        pk_farneback_matrices(r1, r2, w, w * h, Int32(w), Int32(h), flow.vectors, 2 * w, &m)
        GreyImage.blurPlanes(&m, count: 5, width: w, height: h, weights: windows,
                             scratch: &scratch)
        pk_farneback_solve(m, w, w * h, Int32(w), Int32(h), Float(lambda), &flow.vectors, 2 * w)
        if medianFilter {
          pk_flow_median3(flow.vectors, &filtered, 2 * w, Int32(w), Int32(h))
          swap(&flow.vectors, &filtered)
        }
      }
      field = flow
    }
    return field!
  }

  /// Five planes bx, by, rxx, ryy, rxy of the polynomial expansion.
  private func expand(_ image: GreyImage) -> [Float] {
    let n = image.width * image.height
    var out = [Float](repeating: 0, count: 5 * n)
    var scratch = [Float](repeating: 0, count: 3 * n)
    pk_poly_expand(image.pixels, image.width, Int32(image.width), Int32(image.height),
                   Float(polySigma), Int32(polyRadius), &out, image.width, n, &scratch)
    return out
  }
}
