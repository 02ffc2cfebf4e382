import Foundation
import Media
import Scenarios

/// Clip-level temporal quality: flicker, frozen frames, motion smoothness and dynamic degree,
/// after VBench (Huang et al. 2024, github.com/Vchitect/VBench), with classical stand-ins for
/// its learned models, and judgements of what the scenario implies.
///
/// What is VBench's, reproduced:
/// - temporal flickering (`vbench/temporal_flickering.py`, `calculate_mae` and `cal_score`,
///   lines 37–49): the mean absolute difference of consecutive frames over all pixels and
///   channels, at the frames' own resolution, scored (255 − mean)/255. VBench meant it for
///   static videos; on a moving clip it mostly measures motion, so the flicker judgement uses
///   the brightness series instead (below).
/// - motion smoothness (`vbench/motion_smoothness.py`, `motion_score` and `vfi_score`, lines
///   111–167): the odd frames are dropped, rebuilt from their even neighbours by a frame
///   interpolator, and compared with the originals; the mean absolute error is scored
///   (255 − error)/255. VBench's interpolator is AMT, a learned network; here each odd frame is
///   the flow-based midpoint of its neighbours (Farnebäck flow, `TemporalSignals.midpoint`),
///   at the analysis resolution (long side ≤ `flowLongSide`) rather than full size.
/// - dynamic degree (`vbench/dynamic_degree.py`, lines 42–93): frames are taken every
///   round(fps/8) (`get_frames`, line 100); for each consecutive pair of those, the mean of the
///   largest 5% of the flow magnitudes (`get_score`); a pair moves when that exceeds
///   6 · min(H, W)/256 px (`set_params`, line 61), and the clip is dynamic when at least
///   round(4 · count/16) pairs move, count being the number of sampled frames. VBench uses
///   RAFT flow at full size (padded to a multiple of 8, which also enters its 5% cut); here
///   Farnebäck flow at the analysis resolution, converted to the clip's pixels.
///
/// What is judged beyond VBench:
/// - frozen frames: consecutive frames that are the same image (`frozenChangedFraction`), in
///   a run that has motion before and after it; a scene that comes to rest at the end, or has
///   not started moving yet, is not frozen; nor is a run the scenario explains, with a static
///   camera and every moving object hidden, held by its path or at rest (`ExpectedStillness`).
/// - brightness flicker: the mean frame brightness should change smoothly; the mean distance
///   of each frame's brightness from the mean of its neighbours' is the flicker.
/// - uniform time: where the scenario's camera follows a path (which always runs at constant
///   speed), the image speed of the scene (median flow magnitude) may rise or fall steadily (a
///   dolly brings the scene closer) but not slow down and speed up again.
///
/// Defects caught at default strength, and the smallest strengths caught (sweep on
/// `falling-cups/drop-1m` at 96 px and `camera-orbits/arc-90` at 96×54, both at 15 fps):
/// - `freeze` (0.25 → 7 of 29 pairs frozen): a run must last `minimumFrozenSeconds` (0.1 s):
///   two pairs (three equal frames, strength 0.05 on drop-1m) at 15 fps, three pairs (strength
///   0.07) at 30 fps.
/// - `flicker` (0.2 → brightness flicker 6.5 levels): 0.03 gives 0.88, 0.04 about 1.2, so the
///   weakest caught is about 0.035.
/// - `timewarp` (0.5 → speed swing 2.3), only where the camera follows a path: 0.2 gives 1.42
///   against the reference's 1.06 (orbit-360 at 128 px: 1.16; 0.3 gives 1.42 there), so about
///   0.2. On a tripod, non-uniform time only bends the objects' physics, which the physics
///   analyzer measures.
/// `reverse` does not apply: time running backwards at a steady rate is as smooth, steady and
/// unfrozen as forwards.
public struct TemporalAnalyzer: Analyzer {
  public let name = "temporal"

