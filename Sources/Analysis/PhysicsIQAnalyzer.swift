import Foundation
import Media
import Scenarios

/// Judges a continuation by the Physics-IQ metrics (see `PhysicsIQ`): where and when things
/// move in the generated frames against the reference rendering of the same scenario, and how
/// far the pixels are from it.
///
/// Only frames after the conditioning frames are judged (the generator was shown those), and
/// of them the first five seconds, as the benchmark does. The reference rendering comes from
/// outside (Analysis does not render): the caller passes a function that renders a scenario
/// with the reference engine.
public struct PhysicsIQAnalyzer: Analyzer {
  public let name = "physics-iq"

  /// Renders the reference clip of a scenario (with all its frames, conditioning included).
  public var reference: @Sendable (Scenario) throws -> Clip
  /// An IoU below this is worth a warning: the motion overlaps the reference's by less than
  /// half of their union.
  public var lowIoU = 0.5
  /// σ of the MSE score exp(−MSE ÷ σ): 0.01 is an RMS difference of a tenth of the full
  /// range, which scores e⁻¹ ≈ 0.37.
  public var mseScale = 0.01

  public init(reference: @escaping @Sendable (Scenario) throws -> Clip) {
    self.reference = reference
  }

  public func analyze(_ clip: Clip, scenario: Scenario, check: CheckSpec) throws -> AnalysisResult {
    var findings: [Finding] = []
    let conditioning = scenario.conditioning?.frames ?? 0
    if scenario.conditioning == nil {
      findings.append(
        Finding(
          severity: .info,
          message: "the scenario gives no conditioning frames, so the whole clip is compared with the reference although the generator was not shown how the scene starts"))
    }
    let truth = try reference(scenario)
    func unmeasured(_ reason: String) -> AnalysisResult {
      findings.append(Finding(severity: .warning, message: reason))
      return AnalysisResult(
        analyzer: name, subject: check.object, measurements: Self.names.map { Measurement(name: $0, value: nil, unit: "") },
        findings: findings, evidence: Evidence())
    }
    guard clip.fps > 0, abs(clip.fps - truth.fps) < 1e-6 else {
      return unmeasured(
        "the clip runs at \(format(clip.fps)) fps and the reference at \(format(truth.fps)) fps; Physics-IQ compares frame by frame, so nothing was measured")
    }
    let window = PhysicsIQ.judgedFrames(fps: clip.fps)
    let generated = clip.frames.dropFirst(conditioning).prefix(window)
    let expected = truth.frames.dropFirst(conditioning).prefix(window)
    let judged = min(generated.count, expected.count)
    guard judged > 0 else {
      return unmeasured(
        "the clip has \(clip.frames.count) frames and the reference \(truth.frames.count): none is left to judge after the \(conditioning) conditioning frames")
    }
    if generated.count != expected.count {
      findings.append(
        Finding(
          severity: .warning,
          message: "the continuation has \(generated.count) frames to judge and the reference \(expected.count); only the first \(judged) were compared"))
    }
    let metrics = try PhysicsIQ.compare(
      candidate: Array(generated.prefix(judged)), reference: Array(expected.prefix(judged)), fps: clip.fps)
    let frameIndex = { (k: Int) in conditioning + k }
    findings += describe(metrics, frameIndex: frameIndex)

    let time = (0..<judged).map { Double(frameIndex($0)) / clip.fps }
    let worst = metrics.spatiotemporalIoUPerFrame.enumerated()
      .filter { $0.element < lowIoU }.sorted { $0.element < $1.element }.prefix(6).map { frameIndex($0.offset) }
    let evidence = Evidence(
      series: [
        Series(name: "spatiotemporal IoU", xUnit: "s", yUnit: "", x: time, y: metrics.spatiotemporalIoUPerFrame),
        Series(name: "MSE", xUnit: "s", yUnit: "(0…1)²", x: time, y: metrics.msePerFrame),
        Series(name: "moving pixels, reference", xUnit: "s", yUnit: "px at ¼ size", x: time, y: metrics.referenceMoving.map(Double.init)),
        Series(name: "moving pixels, clip", xUnit: "s", yUnit: "px at ¼ size", x: time, y: metrics.candidateMoving.map(Double.init)),
      ],
      frames: worst.sorted())
    return AnalysisResult(
      analyzer: name, subject: check.object, measurements: measurements(metrics), findings: findings, evidence: evidence)
  }

