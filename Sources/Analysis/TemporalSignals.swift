import Media

/// The per-frame and per-pair signals the temporal analyzer judges, measured once.
///
/// Two resolutions: the VBench flicker difference is taken on the clip's frames as given (VBench
/// does not resize for it); everything else (frozen pairs, brightness, flow, interpolation) on
/// copies whose long side is at most `flowLongSide`, which keeps dense flow cheap. Flow scales
/// with the image, so flow magnitudes are converted back to the clip's pixels where reported.
struct TemporalSignals: Sendable {
  /// Mean absolute difference of consecutive frames over all channels, 8-bit levels, at the
  /// clip's resolution: pair k is frames k, k + 1.
  var frameDifference: [Double]
  /// Fraction of pixels whose grey level changes by more than `TemporalSignals.changeLevels`
  /// between frames k and k + 1 (analysis resolution).
  var changedFraction: [Double]
  /// Mean grey level (BT.601 luma, 0…255) of each frame.
  var brightness: [Double]
  /// Frames k (odd offsets from the first judged frame) predicted from k − 1 and k + 1.
  var interpolation: [Interpolation]
  /// VBench dynamic-degree pairs: frames `interval` apart.
  var dynamic: [DynamicPair]
  /// Clip pixels per analysis pixel.
  var scale: Double

  struct Interpolation: Sendable {
    /// The frame predicted.
    var frame: Int
    /// Mean absolute error of the prediction over all channels, 8-bit levels.
    var error: Double
    /// Median flow magnitude from frame − 1 to frame + 1, in clip pixels: the image speed of
    /// the bulk of the scene over two frame intervals.
    var medianFlow: Double
  }

  struct DynamicPair: Sendable {
    var first: Int
    var second: Int
    /// Mean of the largest 5% of flow magnitudes, in clip pixels (VBench's `get_score`).
    var top5Flow: Double
  }

  /// Grey-level change that counts a pixel as changed for frozen-frame detection: above the
  /// ±2-level noise of 8-bit video codecs once frames are averaged down to analysis size.
  static let changeLevels: Float = 4

  /// Measures frames `first..<clip.frames.count` of `clip`; `interval` is VBench's frame step
  /// for dynamic degree.
  init(clip: Clip, first: Int, flowLongSide: Int, interval: Int, flow: FarnebackFlow) {
    let frames = Array(clip.frames[first...])
    let small = frames.concurrentMap { $0.downsampled(longSide: flowLongSide) }
    let grey = small.concurrentMap { GreyImage($0) }
    scale = Double(max(clip.width, clip.height)) / Double(max(small[0].width, small[0].height))
    let pairs = Array(0..<max(0, frames.count - 1))
    frameDifference = pairs.concurrentMap {
      FrameStatistics.meanAbsoluteDifference(frames[$0], frames[$0 + 1])
    }
    changedFraction = pairs.concurrentMap {
      Self.changedFraction(grey[$0], grey[$0 + 1], threshold: Self.changeLevels)
    }
    brightness = grey.map { Double($0.pixels.reduce(0, +)) / Double($0.pixels.count) }

    // Interpolation needs the flow from k − 1 to k + 1 for odd k, dynamic degree the flow
    // between sampled frames; with a step of 2 (15–20 fps) these are the same pairs, so each
    // distinct pair's flow is computed once and summarised at once (no field is kept).
    let middles = Array(stride(from: 1, to: frames.count - 1, by: 2))
    let sampled = Array(stride(from: 0, to: frames.count, by: max(1, interval)))
    let dynamicPairs = zip(sampled, sampled.dropFirst()).map { FramePair(first: $0, second: $1) }
    let interpolationPairs = middles.map { FramePair(first: $0 - 1, second: $0 + 1) }
    let wanted = Set(dynamicPairs).union(interpolationPairs)
    let interpolating = Set(interpolationPairs)
    let flowPairs = wanted.sorted { ($0.first, $0.second) < ($1.first, $1.second) }
    let scale = scale
    let summaries = flowPairs.concurrentMap { pair -> FlowSummary in
      let field = flow.flow(from: grey[pair.first], to: grey[pair.second])
      var summary = FlowSummary(top5Flow: Self.topMean(field, fraction: 0.05) * scale)
      if interpolating.contains(pair) {
        let k = pair.first + 1
        let predicted = Self.midpoint(small[pair.first], small[pair.second], flow: field)
        summary.error = FrameStatistics.meanAbsoluteDifference(predicted, small[k])
        summary.medianFlow = Self.medianMagnitude(field) * scale
      }
      return summary
    }
    let byPair = Dictionary(uniqueKeysWithValues: zip(flowPairs, summaries))
    interpolation = interpolationPairs.map { pair in
      let summary = byPair[pair]!
      return Interpolation(frame: first + pair.first + 1, error: summary.error, medianFlow: summary.medianFlow)
    }
    dynamic = dynamicPairs.map { pair in
      DynamicPair(first: first + pair.first, second: first + pair.second, top5Flow: byPair[pair]!.top5Flow)
    }
  }

  private struct FramePair: Hashable, Sendable {
    var first: Int
    var second: Int
  }

  private struct FlowSummary: Sendable {
    var top5Flow: Double
    var error = 0.0
    var medianFlow = 0.0
  }