  /// Long side of the frames that flow, interpolation and frozen detection work on: dense
  /// flow at 256 px costs a sixteenth of full HD's and still resolves VBench's 6 px-at-256
  /// threshold.
  public var flowLongSide = 256
  /// A pair of frames is frozen when at most this fraction of pixels changes by more than
  /// 4 grey levels (`TemporalSignals.changeLevels`): 0.02% is 9 pixels at 256×171, below a
  /// small object's moving edge and above codec noise on a repeated frame.
  public var frozenChangedFraction = 0.0002
  /// Frozen runs shorter than this are not judged: at the top of a bounce an object moves
  /// under a pixel for a few frames, which left two pairs of 30 fps frames unchanged in the
  /// low-gravity drop rendered at 96 px. At 8–10 fps a single repeated frame already counts.
  public var minimumFrozenSeconds = 0.1
  /// Brightness flicker above this (mean distance, in 8-bit levels, of a frame's mean
  /// brightness from the mean of its neighbours') is a violation: reference renders measure
  /// at most 0.26 (orbit-360, where the view sweeps over a checkered floor), CogVideoX clips
  /// 0.07–0.56, and the `flicker` defect 0.88 at strength 0.03 and 6.5 at 0.2.
  public var flickerLevels = 1.0
  /// A speed swing (image speed slowing down and speeding up again, or the reverse) larger
  /// than this ratio violates a constant-speed camera path.
  public var speedSwingLimit = 1.35
  /// An interpolated frame whose error exceeds both `jerkFactor` times the clip's median error
  /// and the median plus `jerkLevels` marks a jerk (a jump, cut or stall in the motion).
  public var jerkFactor = 3.0
  public var jerkLevels = 5.0

  public init() {}

