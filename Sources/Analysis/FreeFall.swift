/// The free-fall part of a vertical trajectory: from release to just before the first impact.
///
/// Positions are image y in pixels, down positive, one per frame (nil where the object was
/// not seen). The segment is contiguous: it ends early at the first frame without the object.
public struct FreeFallSegment: Sendable, Hashable {
  /// The last frame before the object starts to move (the first frame when it moves from
  /// the start).
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
  /// An impact slows the downward motion by more than this many pixels per frame and more
  /// than this fraction of the speed; free fall only ever speeds it up.
  public static let impactPixels = 0.5
  public static let impactFraction = 0.2

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
        if v0 > 0, v0 - v1 > max(Self.impactPixels, Self.impactFraction * v0) {
          impact = end
          break
        }
      }
      end += 1
    }
    var fit = Self.fit(y, release..<end, fps: fps)
    // The frame just before a detected stop may already be in contact, caught mid-interval:
    // if it sits above the curve the others trace, it is the impact frame.
    if let f = fit, end - release > Self.minFrames, let lastResidual = f.residuals.last {
      let others = f.residuals.dropLast()
      let rms = (others.reduce(0) { $0 + $1 * $1 } / Double(others.count)).squareRoot()
      if lastResidual < -max(Self.stillPixels, 4 * rms) {
        end -= 1
        impact = end
        fit = Self.fit(y, release..<end, fps: fps)
      }
    }
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