  /// Fraction of pixels whose value differs by more than `threshold` once `a` is brought to
  /// `b`'s mean brightness by a gain, so that a flickering but unmoving picture counts as
  /// unchanged: moving content changes, brightness alone does not.
  static func changedFraction(_ a: GreyImage, _ b: GreyImage, threshold: Float) -> Double {
    let sumA = a.pixels.reduce(0, +), sumB = b.pixels.reduce(0, +)
    let gain: Float = sumA > 0 ? sumB / sumA : 1
    var changed = 0
    a.pixels.withUnsafeBufferPointer { p in
      b.pixels.withUnsafeBufferPointer { q in
        for i in 0..<p.count where abs(gain * p[i] - q[i]) > threshold { changed += 1 }
      }
    }
    return Double(changed) / Double(a.pixels.count)
  }

  /// The frame halfway between `a` and `b` by flow-based interpolation, the classical form of
  /// what a learned interpolator does: with F the flow from a to b, the pixel at x is the mean
  /// of a at x − F(x)/2 and b at x + F(x)/2 (bilinear; outside, the nearest edge). Using F at x
  /// for the flow through x at half time is the usual linear approximation; it is exact for
  /// uniform motion and errs only near motion boundaries.
  static func midpoint(_ a: RGBImage, _ b: RGBImage, flow: FlowField) -> RGBImage {
    let w = a.width, h = a.height
    var out = [UInt8](repeating: 0, count: w * h * 3)
    a.pixels.withUnsafeBufferPointer { pa in
      b.pixels.withUnsafeBufferPointer { pb in
        flow.vectors.withUnsafeBufferPointer { f in
          out.withUnsafeMutableBufferPointer { o in
            for y in 0..<h {
              for x in 0..<w {
                let i = y * w + x
                let hu = Double(f[2 * i]) / 2, hv = Double(f[2 * i + 1]) / 2
                var sa = (0.0, 0.0, 0.0), sb = (0.0, 0.0, 0.0)
                bilinear(pa, w, h, Double(x) - hu, Double(y) - hv, &sa)
                bilinear(pb, w, h, Double(x) + hu, Double(y) + hv, &sb)
                o[3 * i] = UInt8(((sa.0 + sb.0) / 2).rounded())
                o[3 * i + 1] = UInt8(((sa.1 + sb.1) / 2).rounded())
                o[3 * i + 2] = UInt8(((sa.2 + sb.2) / 2).rounded())
              }
            }
          }
        }
      }
    }
    return RGBImage(width: w, height: h, pixels: out)
  }

  /// RGB at the continuous pixel-index position (x, y) (pixel centres at integers here),
  /// clamped to the image.
  private static func bilinear(
    _ p: UnsafeBufferPointer<UInt8>, _ w: Int, _ h: Int, _ x: Double, _ y: Double,
    _ out: inout (Double, Double, Double)
  ) {
    let cx = min(max(x, 0), Double(w - 1)), cy = min(max(y, 0), Double(h - 1))
    let x0 = Int(cx), y0 = Int(cy)
    let x1 = min(x0 + 1, w - 1), y1 = min(y0 + 1, h - 1)
    let fx = cx - Double(x0), fy = cy - Double(y0)
    let w00 = (1 - fx) * (1 - fy), w10 = fx * (1 - fy), w01 = (1 - fx) * fy, w11 = fx * fy
    let i00 = 3 * (y0 * w + x0), i10 = 3 * (y0 * w + x1), i01 = 3 * (y1 * w + x0), i11 = 3 * (y1 * w + x1)
    func channel(_ c: Int) -> Double {
      let a = w00 * Double(p[i00 + c]) + w10 * Double(p[i10 + c])
      let b = w01 * Double(p[i01 + c]) + w11 * Double(p[i11 + c])
      return a + b
    }
    out = (channel(0), channel(1), channel(2))
  }

  /// Flow magnitudes of every pixel.
  static func magnitudes(_ field: FlowField) -> [Float] {
    field.vectors.withUnsafeBufferPointer { v in
      (0..<(field.width * field.height)).map { (i: Int) -> Float in
        let u = v[2 * i], w = v[2 * i + 1]
        return (u * u + w * w).squareRoot()
      }
    }
  }

  static func medianMagnitude(_ field: FlowField) -> Double {
    median(magnitudes(field).map(Double.init)) ?? 0
  }

  /// Mean of the largest `fraction` of the flow magnitudes: VBench's `get_score`, which
  /// averages the first ⌊h·w·fraction⌋ of the magnitudes sorted in descending order.
  static func topMean(_ field: FlowField, fraction: Double) -> Double {
    let values = magnitudes(field)
    let cut = Int(Double(values.count) * fraction)
    guard cut > 0 else { return 0 }
    return topSum(values, count: cut) / Double(cut)
  }

  /// Sum of the `count` largest values, exactly, without sorting all of them: a histogram
  /// finds the bin holding the count-th largest, and only that bin's values are sorted.
  static func topSum(_ values: [Float], count: Int) -> Double {
    guard let top = values.max(), top > 0 else { return 0 }
    let bins = 4096
    let step = Double(top) / Double(bins - 1)
    func bin(_ v: Float) -> Int { min(bins - 1, Int(Double(v) / step)) }
    var histogram = [Int](repeating: 0, count: bins)
    for v in values { histogram[bin(v)] += 1 }
    var above = 0
    var edge = bins - 1
    while edge > 0 && above + histogram[edge] < count {
      above += histogram[edge]
      edge -= 1
    }
    var sum = 0.0
    var boundary: [Float] = []
    for v in values {
      let b = bin(v)
      if b > edge { sum += Double(v) } else if b == edge { boundary.append(v) }
    }
    boundary.sort(by: >)
    for v in boundary.prefix(count - above) { sum += Double(v) }
    return sum
  }
}