  public func analyze(_ clip: Clip, scenario: Scenario, check: CheckSpec) throws -> AnalysisResult {
    var findings: [Finding] = []
    let conditioned = max(0, (scenario.conditioning?.frames ?? 0) - 1)
    let first = min(conditioned, max(0, clip.frames.count - 2))
    guard clip.frames.count - first >= 2, clip.fps > 0, clip.fps.isFinite else {
      findings.append(
        Finding(
          severity: .warning,
          message: "the clip has \(clip.frames.count) frame(s) at \(clip.fps) fps; temporal quality needs at least two frames at a known rate"))
      return AnalysisResult(
        analyzer: name, subject: nil, measurements: Self.unmeasured, findings: findings, evidence: Evidence())
    }
    let fps = clip.fps
    let interval = max(1, Int((fps / 8).rounded(.toNearestOrEven)))
    let signals = TemporalSignals(
      clip: clip, first: first, flowLongSide: flowLongSide, interval: interval, flow: FarnebackFlow())
    var measurements: [Measurement] = []
    var evidenceFrames: [Int] = []
    let motion = ExpectedMotion(scenario)

    // VBench temporal flickering.
    let meanDifference = signals.frameDifference.reduce(0, +) / Double(signals.frameDifference.count)
    measurements.append(
      Measurement(
        name: "temporal_flickering", value: meanDifference, unit: "levels",
        score: clamp01((255 - meanDifference) / 255),
        scoreFormula: "VBench temporal flickering: (255 − mean absolute difference of consecutive frames over all pixels and channels) / 255; mixes motion with flicker on moving clips"))

    // Brightness flicker.
    let flicker = BrightnessFlicker(signals.brightness)
    measurements.append(
      Measurement(
        name: "brightness_flicker", value: flicker?.mean, unit: "levels", reference: 0,
        score: flicker.map { clamp01(1 - $0.mean / 10) },
        scoreFormula: "1 − (mean |brightness(k) − (brightness(k−1) + brightness(k+1))/2|) / 10 levels, at least 0"))
    if let flicker, flicker.mean > flickerLevels {
      let frame = first + flicker.worst
      evidenceFrames.append(frame)
      findings.append(
        Finding(
          severity: .violation,
          message: "brightness flickers: a frame's mean brightness differs from the mean of its neighbours' by \(f1(flicker.mean)) levels on average, \(f1(flicker.largest)) at frame \(frame); steady lighting stays under \(f1(flickerLevels))",
          frames: [frame - 1, frame, frame + 1]))
    }

    // Frozen frames.
    let runs = FrozenRuns(
      changed: signals.changedFraction, limit: frozenChangedFraction,
      minimumPairs: max(1, Int((minimumFrozenSeconds * fps).rounded(.up))))
    var stillness = ExpectedStillness(scenario: scenario, clip: clip)
    var frozen: [ClosedRange<Int>] = []
    for run in runs.unexpected {
      let from = first + run.lowerBound, to = first + run.upperBound
      guard let why = stillness.reason(from...to) else {
        frozen.append(run)
        continue
      }
      findings.append(
        Finding(
          severity: .info,
          message: "frames \(from)–\(to) show the same image (\(f2(Double(to - from) / fps)) s), as the scenario expects: \(why)",
          frames: [from, to]))
    }
    let frozenPairs = frozen.reduce(0) { $0 + $1.count - 1 }
    let pairCount = signals.changedFraction.count
    measurements.append(
      Measurement(
        name: "frozen_fraction", value: Double(frozenPairs) / Double(pairCount), unit: "fraction of frame pairs",
        reference: 0, score: 1 - Double(frozenPairs) / Double(pairCount),
        scoreFormula: "1 − fraction of consecutive frame pairs that repeat the same image while the scene moves before and after"))
    for run in frozen {
      let from = first + run.lowerBound, to = first + run.upperBound
      evidenceFrames += [from, to]
      findings.append(
        Finding(
          severity: .violation,
          message: "frames \(from)–\(to) repeat the same image (frozen for \(f2(Double(to - from) / fps)) s) while the scene moves before and after",
          frames: Array(from...to)))
    }
    if runs.allFrozen, let reason = motion.reason {
      findings.append(
        Finding(
          severity: .violation,
          message: "the clip never moves: all \(pairCount + 1) frames judged are the same image, though \(reason)",
          frames: [first]))
    }

    // Motion smoothness and jerks.
    let errors = signals.interpolation.map(\.error)
    let meanError = errors.isEmpty ? nil : errors.reduce(0, +) / Double(errors.count)
    measurements.append(
      Measurement(
        name: "motion_smoothness", value: meanError, unit: "levels",
        score: meanError.map { clamp01((255 - $0) / 255) },
        scoreFormula: "VBench motion smoothness with a flow-based interpolator in place of AMT: (255 − mean absolute error of each odd frame rebuilt from its neighbours) / 255"))
    if let medianError = median(errors) {
      let limit = max(jerkFactor * medianError, medianError + jerkLevels)
      for sample in signals.interpolation where sample.error > limit {
        evidenceFrames.append(sample.frame)
        findings.append(
          Finding(
            severity: .warning,
            message: "motion jerks at frame \(sample.frame): it differs from the interpolation of frames \(sample.frame - 1) and \(sample.frame + 1) by \(f1(sample.error)) levels, \(f1(sample.error / max(medianError, 0.01)))× the clip's median \(f1(medianError))",
            frames: [sample.frame - 1, sample.frame, sample.frame + 1]))
      }
    }

    // Uniform time along a constant-speed camera path.
    if motion.cameraPath {
      let speeds = signals.interpolation.map { $0.medianFlow / 2 }
      let swing = SpeedSwing(speeds, minimum: signals.scale)
      measurements.append(
        Measurement(
          name: "speed_swing", value: swing?.ratio, unit: "ratio", reference: 1,
          score: swing.map { clamp01(1 / $0.ratio) },
          scoreFormula: "1 / (largest factor by which the scene's median image speed falls and rises again, or rises and falls again)"))
      if let swing, swing.ratio > speedSwingLimit {
        let frame = signals.interpolation[swing.index].frame
        evidenceFrames.append(frame)
        findings.append(
          Finding(
            severity: .violation,
            message: "playback speed is not uniform: the scene's image speed \(swing.isDip ? "slows" : "rises") from \(f1(swing.before)) to \(f1(swing.extreme)) px per frame around frame \(frame) and \(swing.isDip ? "speeds up" : "falls") again to \(f1(swing.after)), a swing of \(f1(swing.ratio))×, while the scenario's camera moves at constant speed",
            frames: [frame]))
      } else if swing == nil {
        findings.append(
          Finding(
            severity: .info,
            message: "the camera path moves the scene by under \(f1(signals.scale)) px per frame in this clip; uniform time was not judged"))
      }
    }

    // VBench dynamic degree.
    let threshold = 6 * Double(min(clip.width, clip.height)) / 256
    let sampledCount = signals.dynamic.count + 1
    let countNeeded = Int((4 * Double(sampledCount) / 16).rounded(.toNearestOrEven))
    let moving = signals.dynamic.filter { $0.top5Flow > threshold }.count
    let isDynamic = !signals.dynamic.isEmpty && moving >= countNeeded
    let top5 = median(signals.dynamic.map(\.top5Flow))
    measurements.append(
      Measurement(
        name: "dynamic_degree", value: isDynamic ? 1 : 0, unit: "dynamic (1) or static (0)",
        score: isDynamic ? 1 : 0,
        scoreFormula: "VBench dynamic degree: 1 when at least round(4 · sampled frames / 16) pairs of frames round(fps/8) apart have a top-5% mean flow above 6 · min(H, W)/256 px"))
    measurements.append(
      Measurement(name: "top5_flow", value: top5, unit: "px", reference: threshold))
    measurements.append(
      Measurement(name: "dynamic_pairs", value: Double(moving), unit: "pairs", reference: Double(countNeeded)))
    if !isDynamic, let reason = motion.reason, !runs.allFrozen {
      findings.append(
        Finding(
          severity: .info,
          message: "VBench would call this clip static: \(moving) of \(signals.dynamic.count) frame pairs move their fastest 5% of pixels by over \(f1(threshold)) px (it needs \(countNeeded)), though \(reason)"))
    }

    let times = { (frames: [Int]) in frames.map { Double($0) } }
    var series = [
      Series(
        name: "frame_difference", xUnit: "frame", yUnit: "levels",
        x: times(signals.frameDifference.indices.map { first + $0 + 1 }), y: signals.frameDifference),
      Series(
        name: "brightness", xUnit: "frame", yUnit: "levels",
        x: times(signals.brightness.indices.map { first + $0 }), y: signals.brightness),
      Series(
        name: "interpolation_error", xUnit: "frame", yUnit: "levels",
        x: times(signals.interpolation.map(\.frame)), y: errors),
      Series(
        name: "top5_flow", xUnit: "frame", yUnit: "px",
        x: times(signals.dynamic.map(\.second)), y: signals.dynamic.map(\.top5Flow)),
    ]
    if motion.cameraPath {
      series.append(
        Series(
          name: "image_speed", xUnit: "frame", yUnit: "px/frame",
          x: times(signals.interpolation.map(\.frame)), y: signals.interpolation.map { $0.medianFlow / 2 }))
    }
    return AnalysisResult(
      analyzer: name, subject: nil, measurements: measurements, findings: findings,
      evidence: Evidence(series: series, frames: Array(Set(evidenceFrames)).sorted()))
  }

