import Foundation
import Media
import Scenarios

/// Measures gravity and contact for one falling object.
///
/// It finds the object by the colour the scenario gives, follows it frame by frame, finds the
/// free fall that covers the most distance (release to first impact), takes the pixel scale
/// from the object's known width in the frames where it is seen sharply, and fits a quadratic
/// to the height fallen: g = 2c. The scenario's gravity is only the reference the measurement
/// is compared with; nothing is read from the camera. Assumes the image's vertical is the
/// world's. Real footage is allowed a hand that holds the object before release (merged
/// frames are dropped), motion blur (blurred frames give no scale, and frames blurred to noise
/// are dropped) and a camera tilted towards the fall (read from the width changing down the
/// image; see ApparentSize).
public struct PhysicsAnalyzer: Analyzer {
  public let name = "physics"

  /// Relative gravity error beyond which the clip violates the scenario's gravity (10%: a
  /// careful measurement on clean video is good to about 2%; a world model off by more than
  /// 10% shows a visibly wrong fall).
  public var gravityTolerance = 0.1
  /// The object is at rest when its centre moves less than this many pixels…
  public var restPixels = 1.0
  /// …over this last stretch of the clip, in seconds.
  public var restSeconds = 0.3

  public init() {}

  public func analyze(_ clip: Clip, scenario: Scenario, check: CheckSpec) throws -> AnalysisResult {
    let gRef = scenario.world.gravity
    var report = PhysicsReport(gravityReference: gRef, tolerance: gravityTolerance)
    guard let object = scenario.subject(of: check) else {
      report.findings.append(
        Finding(
          severity: .warning,
          message: check.object.map { "the scenario has no object '\($0)' to judge; nothing measured" }
            ?? "the scenario has no moving object to judge; nothing measured"))
      return report.result(analyzer: name, subject: check.object)
    }
    let noun = "the \(object.name)"
    let signature = ColorSignature(object.color)
    let unmeasurable: String? =
      if clip.frames.isEmpty || !(clip.fps > 0) {
        "the clip has no frames to measure"
      } else if !signature.isTrackable {
        "\(noun)'s colour is too grey to find it by colour; nothing measured"
      } else if !(object.shape.width > 0) {
        "\(noun) has no width in the scenario to take the scale from; nothing measured"
      } else {
        nil
      }
    if let unmeasurable {
      report.findings.append(Finding(severity: .warning, message: unmeasurable))
      return report.result(analyzer: name, subject: object.name)
    }

    let track = ColorTracker(signature: signature).track(clip)
    report.noteMissing(track, noun: noun)
    guard track.contains(where: { $0 != nil }) else {
      return report.result(analyzer: name, subject: object.name)
    }

    let fps = clip.fps
    // A first pass finds the fall and the object's sharp size after its release; the second
    // repeats both without the frames where the object is merged with something or blurred
    // away, which real footage has around the release and at full speed.
    let image = (width: clip.width, height: clip.height)
    var segment = FreeFallSegment.longest(y: track.map { $0?.y }, fps: fps)
    var size = ApparentSize(track: track, from: segment?.release ?? 0, image: image, metres: object.shape.width)
    let clean = size?.clean(track) ?? track
    if clean != track {
      // Where a run of dropped frames ends, the object may just have been let go.
      let starts = clean.indices.dropFirst().filter { clean[$0] != nil && clean[$0 - 1] == nil }
      segment = FreeFallSegment.longest(y: clean.map { $0?.y }, fps: fps, starts: starts)
      size = ApparentSize(track: clean, from: segment?.release ?? 0, image: image, metres: object.shape.width) ?? size
    }
    let ys = clean.map { $0?.y }
    // Scale from the width, not the height: when the object is above or below the camera,
    // its top or bottom face shows and adds to the apparent height, while the width of a
    // cylinder, sphere or upright box does not change with the vertical viewing angle.
    // Measured on the reference engine's cup (r 4 cm, h 10 cm, 3 m away, dropped from 1.3 m
    // past a camera at 0.65 m, 256 and 512 px): height ÷ 0.1 m overstated the scale by 2–18%
    // depending on the frame; width ÷ 0.08 m understated it by 0.5% in every frame. Only
    // sharp frames count, and the width may change along the fall (see ApparentSize).
    let fallFrames = segment.map { Array($0.frames) } ?? []
    let meanRow = fallFrames.isEmpty ? nil : fallFrames.compactMap { ys[$0] }.reduce(0, +) / Double(fallFrames.count)
    let scale = size.flatMap { size in meanRow.map { size.scale(atRow: $0) } }
    report.scale = scale

    if let segment, let impact = segment.impact { report.impactFrame = impact }
    if let segment, segment.fit != nil, let size,
      let metric = QuadraticFit(
        t: fallFrames.map { Double($0) / fps }, y: fallFrames.map { size.depthBelowCentre(row: ys[$0]!) })
    {
      report.fit = segment.fit
      report.gravity = 2 * metric.c
      report.gravityUncertainty = metric.cUncertainty.map { 2 * $0 }
      report.judgeGravity(noun: noun, frames: Array(segment.frames))
    } else {
      let n = segment?.frames.count ?? 0
      report.findings.append(
        Finding(
          severity: .warning,
          message: n == 0
            ? "\(noun) was never seen falling, so gravity could not be measured"
            : "\(noun) was seen falling in only \(n) frame\(n == 1 ? "" : "s") (at least \(FreeFallSegment.minFrames) are needed), so gravity could not be measured",
          frames: segment.map { Array($0.frames) } ?? []))
    }

    let rest = restState(track, fps: fps)
    report.atRest = rest.atRest
    if rest.atRest == false {
      report.findings.append(
        Finding(
          severity: .warning,
          message: "\(noun) never comes to rest: it still moves more than \(format(restPixels)) px in the last \(format(restSeconds)) s",
          frames: [track.count - 1]))
    }

    report.evidence = evidence(track, segment: segment, size: size, fps: fps, restFrame: rest.frame)
    return report.result(analyzer: name, subject: object.name)
  }

