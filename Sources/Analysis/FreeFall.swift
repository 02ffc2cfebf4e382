/// The free-fall part of a vertical trajectory: from release to just before the first impact.
///
/// Positions are image y in pixels, down positive, one per frame (nil where the object was
/// not seen). The segment is contiguous: it ends early at the first frame without the object.
public struct FreeFallSegment: Sendable, Hashable {
  /// The last frame before the object starts to move (the first frame when it moves from
  /// the start), or the first frame after leading frames that do not fit free fall.
  public let release: Int
  /// The first frame whose position shows the fall stopped or reversed; nil when the fall
  /// runs to the end of what was seen.
  public let impact: Int?
  /// The frames fitted: release up to, not including, the impact.
  public let frames: Range<Int>
  /// The fit of y(t), t = frame ÷ fps; nil with fewer than `minFrames` frames.
  public let fit: QuadraticFit?

  /// Fewer frames than this leave too few degrees of freedom to trust a quadratic.
  public static let minFrames = 5
  /// Frame-to-frame motion below this many pixels is standing still.
  public static let stillPixels = 0.3
  /// An impact slows the downward motion by more than this many pixels per frame and to
  /// less than this fraction of the speed (stops or reverses it sharply); free fall only ever
  /// speeds it up, and a frame caught just after contact is removed by the fit's check.
  public static let impactPixels = 0.5
  public static let keptSpeedFraction = 0.5

  /// Finds the segment in `y` (indexed by frame) and fits it.
  public init?(y: [Double?], fps: Double) {
    guard let first = y.firstIndex(where: { $0 != nil }) else { return nil }
    var release = first
    while release + 1 < y.count, let a = y[release], let b = y[release + 1],
      abs(b - a) < Self.stillPixels
    {
      release += 1
    }
    var end = release + 1
    var impact: Int?
    while end < y.count, let now = y[end] {
      if end >= release + 2, let prev = y[end - 1], let before = y[end - 2] {
        let v0 = prev - before, v1 = now - prev
        if v0 > 0, v0 - v1 > Self.impactPixels, v1 < Self.keptSpeedFraction * v0 {
          impact = end
          break
        }
      }
      end += 1
    }
    // The frame just before a detected stop may already be in contact, caught mid-interval;
    // and the first frames may show the object still held (in natural video, a hand moving
    // with it). Either end is dropped while it lies off the curve the other frames trace, by
    // more than 4 RMS of their residuals and at least `stillPixels`; a last frame only when
    // it lies above the curve (short of where free fall would have taken it), and it is the
    // impact frame only when a stop was seen (otherwise the track simply ended).
    func outlier(_ frame: Int, from rest: Range<Int>, above: Bool) -> Bool {
      guard let f = Self.fit(y, rest, fps: fps) else { return false }
      let r = y[frame]! - f(Double(frame) / fps)
      let limit = max(Self.stillPixels, 4 * f.rmsResidual)
      return above ? r < -limit : abs(r) > limit
    }
    while end - release > Self.minFrames, outlier(end - 1, from: release..<end - 1, above: true) {
      end -= 1
      if impact != nil { impact = end }
    }
    while end - release > Self.minFrames, outlier(release, from: release + 1..<end, above: false) {
      release += 1
    }
    let fit = Self.fit(y, release..<end, fps: fps)
    self.release = release
    self.impact = impact
    self.frames = release..<end
    self.fit = fit
  }

  private static func fit(_ y: [Double?], _ frames: Range<Int>, fps: Double) -> QuadraticFit? {
    guard frames.count >= minFrames else { return nil }
    return QuadraticFit(t: frames.map { Double($0) / fps }, y: frames.map { y[$0]! })
  }
}

extension FreeFallSegment {
  /// The free fall that covers the most distance in `y`. A fall may start at the first frame
  /// seen, wherever the object, after being still or rising, starts down, and at each frame of
  /// `starts` (where the caller knows the object was let go, such as the first frame after a
  /// hand stopped touching it); each start is followed to its first impact. Among the falls
  /// whose fit is plausible (downward acceleration, RMS residual within 1 px or 1% of the
  /// distance fallen) the longest drop wins, the earliest on a tie; with none plausible, the one
  /// from the first frame. In natural footage the first motion is often a hand wobbling or
  /// lowering the object before letting go, which would otherwise end the search there.
  public static func longest(y: [Double?], fps: Double, starts: [Int] = []) -> FreeFallSegment? {
    guard let first = FreeFallSegment(y: y, fps: fps) else { return nil }
    var best: FreeFallSegment? = first.drop(y) != nil ? first : nil
    for start in y.indices.dropFirst() {
      guard let here = y[start], start + 1 < y.count, let next = y[start + 1],
        next - here >= stillPixels,
        starts.contains(start) || y[start - 1].map({ here - $0 < stillPixels }) ?? false
      else { continue }
      var masked = y
      for i in 0..<start { masked[i] = nil }
      guard let candidate = FreeFallSegment(y: masked, fps: fps), let drop = candidate.drop(y) else {
        continue
      }
      if drop > best.flatMap({ $0.drop(y) }) ?? 0 { best = candidate }
    }
    return best ?? first
  }

  /// Pixels fallen over the segment when its fit is plausible, else nil.
  private func drop(_ y: [Double?]) -> Double? {
    guard let fit, fit.c > 0, let top = y[frames.lowerBound], let bottom = y[frames.upperBound - 1]
    else { return nil }
    let drop = bottom - top
    return fit.rmsResidual <= max(1, 0.01 * abs(drop)) ? drop : nil
  }
}