  /// The measurements with no values, for a clip that cannot be judged.
  static let unmeasured = ["temporal_flickering", "brightness_flicker", "frozen_fraction", "motion_smoothness", "dynamic_degree"]
    .map { Measurement(name: $0, value: nil, unit: "") }
}

/// Whether the scenario implies motion in the picture, and why.
struct ExpectedMotion {
  var cameraPath: Bool
  /// Why the clip should move, in words; nil when nothing in the scenario moves.
  var reason: String?

  init(_ scenario: Scenario) {
    cameraPath = scenario.camera.path != nil
    let movers = scenario.world.objects.filter { !$0.isStatic }.map(\.name)
    if cameraPath {
      reason = "the scenario's camera follows a path"
    } else if !movers.isEmpty {
      reason = "the scenario has moving objects (\(movers.joined(separator: ", ")))"
    } else {
      reason = nil
    }
  }
}

/// When a still picture is what the scenario asks for. With a static camera the picture may
/// hold still while every object the scenario moves is hidden (a ball behind a wall), held
/// in place by its scripted path (a cover resting over a cup), or at rest (seen at the same
/// place just before and just after the still frames). A generator that stalls mid-motion
/// fails these tests: the object moves into and out of the still frames, or, when it stalls
/// while the object is hidden, the object is out in full on the first frame after (time
/// jumped on) instead of slipping out of hiding a sliver at a time.
struct ExpectedStillness {
  /// An object whose colour centroid moves less than this (px) between frames is at rest.
  var restPixels = 0.5
  /// A hidden object may show at most this fraction of its largest area in the clip on the
  /// frames just before and after the still run: at 30 fps a ball going behind a board
  /// shows at most about a quarter of itself in its last frame before it is gone.
  var sliverFraction = 0.5