  /// Whether the last `restSeconds` move less than `restPixels`, and the first frame from which
  /// the object stays within `restPixels` of where it ends. nil when the end is not all seen.
  private func restState(_ track: [ObjectObservation?], fps: Double) -> (atRest: Bool?, frame: Int?) {
    let window = max(2, Int((restSeconds * fps).rounded()))
    guard track.count >= window, let end = track.last ?? nil else { return (nil, nil) }
    let tail = track.suffix(window).compactMap { $0 }
    guard tail.count == window else { return (nil, nil) }
    let near = { (o: ObjectObservation) in
      max(abs(o.x - end.x), abs(o.y - end.y)) < self.restPixels / 2
    }
    let atRest = tail.allSatisfy(near)
    guard atRest else { return (false, nil) }
    var frame = track.count - 1
    while frame > 0, let o = track[frame - 1], near(o) { frame -= 1 }
    return (true, frame)
  }

  private func evidence(
    _ track: [ObjectObservation?], segment: FreeFallSegment?, size: ApparentSize?, fps: Double,
    restFrame: Int?
  ) -> Evidence {
    var frames: [Int] = []
    if let segment {
      frames.append(segment.release)
      if let impact = segment.impact { frames.append(impact) }
    }
    if let restFrame, !frames.contains(restFrame) { frames.append(restFrame) }
    let seen = track.compactMap { $0 }
    guard let size, let lowest = seen.map(\.y).max() else {
      return Evidence(frames: frames)
    }
    let height = { (row: Double) in size.depthBelowCentre(row: lowest) - size.depthBelowCentre(row: row) }
    var series = [
      Series(
        name: "height above lowest point", xUnit: "s", yUnit: "m",
        x: seen.map { Double($0.frame) / fps }, y: seen.map { height($0.y) })
    ]
    if let segment, let fit = segment.fit {
      let t = segment.frames.map { Double($0) / fps }
      series.append(
        Series(
          name: "fitted free fall", xUnit: "s", yUnit: "m", x: t, y: t.map { height(fit($0)) }))
    }
    return Evidence(series: series, frames: frames)
  }
}