  static let names = ["spatial_iou", "spatiotemporal_iou", "weighted_spatial_iou", "mse", "physics_iq_score"]

  private func measurements(_ m: PhysicsIQMetrics) -> [Measurement] {
    [
      Measurement(
        name: "spatial_iou", value: m.spatialIoU, unit: "", reference: 1, score: m.spatialIoU,
        scoreFormula: "the IoU itself: pixels that moved in both clips ÷ pixels that moved in either, a pixel counting if it moved in any judged frame (1 when neither moves)"),
      Measurement(
        name: "spatiotemporal_iou", value: m.spatiotemporalIoU, unit: "", reference: 1, score: m.spatiotemporalIoU,
        scoreFormula: "the IoU itself: per frame, moving pixels in both ÷ moving pixels in either (1 when neither moves), averaged over the judged frames"),
      Measurement(
        name: "weighted_spatial_iou", value: m.weightedSpatialIoU, unit: "", reference: 1, score: m.weightedSpatialIoU,
        scoreFormula: "the IoU itself: Σ min(a, b) ÷ Σ max(a, b) over pixels, a and b the fraction of judged frames in which the pixel moves in each clip (1 when neither moves)"),
      Measurement(
        name: "mse", value: m.mse, unit: "mean squared difference of RGB values scaled to 0…1, at ¼ size",
        reference: 0, score: exp(-m.mse / mseScale),
        scoreFormula: "exp(−MSE ÷ \(format(mseScale))): an RMS difference of a tenth of the range scores 0.37"),
      Measurement(
        name: "physics_iq_score", value: m.physicsIQScore, unit: "%", reference: 100, score: m.physicsIQScore / 100,
        scoreFormula: "the paper's score ÷ 100: ((spatiotemporal + spatial + weighted IoU) ÷ 3 − MSE) · 100 clamped to 0…100, the physical-variance normalisers being those of a deterministic reference (1, 1, 1 and 0)"),
    ]
  }

  private func describe(_ m: PhysicsIQMetrics, frameIndex: (Int) -> Int) -> [Finding] {
    let referenceMoves = m.referenceMoving.indices.filter { m.referenceMoving[$0] > 0 }
    let clipMoves = m.candidateMoving.contains { $0 > 0 }
    if referenceMoves.isEmpty {
      return [
        Finding(
          severity: clipMoves ? .warning : .info,
          message: clipMoves
            ? "the reference continuation is still, but the clip moves: spatial IoU \(format(m.spatialIoU))"
            : "neither the reference continuation nor the clip moves; the IoUs are 1 by convention")
      ]
    }
    if !clipMoves {
      return [
        Finding(
          severity: .violation,
          message: "nothing moves in the continuation, while the reference moves in \(referenceMoves.count) of \(m.referenceMoving.count) judged frames: the motion the scene implies is missing",
          frames: referenceMoves.prefix(6).map(frameIndex))
      ]
    }
    var findings: [Finding] = []
    if m.spatialIoU == 0 {
      findings.append(
        Finding(
          severity: .violation,
          message: "motion happens only in places where the reference shows none: spatial IoU 0"))
    } else if m.spatialIoU < lowIoU {
      findings.append(
        Finding(
          severity: .warning,
          message: "motion happens in other places than in the reference: the pixels that ever move overlap by \(percent(m.spatialIoU)) of their union (spatial IoU \(format(m.spatialIoU)))"))
    }
    if m.spatiotemporalIoU < lowIoU {
      let bad = m.spatiotemporalIoUPerFrame.indices.filter { m.spatiotemporalIoUPerFrame[$0] < lowIoU }
      findings.append(
        Finding(
          severity: .warning,
          message: "motion happens at other times or places than in the reference: frame by frame the moving pixels overlap by \(percent(m.spatiotemporalIoU)) on average (spatiotemporal IoU \(format(m.spatiotemporalIoU))), below \(format(lowIoU)) in \(bad.count) of \(m.spatiotemporalIoUPerFrame.count) frames",
          frames: bad.prefix(6).map(frameIndex)))
    }
    if m.weightedSpatialIoU < lowIoU && m.spatialIoU >= lowIoU {
      findings.append(
        Finding(
          severity: .warning,
          message: "the same places move, but for different lengths of time: weighted spatial IoU \(format(m.weightedSpatialIoU))"))
    }
    return findings
  }
}

private func format(_ x: Double) -> String { String(format: "%.2f", x) }
private func percent(_ x: Double) -> String { String(format: "%.0f%%", x * 100) }