  private let scenario: Scenario
  private let clip: Clip
  private var tracks: [String: [ObjectObservation?]] = [:]

  init(scenario: Scenario, clip: Clip) {
    self.scenario = scenario
    self.clip = clip
  }

  /// Why frames `frames` of the clip may show one image, in words; nil when they should not.
  mutating func reason(_ frames: ClosedRange<Int>) -> String? {
    guard scenario.camera.path == nil, clip.fps > 0 else { return nil }
    let neighbours = [frames.lowerBound - 1, frames.upperBound + 1].filter(clip.frames.indices.contains)
    var hidden: [String] = [], held: [String] = [], resting: [String] = []
    for object in scenario.world.objects where !object.isStatic {
      if let path = object.path {
        let (start, end) = (Double(frames.lowerBound) / clip.fps, Double(frames.upperBound) / clip.fps)
        guard path.holdsStill(from: start, to: end) else { return nil }
        held.append(object.name)
        continue
      }
      guard let track = track(object) else { return nil }
      // The middle frame, since a run's end frames may keep a sliver of change below the
      // frozen threshold (20 px of a ball slipping behind a board at 640×360).
      if let still = track[(frames.lowerBound + frames.upperBound) / 2] {
        for k in neighbours {
          guard let seen = track[k], abs(seen.x - still.x) < restPixels, abs(seen.y - still.y) < restPixels
          else { return nil }
        }
        resting.append(object.name)
      } else {
        let largest = Double(track.compactMap { $0?.area }.max() ?? 0)
        for k in neighbours where Double(track[k]?.area ?? 0) > sliverFraction * largest { return nil }
        hidden.append(object.name)
      }
    }
    let parts = [(hidden, "hidden"), (held, "held by its path"), (resting, "at rest")]
      .filter { !$0.0.isEmpty }
      .map { "\($0.0.joined(separator: ", ")) \($0.1)" }
    return parts.isEmpty ? nil : parts.joined(separator: "; ")
  }

  /// The object's colour track over the clip, made once; nil when its colour cannot be told
  /// from a grey scene.
  private mutating func track(_ object: ObjectSpec) -> [ObjectObservation?]? {
    if let known = tracks[object.name] { return known }
    let signature = ColorSignature(object.color)
    guard signature.isTrackable else { return nil }
    let track = ColorTracker(signature: signature).track(clip)
    tracks[object.name] = track
    return track
  }
}

/// Frame-to-frame brightness flicker: how far each frame's mean brightness lies from the mean
/// of its neighbours', which removes any steady drift (exposure, a camera turning to a
/// brighter side).
struct BrightnessFlicker {
  var mean: Double
  var largest: Double
  /// Index (in the series) of the frame with the largest distance.
  var worst: Int

  init?(_ brightness: [Double]) {
    guard brightness.count >= 3 else { return nil }
    let distances = (1..<(brightness.count - 1)).map { (k: Int) -> Double in
      let neighbours = (brightness[k - 1] + brightness[k + 1]) / 2
      return abs(brightness[k] - neighbours)
    }
    mean = distances.reduce(0, +) / Double(distances.count)
    let k = distances.indices.max { distances[$0] < distances[$1] }!
    largest = distances[k]
    worst = k + 1
  }
}

