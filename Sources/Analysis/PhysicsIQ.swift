import CKernels
import Dispatch
import Media

/// The Physics-IQ metrics (Motamed et al. 2025, "Do generative video models understand
/// physical principles?"), computed as the reference code in
/// github.com/google-deepmind/physics-IQ-benchmark computes them, pixel for pixel:
///
/// - Motion masks (`binary_mask_generator.generate_mask`): each frame to grey, blurred 5×5;
///   a running average of the blurred frames (weight 0.3 for the new frame) is the background;
///   pixels differing from the rounded background by more than 10 grey levels move; the mask is
///   opened then closed with a 5×5 square. The first frame's mask is empty.
/// - Metrics (`calculate_and_write_metrics_to_csv.process_videos`): on the first 5 seconds
///   (the frames numbered below fps·5), with frames and masks resized to a quarter of the
///   reference's size (OpenCV linear resize; masks kept where > 127 after it):
///   spatial IoU of the masks collapsed over time (a pixel counts if it ever moved),
///   spatiotemporal IoU frame by frame (averaged; a frame where neither moves counts 1),
///   weighted spatial IoU Σ min(a, b) ÷ Σ max(a, b) of the fraction of frames each pixel moved
///   in, and MSE of the frames scaled to 0…1 (averaged over frames).
///
/// The reference code writes masks to MPEG-4 video and reads them back, which moves mask
/// edges a little; here they stay in memory, so they are the masks before that loss.
public enum PhysicsIQ {
  /// Grey levels a pixel must differ from the background by to move (`threshold_value`).
  public static let threshold = 10
  /// Weight of the new frame in the running background (`cv2.accumulateWeighted`'s alpha).
  public static let backgroundWeight = 0.3
  /// Seconds judged from the start of the continuation.
  public static let judgedSeconds = 5

  /// Frames judged at `fps`: those whose index is below fps·5, as the reference selects them
  /// (`start_frame <= frame_idx < end_frame` with the container's fractional rate).
  public static func judgedFrames(fps: Double) -> Int {
    Int((fps * Double(judgedSeconds)).rounded(.up))
  }

  /// Frames and masks are compared at 1/`downscale` of the reference's width and height.
  public static let downscale = 4

  /// Motion masks of `frames`, one per frame, as `generate_mask` makes them.
  public static func motionMasks(_ frames: [RGBImage], threshold: Int = threshold) -> [PhysicsIQMask] {
    var generator = PhysicsIQMaskGenerator(threshold: threshold)
    return frames.map { generator.next($0) }
  }

  /// The four metrics between a generated continuation and the reference continuation: both
  /// start right after the conditioning frames, at `fps` frames a second. Only the first
  /// `judgedSeconds` are compared; both must have as many frames there.
  public static func compare(
    candidate: [RGBImage], reference: [RGBImage], fps: Double
  ) throws -> PhysicsIQMetrics {
    let window = judgedFrames(fps: fps)
    let candidate = Array(candidate.prefix(window)), reference = Array(reference.prefix(window))
    guard let first = reference.first, !candidate.isEmpty else { throw PhysicsIQError.noFrames }
    guard candidate.count == reference.count else {
      throw PhysicsIQError.frameCountMismatch(candidate: candidate.count, reference: reference.count)
    }
    let size = (width: first.width / downscale, height: first.height / downscale)
    guard size.width > 0, size.height > 0 else {
      throw PhysicsIQError.tooSmall(width: first.width, height: first.height)
    }
    let resizer = QuarterResizer(width: size.width, height: size.height)
    // The two clips' masks on two threads; frame by frame, so only quarter-size masks are kept.
    let clips = [candidate, reference]
    let masks = parallelMap(2) { i -> [QuarterMask] in
      var generator = PhysicsIQMaskGenerator()
      return clips[i].map { resizer.binarized(generator.next($0)) }
    }
    let (candidateMasks, referenceMasks) = (masks[0], masks[1])
    let msePerFrame = zip(candidate, reference).map { c, r in
      let a = resizer.resized(c), b = resizer.resized(r)
      return pk_physiq_frame_mse(a, b, a.count)
    }
    return PhysicsIQMetrics(candidate: candidateMasks, reference: referenceMasks, msePerFrame: msePerFrame)
  }
}

/// Makes the motion masks of one clip frame by frame: the background is the state.
public struct PhysicsIQMaskGenerator: Sendable {
  public let threshold: Int
  private var width = 0, height = 0
  private var average: [Double] = []
  private var gray: [UInt8] = [], rowPass: [UInt16] = [], scratch: [UInt8] = [], temp: [UInt8] = []

  public init(threshold: Int = PhysicsIQ.threshold) {
    self.threshold = threshold
  }

  /// The mask of the next frame; the first frame starts the background and gets an empty mask.
  public mutating func next(_ frame: RGBImage) -> PhysicsIQMask {
    let count = frame.width * frame.height
    let first = average.isEmpty
    if first {
      (width, height) = (frame.width, frame.height)
      gray = [UInt8](repeating: 0, count: count)
      rowPass = [UInt16](repeating: 0, count: count)
      scratch = gray
      temp = gray
    }
    precondition(frame.width == width && frame.height == height, "frames of one clip differ in size")
    frame.pixels.withUnsafeBufferPointer { rgb in
      pk_physiq_gray_blur(rgb.baseAddress, width * 3, Int32(width), Int32(height), &rowPass, &gray)
    }
    var mask = [UInt8](repeating: 0, count: count)
    if first {
      average = gray.map(Double.init)
    } else {
      pk_physiq_motion_step(gray, &average, count, PhysicsIQ.backgroundWeight, Int32(threshold), &mask)
      pk_physiq_open_close(&mask, Int32(width), Int32(height), &scratch, &temp)
    }
    return PhysicsIQMask(width: width, height: height, pixels: mask)
  }
}