/// What the physics analyzer has found so far, turned into a result at the end; every
/// measurement is present, with a nil value where it could not be measured.
private struct PhysicsReport {
  let gravityReference: Double
  let tolerance: Double
  var gravity: Double?
  var gravityUncertainty: Double?
  var fit: QuadraticFit?
  var impactFrame: Int?
  var atRest: Bool?
  var scale: Double?
  var findings: [Finding] = []
  var evidence = Evidence()

  init(gravityReference: Double, tolerance: Double) {
    self.gravityReference = gravityReference
    self.tolerance = tolerance
  }

  /// Absolute tolerance in m/s²; a floor of 0.1 m/s² keeps a weightless scenario judgeable.
  var allowed: Double { max(tolerance * abs(gravityReference), 0.1) }

  mutating func judgeGravity(noun: String, frames: [Int]) {
    guard let g = gravity, abs(g - gravityReference) > allowed else { return }
    findings.append(
      Finding(
        severity: .violation,
        message: "\(noun) falls at \(fixed(g)) m/s², the scenario's gravity is \(fixed(gravityReference)) m/s² (\(format(abs(g - gravityReference) / max(abs(gravityReference), 1e-9) * 100, digits: 0))% off; more than \(format(tolerance * 100, digits: 0))% is a violation)",
        frames: frames))
  }

  mutating func noteMissing(_ track: [ObjectObservation?], noun: String) {
    let missing = track.indices.filter { track[$0] == nil }
    guard !missing.isEmpty else { return }
    if missing.count == track.count {
      findings.append(
        Finding(severity: .violation, message: "\(noun) could not be found in any frame", frames: missing))
      return
    }
    let ranges = runs(missing).map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)–\($0.upperBound - 1)" }
    findings.append(
      Finding(
        severity: .warning,
        message: "\(noun) could not be found in frame\(missing.count == 1 ? "" : "s") \(ranges.joined(separator: ", "))",
        frames: missing))
  }

  func result(analyzer: String, subject: String?) -> AnalysisResult {
    let gravityScore = gravity.map { exp(-abs($0 - gravityReference) / allowed) }
    let measurements = [
      Measurement(
        name: "gravity", value: finite(gravity), unit: "m/s²", reference: gravityReference,
        score: finite(gravityScore),
        scoreFormula: "exp(−|g − g_ref| ÷ max(\(format(tolerance)) · g_ref, 0.1 m/s²))"),
      Measurement(name: "gravity_uncertainty", value: finite(gravityUncertainty), unit: "m/s²"),
      Measurement(name: "fit_residual", value: finite(fit?.rmsResidual), unit: "px"),
      Measurement(name: "impact_frame", value: impactFrame.map(Double.init), unit: "frame"),
      Measurement(name: "at_rest", value: atRest.map { $0 ? 1 : 0 }, unit: "1/0"),
      Measurement(name: "pixels_per_metre", value: finite(scale), unit: "px/m"),
    ]
    return AnalysisResult(
      analyzer: analyzer, subject: subject, measurements: measurements, findings: findings,
      evidence: evidence)
  }
}

private func finite(_ x: Double?) -> Double? { x.flatMap { $0.isFinite ? $0 : nil } }

/// Consecutive runs of sorted frame indices.
private func runs(_ frames: [Int]) -> [Range<Int>] {
  var out: [Range<Int>] = []
  for f in frames {
    if let last = out.last, last.upperBound == f {
      out[out.count - 1] = last.lowerBound..<(f + 1)
    } else {
      out.append(f..<(f + 1))
    }
  }
  return out
}

/// Two decimals, for values a reader compares with each other, such as g and its reference.
func fixed(_ x: Double) -> String { String(format: "%.2f", x) }

/// A number as a person reads it: at most `digits` decimals, no trailing zeros.
func format(_ x: Double, digits: Int = 2) -> String {
  var s = String(format: "%.\(digits)f", x)
  if s.contains(".") {
    while s.hasSuffix("0") { s.removeLast() }
    if s.hasSuffix(".") { s.removeLast() }
  }
  return s
}