/// Runs of frozen pairs (consecutive frames showing the same image).
struct FrozenRuns {
  /// Frozen runs with motion before and after, as frame ranges (first…last frame of the
  /// repeated image), relative to the first frame judged.
  var unexpected: [ClosedRange<Int>] = []
  var allFrozen: Bool

  init(changed: [Double], limit: Double, minimumPairs: Int) {
    let frozen = changed.map { $0 <= limit }
    allFrozen = !frozen.isEmpty && frozen.allSatisfy { $0 }
    var k = 0
    while k < frozen.count {
      guard frozen[k] else {
        k += 1
        continue
      }
      var end = k
      while end + 1 < frozen.count && frozen[end + 1] { end += 1 }
      // Pairs k…end are frozen: frames k…end + 1 show one image.
      let movesBefore = frozen[..<k].contains(false)
      let movesAfter = frozen[(end + 1)...].contains(false)
      if movesBefore && movesAfter && end - k + 1 >= minimumPairs { unexpected.append(k...(end + 1)) }
      k = end + 1
    }
  }
}

/// The largest swing of a speed series: a dip (slowing then speeding up again) or a bump
/// (the reverse), as the ratio of the smaller of the two outer speeds to the extreme one.
/// The series is first smoothed, a 3-tap median (one failed flow) then a 5-tap mean (the
/// frame-to-frame wobble of flow on aliased texture), since a change of playback speed is
/// slow by nature; speeds are floored at a tenth of a pixel per frame.
struct SpeedSwing {
  var ratio: Double
  var index: Int
  var isDip: Bool
  var before: Double
  var extreme: Double
  var after: Double

  /// nil for fewer than three speeds or a median speed under `minimum` px per frame: below a
  /// pixel of the analysis frames, flow noise (a few tenths of a pixel) makes swings of its own
  /// (1.5 in orbit-while-cup-falls at 96 px and 30 fps, 0.6–0.9 px per frame).
  init?(_ raw: [Double], minimum: Double = 1) {
    guard raw.count >= 3, let typical = median(raw), typical >= minimum else { return nil }
    var filtered = raw
    for k in raw.indices {
      filtered[k] = median(Array(raw[max(0, k - 1)...min(raw.count - 1, k + 1)])) ?? 0
    }
    var s = filtered
    for k in raw.indices {
      let window = filtered[max(0, k - 2)...min(raw.count - 1, k + 2)]
      s[k] = max(window.reduce(0, +) / Double(window.count), 0.1)
    }
    var leftMax = s, leftMin = s, rightMax = s, rightMin = s
    for k in 1..<s.count {
      leftMax[k] = max(leftMax[k - 1], s[k])
      leftMin[k] = min(leftMin[k - 1], s[k])
    }
    for k in stride(from: s.count - 2, through: 0, by: -1) {
      rightMax[k] = max(rightMax[k + 1], s[k])
      rightMin[k] = min(rightMin[k + 1], s[k])
    }
    var best = (ratio: 1.0, index: 0, isDip: true)
    for k in s.indices {
      let dip = min(leftMax[k], rightMax[k]) / s[k]
      let bump = s[k] / max(leftMin[k], rightMin[k])
      if dip > best.ratio { best = (dip, k, true) }
      if bump > best.ratio { best = (bump, k, false) }
    }
    ratio = best.ratio
    index = best.index
    isDip = best.isDip
    extreme = s[best.index]
    before = best.isDip ? leftMax[best.index] : leftMin[best.index]
    after = best.isDip ? rightMax[best.index] : rightMin[best.index]
  }
}

private func clamp01(_ x: Double) -> Double { min(1, max(0, x)) }
private func f1(_ x: Double) -> String { String(format: "%.1f", x) }
private func f2(_ x: Double) -> String { String(format: "%.2f", x) }