/// One frame's motion mask at full size: 255 where the pixel moves, 0 elsewhere.
public struct PhysicsIQMask: Sendable, Equatable {
  public let width: Int
  public let height: Int
  public let pixels: [UInt8]

  public var movingCount: Int { pixels.reduce(0) { $0 + ($1 != 0 ? 1 : 0) } }
}

public enum PhysicsIQError: Error, Sendable, Equatable, CustomStringConvertible {
  case noFrames
  case frameCountMismatch(candidate: Int, reference: Int)
  case tooSmall(width: Int, height: Int)

  public var description: String {
    switch self {
    case .noFrames: "no frames to compare after the conditioning frames"
    case .frameCountMismatch(let c, let r):
      "the continuation has \(c) frames to judge but the reference has \(r); Physics-IQ compares frame by frame"
    case .tooSmall(let w, let h):
      "a \(w)×\(h) reference is too small to compare at a quarter of its size"
    }
  }
}

/// Physics-IQ metrics of one continuation against its reference.
public struct PhysicsIQMetrics: Sendable, Equatable {
  /// IoU of the pixels that moved at any time in each clip.
  public var spatialIoU: Double
  /// IoU of the moving pixels frame by frame; 1 where neither clip moves.
  public var spatiotemporalIoUPerFrame: [Double]
  /// Σ min ÷ Σ max over pixels of the fraction of frames each pixel moved in; 1 if neither moves.
  public var weightedSpatialIoU: Double
  /// Mean squared difference of the frames, pixel values scaled to 0…1, at quarter size.
  public var msePerFrame: [Double]
  /// Moving pixels per frame at quarter size, for the report.
  public var candidateMoving: [Int]
  public var referenceMoving: [Int]

  public var spatiotemporalIoU: Double { mean(spatiotemporalIoUPerFrame) }
  public var mse: Double { mean(msePerFrame) }

  /// The Physics-IQ score of this one sample, in percent: the paper's
  /// ((ST-IoU ÷ v_st + spatial ÷ v_s + weighted ÷ v_w) ÷ 3 − (MSE − v_mse)) · 100, clamped to
  /// 0…100, with the "physical variance" v of a deterministic reference (its second take is
  /// its first: v_st = v_s = v_w = 1, v_mse = 0). The official script also rounds each frame's
  /// value to 4 decimals and the score to 2; this does not.
  public var physicsIQScore: Double {
    let value = ((spatiotemporalIoU + spatialIoU + weightedSpatialIoU) / 3 - mse) * 100
    return min(max(value, 0), 100)
  }

  init(candidate: [QuarterMask], reference: [QuarterMask], msePerFrame: [Double]) {
    let count = reference.first?.pixels.count ?? 0
    var everA = [Bool](repeating: false, count: count), everB = everA
    var framesA = [Int](repeating: 0, count: count), framesB = framesA
    var perFrame: [Double] = []
    for (a, b) in zip(reference, candidate) {
      perFrame.append(iou(a.pixels, b.pixels))
      for i in 0..<count {
        if a.pixels[i] { everA[i] = true; framesA[i] += 1 }
        if b.pixels[i] { everB[i] = true; framesB[i] += 1 }
      }
    }
    spatialIoU = iou(everA, everB)
    spatiotemporalIoUPerFrame = perFrame
    // The reference divides each count by its own clip's frame count; both are equal here.
    var low = 0.0, high = 0.0
    let frames = Double(reference.count)
    for i in 0..<count {
      let a = Double(framesA[i]) / frames, b = Double(framesB[i]) / Double(candidate.count)
      low += min(a, b)
      high += max(a, b)
    }
    weightedSpatialIoU = high > 0 ? low / high : 1
    self.msePerFrame = msePerFrame
    candidateMoving = candidate.map { $0.pixels.reduce(0) { $0 + ($1 ? 1 : 0) } }
    referenceMoving = reference.map { $0.pixels.reduce(0) { $0 + ($1 ? 1 : 0) } }
  }
}

/// A mask at quarter size, kept where the resized value exceeds 127.
struct QuarterMask: Sendable {
  var pixels: [Bool]
}

/// OpenCV's linear resize to one fixed quarter size, for masks and frames.
struct QuarterResizer: Sendable {
  let width: Int
  let height: Int

  func resized(_ frame: RGBImage) -> [UInt8] {
    resize(frame.pixels, width: frame.width, height: frame.height, channels: 3)
  }

  func binarized(_ mask: PhysicsIQMask) -> QuarterMask {
    QuarterMask(pixels: resize(mask.pixels, width: mask.width, height: mask.height, channels: 1).map { $0 > 127 })
  }

  private func resize(_ pixels: [UInt8], width sourceWidth: Int, height sourceHeight: Int, channels: Int) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: width * height * channels)
    var scratch = [Int32](repeating: 0, count: sourceHeight * width * channels)
    pk_physiq_resize_linear(
      pixels, sourceWidth * channels, Int32(sourceWidth), Int32(sourceHeight), Int32(channels),
      &out, width * channels, Int32(width), Int32(height), &scratch)
    return out
  }
}

/// Intersection over union of two masks; 1 when both are empty (the reference's convention).
private func iou(_ a: [Bool], _ b: [Bool]) -> Double {
  var intersection = 0, union = 0
  for i in a.indices {
    if a[i] && b[i] { intersection += 1 }
    if a[i] || b[i] { union += 1 }
  }
  return union == 0 ? 1 : Double(intersection) / Double(union)
}

private func mean(_ values: [Double]) -> Double {
  values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
}
