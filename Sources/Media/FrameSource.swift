import Foundation

/// A frame rate as the container states it: a ratio of integers, because 30000/1001 is not
/// any decimal a file could store exactly.
public struct FrameRate: Sendable, Hashable, CustomStringConvertible {
  public let numerator: Int
  public let denominator: Int

  /// nil unless both parts are positive.
  public init?(numerator: Int, denominator: Int) {
    guard numerator > 0, denominator > 0 else { return nil }
    self.numerator = numerator
    self.denominator = denominator
  }

  /// Parses `30000/1001`, `30:1` or a plain `25`; nil for `0/0` and anything unparseable.
  public init?(parsing text: String) {
    let parts = text.split(whereSeparator: { $0 == "/" || $0 == ":" }).map(String.init)
    guard (1...2).contains(parts.count), let n = Int(parts[0]) else { return nil }
    let d = parts.count == 2 ? Int(parts[1]) : 1
    guard let d else { return nil }
    self.init(numerator: n, denominator: d)
  }

  /// The nearest ratio with a denominator of 1, 1001 (NTSC rates) or 1000, in that order of
  /// preference, for writing a rate that arrived as a Double.
  public init(approximating fps: Double) {
    precondition(fps > 0 && fps.isFinite, "frame rate must be positive")
    for d in [1, 1001, 1000] {
      let n = (fps * Double(d)).rounded()
      if abs(n / Double(d) - fps) < 1e-9 * fps || d == 1000 {
        self.numerator = max(1, Int(n))
        self.denominator = d
        return
      }
    }
    fatalError("unreachable: the last denominator always answers")
  }

  public var fps: Double { Double(numerator) / Double(denominator) }
  public var description: String { "\(numerator)/\(denominator)" }
}

/// What is known about a video before and while its frames are read.
public struct VideoInfo: Sendable, Hashable {
  /// The file or folder, as given; errors name it.
  public var path: String
  /// How it is read: `y4m`, `png folder`, or `ffmpeg` for every container ffmpeg decodes.
  public var format: String
  /// Frame size as stored, before rotation and scaling.
  public var originalWidth: Int
  public var originalHeight: Int
  /// Frame size as delivered.
  public var width: Int
  public var height: Int
  /// Clockwise rotation applied to the stored frames: 0, 90, 180 or 270 degrees.
  public var rotation: Int
  /// The rate the container claims; nil when it states none (PNG folders).
  public var containerFrameRate: FrameRate?
  /// The rate the frames are analysed at: the user's, else the container's.
  public var fps: Double
  /// Frames in the stream, when the container says.
  public var frameCount: Int?
  /// Seconds, when the container says.
  public var duration: Double?

  public var containerFPS: Double? { containerFrameRate?.fps }
}

/// Frames read one at a time, so a long clip never has to fit in memory.
///
/// `next()` returns nil after the last frame; `close()` releases the file or subprocess early
/// and is safe to call more than once. Sources close themselves when released.
public protocol FrameSource: AnyObject {
  var info: VideoInfo { get }
  /// The next frame, nil at the end; throws when the input turns out to be damaged.
  func next() throws -> RGBImage?
  func close()
}

extension FrameSource {
  /// Calls `body` with each frame and its 0-based index, then closes the source (also when
  /// `body` or the source throws).
  public func forEachFrame(_ body: (Int, RGBImage) throws -> Void) throws {
    defer { close() }
    var index = 0
    while let frame = try next() {
      try body(index, frame)
      index += 1
    }
  }

  /// Every remaining frame as a clip at the source's fps.
  public func collect() throws -> Clip {
    var frames: [RGBImage] = []
    if let count = info.frameCount { frames.reserveCapacity(count) }
    try forEachFrame { _, frame in frames.append(frame) }
    return Clip(frames: frames, fps: info.fps)
  }
}

/// The size a frame of `width`×`height` is brought to so that its longer side is at most
/// `longSide`: aspect kept, both sides even (video encoders and 4:2:0 need that), at least 2.
/// Frames already small enough keep their size, since upscaling adds nothing to measure.
public func analysisSize(width: Int, height: Int, longSide: Int?) -> (width: Int, height: Int) {
  guard let longSide, longSide > 0, max(width, height) > longSide else { return (width, height) }
  let scale = Double(longSide) / Double(max(width, height))
  func even(_ x: Int) -> Int { max(2, Int((Double(x) * scale / 2).rounded()) * 2) }
  return (even(width), even(height))
}
