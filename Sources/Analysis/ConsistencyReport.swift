import Foundation
import Media

/// The consistency analyzer's measurements, findings and evidence as they are gathered.
struct ConsistencyReport {
  var measurements: [Measurement] = []
  var findings: [Finding] = []
  var series: [Series] = []
  var frames: [Int] = []
  /// Component scores that make up the overall one.
  var scores: [Double] = []
  var path = "the camera path"
  var stride = 1
  var survival: Double?

  /// Score of a non-negative error against its tolerance: 1 at zero, ½ at the tolerance.
  static func score(_ error: Double, tolerance: Double) -> Double {
    1 / (1 + (error / tolerance) * (error / tolerance))
  }

  static func scoreFormula(_ what: String, tolerance: String) -> String {
    "1 / (1 + (\(what) / \(tolerance))²): 1 when perfect, 0.5 at the tolerance"
  }

  private mutating func add(_ m: Measurement) {
    measurements.append(m)
    if let s = m.score { scores.append(s) }
  }

  // MARK: rigidity

  mutating func judgeRigidity(_ pairs: [PairGeometry], pairCount: Int, tolerance: Double,
                              inlierTolerance: Double) {
    let x = pairs.map { Double($0.first) }
    let sampson = median(pairs.map(\.inlierSampson))
    let all = median(pairs.map(\.allSampson))
    let ratio = median(pairs.map(\.inlierRatio))
    let strideNote = "frames k and k + \(stride)"
    add(Measurement(
      name: "median Sampson error", value: sampson, unit: "px", reference: 0,
      score: sampson.map { Self.score($0, tolerance: tolerance) },
      scoreFormula: Self.scoreFormula("e", tolerance: "\(format(tolerance)) px")
        + "; e is the median over pairs (\(strideNote)) of RANSAC inliers' median Sampson distance"))
    add(Measurement(
      name: "Sampson error of all tracks", value: all, unit: "px", reference: 0,
      score: all.map { Self.score($0, tolerance: 2 * tolerance) },
      scoreFormula: Self.scoreFormula("e", tolerance: "\(format(2 * tolerance)) px")
        + "; e is the median over pairs of every static track's Sampson distance, inlier or not"))
    add(Measurement(
      name: "inlier ratio", value: ratio, unit: "fraction", reference: 1,
      score: ratio.map { max(0, min(1, ($0 - 0.5) / 0.5)) },
      scoreFormula: "(r − 0.5) / 0.5 clamped to 0…1, r the median over pairs of the fraction of correspondences RANSAC keeps"))
    let upper = median(pairs.map(\.upperSampson))
    // No score: on the reference engine it is 0.3–0.5 px (tracks at occlusion edges), and
    // objects that jitter show better by name (see judgeObjects).
    measurements.append(Measurement(
      name: "Sampson error, 90th percentile", value: upper, unit: "px", reference: 0))
    measurements.append(Measurement(
      name: "calibrated Sampson error", value: median(pairs.compactMap(\.calibratedSampson)), unit: "px",
      reference: 0))
    measurements.append(Measurement(
      name: "track survival over 10 frames", value: survival, unit: "fraction",
      scoreFormula: nil))
    measurements.append(Measurement(name: "frame stride", value: Double(stride), unit: "frames"))
    series.append(Series(name: "median Sampson error", xUnit: "frame", yUnit: "px", x: x, y: pairs.map(\.inlierSampson)))
    series.append(Series(name: "inlier ratio", xUnit: "frame", yUnit: "fraction", x: x, y: pairs.map(\.inlierRatio)))

    if pairs.count < pairCount {
      let missing = pairCount - pairs.count
      findings.append(Finding(
        severity: pairs.isEmpty ? .warning : .info,
        message: "\(missing) of \(pairCount) frame pairs had too few tracked features to test for a rigid scene"))
    }
    let bad = pairs.filter { $0.inlierSampson > tolerance || $0.inlierRatio < inlierTolerance }
    for run in Self.runs(bad.map(\.first)).prefix(3) {
      let inRun = bad.filter { run.contains($0.first) }
      let worst = inRun.max { $0.inlierSampson < $1.inlierSampson }!
      let e = median(inRun.map(\.inlierSampson)) ?? 0
      let r = median(inRun.map(\.inlierRatio)) ?? 0
      let last = run.upperBound + stride
      findings.append(Finding(
        severity: .violation,
        message: "the scene is not rigid between frames \(run.lowerBound)–\(last): median Sampson error \(format(e)) px (reference under \(format(tolerance)) px), \(Int((r * 100).rounded()))% of tracks fit one rigid scene",
        frames: [worst.first, worst.second]))
      frames += [worst.first, worst.second]
    }
  }

  /// Per static object found by colour, how its silhouette's centre jitters from frame to
  /// frame against the scene. Features on a flat-coloured object are its silhouette and the
  /// junctions where it meets others, which slide over its surface as the view turns, so
  /// their epipolar error says little; its centre, though, follows a smooth path under a
  /// smooth camera path, like the scene around it. So for each frame k with the object whole
  /// and unclipped at k − 1, k, k + 1 (areas within 20%), the centre's second difference
  /// c(k + 1) − 2c(k) + c(k − 1), less the scene's median track acceleration, is pure jitter:
  /// for independent offsets of spread σ per frame and axis it spreads by √6·σ. The jitter is
  /// the median length of that residual over √6.
  mutating func judgeJitter(_ objects: [ObjectSightings], scene: [SIMD2<Double>?], width: Int, height: Int,
                            tolerance: Double) {
    var worst: (name: String, jitter: Double, frame: Int)?
    for object in objects {
      let f = object.frames
      var residuals: [(length: Double, frame: Int)] = []
      for k in f.indices.dropFirst().dropLast() {
        guard k < scene.count, let a = scene[k], let p = f[k - 1], let c = f[k], let q = f[k + 1] else { continue }
        let areas = [p.area, c.area, q.area]
        guard Double(areas.max()!) <= 1.2 * Double(areas.min()!),
          [p, c, q].allSatisfy({ $0.box.minX > 1 && $0.box.minY > 1 && $0.box.maxX < Double(width - 1) && $0.box.maxY < Double(height - 1) })
        else { continue }
        residuals.append(((q.centre - 2 * c.centre + p.centre - a).length, k))
      }
      guard residuals.count >= 5, let m = median(residuals.map(\.length)) else { continue }
      let jitter = m / 6.0.squareRoot()
      if jitter > worst?.jitter ?? -1 {
        worst = (object.name, jitter, residuals.max { $0.length < $1.length }!.frame)
      }
    }
    add(Measurement(
      name: "worst object's jitter", value: worst?.jitter, unit: "px", reference: 0,
      score: worst.map { Self.score($0.jitter, tolerance: tolerance) },
      scoreFormula: Self.scoreFormula("j", tolerance: "\(format(tolerance)) px")
        + "; j is, for the static object (found by its colour) where it is largest, the median frame-to-frame second difference of its silhouette centre, less the scene's, over √6"))
    if let worst, worst.jitter > tolerance {
      findings.append(Finding(
        severity: .violation,
        message: "the \(worst.name) does not hold still with the rest of the scene: its silhouette jitters by \(format(worst.jitter)) px from frame to frame where the camera's motion moves it smoothly (reference under \(format(tolerance)) px)",
        frames: [worst.frame - 1, worst.frame + 1]))
      frames += [worst.frame - 1, worst.frame + 1]
    }
  }

  /// An object seen by its colour that jumps from absent (or under a third of its area) to
  /// present in one frame, or back, away from the image border: a camera moving smoothly
  /// uncovers and covers things over several frames.
  mutating func judgePopping(_ objects: [ObjectSightings], width: Int, height: Int) {
    var events = 0
    for object in objects {
      let f = object.frames
      for k in f.indices.dropFirst() {
        let before = f[k - 1]?.area ?? 0, after = f[k]?.area ?? 0
        let big = max(before, after), small = min(before, after)
        guard big >= 30, Double(small) < Double(big) / 3 else { continue }
        let box = (after > before ? f[k] : f[k - 1])!.box
        guard box.minX > 1, box.minY > 1, box.maxX < Double(width - 1), box.maxY < Double(height - 1)
        else { continue }
        if Self.isOccluded(object, at: after > before ? k - 1 : k, seenAt: after > before ? k : k - 1,
                           among: objects, width: width, height: height) { continue }
        events += 1
        guard events <= 3 else { continue }
        findings.append(Finding(
          severity: .violation,
          message: "the \(object.name) \(after > before ? "appears" : "vanishes") from one frame to the next (frames \(k - 1)–\(k): \(before) → \(after) px of its colour) with no camera motion to explain it",
          frames: [k - 1, k]))
        frames += [k - 1, k]
      }
    }
    add(Measurement(
      name: "objects appearing or vanishing", value: Double(events), unit: "events", reference: 0,
      score: events == 0 ? 1 : 0, scoreFormula: "1 with no such event, else 0"))
  }

  /// Whether `object`, seen at frame `seen` and (nearly) gone at the neighbouring frame
  /// `hidden`, is there hidden behind other objects rather than missing: at `hidden`, most of
  /// the pixels it covers at `seen` show its own colour or another object's (an orbit carries
  /// things behind one another, several pixels a frame). Colour alone cannot tell which is in
  /// front, so an object popping out in front of another coloured one is taken for one coming
  /// out from behind it; popping over the floor or background is caught.
  static func isOccluded(_ object: ObjectSightings, at hidden: Int, seenAt seen: Int, among objects: [ObjectSightings],
                         width: Int, height: Int) -> Bool {
    guard let shown = object.frames[seen] else { return false }
    var coloured = [Bool](repeating: false, count: width * height)
    for other in objects {
      for p in other.frames[hidden]?.pixels ?? [] { coloured[Int(p)] = true }
    }
    let covered = shown.pixels.reduce(0) { $0 + (coloured[Int($1)] ? 1 : 0) }
    return 2 * covered >= shown.pixels.count
  }

  // MARK: rotation

  mutating func judgeRotation(_ pairs: [PairGeometry], asked: AskedCameraMotion, tolerance: Double,
                              floor: Double) {
    let s = Double(stride)
    let posed = pairs.filter { $0.rotation != nil }
    let estimated = posed.map { EpipolarGeometry.rotationAngleDegrees(.identity, $0.rotation!) / s }
    let wanted = posed.map {
      EpipolarGeometry.rotationAngleDegrees(.identity, asked.relativeRotation(from: $0.first, to: $0.second)) / s
    }
    let errors = posed.map {
      EpipolarGeometry.rotationAngleDegrees($0.rotation!, asked.relativeRotation(from: $0.first, to: $0.second)) / s
    }
    let est = median(estimated), want = median(wanted), err = median(errors)
    let allowed = tolerance * (want ?? 0) + floor
    let allowedText = "(\(format(tolerance)) × asked + \(format(floor))°)"
    add(Measurement(
      name: "rotation per frame", value: est, unit: "°/frame", reference: want,
      score: est.flatMap { e in want.map { Self.score(abs(e - $0), tolerance: allowed) } },
      scoreFormula: Self.scoreFormula("|estimated − asked|", tolerance: allowedText)
        + "; medians over pairs of the rotation angle from E = KᵀFK, divided by the stride"))
    add(Measurement(
      name: "rotation error per frame", value: err, unit: "°/frame", reference: 0,
      score: err.map { Self.score($0, tolerance: allowed) },
      scoreFormula: Self.scoreFormula("e", tolerance: allowedText)
        + "; e is the median over pairs of the angle between the estimated and asked rotations, divided by the stride"))
    // Chain whole strides from the first frame for the turn over the clip.
    let chained = posed.filter { $0.first % stride == 0 }
    let total = chained.map { EpipolarGeometry.rotationAngleDegrees(.identity, $0.rotation!) }.reduce(0, +)
    let totalAsked = chained.map {
      EpipolarGeometry.rotationAngleDegrees(.identity, asked.relativeRotation(from: $0.first, to: $0.second))
    }.reduce(0, +)
    measurements.append(Measurement(
      name: "rotation summed over the clip", value: chained.isEmpty ? nil : total, unit: "°",
      reference: chained.isEmpty ? nil : totalAsked))
    let x = posed.map { Double($0.first) }
    series.append(Series(name: "estimated rotation", xUnit: "frame", yUnit: "°/frame", x: x, y: estimated))
    series.append(Series(name: "asked rotation", xUnit: "frame", yUnit: "°/frame", x: x, y: wanted))

    guard let est, let want else {
      if !pairs.isEmpty {
        findings.append(Finding(severity: .warning, message: "the camera's rotation could not be estimated from any frame pair"))
      }
      return
    }
    if abs(est - want) > allowed {
      let worst = posed.indices.max { abs(estimated[$0] - wanted[$0]) < abs(estimated[$1] - wanted[$1]) }!
      findings.append(Finding(
        severity: .violation,
        message: "the camera turns \(format(est))° per frame, \(path) asks for \(format(want))°",
        frames: [posed[worst].first, posed[worst].second]))
    } else if let err, err > allowed {
      let worst = errors.indices.max { errors[$0] < errors[$1] }!
      findings.append(Finding(
        severity: .violation,
        message: "the camera turns about the wrong axis: its rotation differs from what \(path) asks by \(format(err))° per frame (allowed \(format(allowed))°)",
        frames: [posed[worst].first, posed[worst].second]))
    }
  }

  // MARK: zoom

  mutating func judgeZoom(_ scales: [Double?], tolerance: Double) {
    // With per-frame focal lengths f_k, the scale change of pair k is f_(k+1)/f_k times the
    // smooth change a camera path makes, so the second difference of its logarithm,
    // ln f_(k+2) − 2 ln f_(k+1) + ln f_k, has the standard deviation √6·σ of ln f; the median
    // absolute value (× 1.4826 for a normal spread) keeps a few bad pairs out.
    let logs = scales.map { $0.map(log) }
    var second: [Double] = []
    for k in logs.indices.dropFirst() {
      if let a = logs[k - 1], let b = logs[k] { second.append(abs(b - a)) }
    }
    let jitter = median(second).map { 1.4826 * $0 / 6.0.squareRoot() * 100 }
    add(Measurement(
      name: "zoom jitter", value: jitter, unit: "%", reference: 0,
      score: jitter.map { Self.score($0, tolerance: tolerance) },
      scoreFormula: Self.scoreFormula("j", tolerance: "\(format(tolerance))%")
        + "; j = 1.4826 × median |Δ ln s| / √6, s the image scale change between consecutive frames (ratio of distances between tracked points): the frame-to-frame spread of the focal length"))
    let known = logs.indices.filter { logs[$0] != nil }
    series.append(Series(
      name: "image scale change", xUnit: "frame", yUnit: "%", x: known.map(Double.init),
      y: known.map { (exp(logs[$0]!) - 1) * 100 }))
    if let jitter, jitter > tolerance {
      let worst = known.max { abs(logs[$0]!) < abs(logs[$1]!) }!
      findings.append(Finding(
        severity: .violation,
        message: "the focal length jitters: the image scale changes by \(format(jitter))% from frame to frame where the camera's motion changes it smoothly (allowed \(format(tolerance))%); the largest jump is \(format((exp(logs[worst]!) - 1) * 100, digits: 1))% between frames \(worst) and \(worst + 1)",
        frames: [worst, worst + 1]))
      frames += [worst, worst + 1]
    }
  }

  // MARK: dense flow

  mutating func judgeFlow(pairs: [Int], fractions: [Double?], sampled: Set<Int>,
                          sudden: [(pair: Int, excess: Double)], suddenTolerance: Double) {
    let typical = median(pairs.indices.filter { sampled.contains(pairs[$0]) }.compactMap { fractions[$0] })
    // No score: dense flow fails on its own where an orbit moves the image by many pixels a
    // frame (3–11% of textured pixels on the reference engine at 160 px), so the fraction says
    // as much about the flow as about the scene. It serves as the baseline that a sudden
    // change must clear.
    measurements.append(Measurement(
      name: "flow forward–backward inconsistency", value: typical, unit: "fraction", reference: 0))
    let known = pairs.indices.filter { fractions[$0] != nil }
    series.append(Series(name: "flow inconsistency", xUnit: "frame", yUnit: "fraction",
                         x: known.map { Double(pairs[$0]) }, y: known.map { fractions[$0]! }))
    series.append(Series(name: "sudden image change", xUnit: "frame", yUnit: "grey levels",
                         x: sudden.map { Double($0.pair) }, y: sudden.map(\.excess)))
    let largest = sudden.max { $0.excess < $1.excess }
    let excess = max(0, largest?.excess ?? 0)
    add(Measurement(
      name: "largest sudden change", value: excess, unit: "grey levels", reference: 0,
      score: Self.score(excess, tolerance: 2 * suddenTolerance),
      scoreFormula: Self.scoreFormula("c", tolerance: "\(format(2 * suddenTolerance)) grey levels")
        + "; c is the largest excess of one consecutive pair's mean absolute difference over the median of its eight neighbours"))
    // A sudden change counts when the flow cannot explain it either, and when it is an event:
    // changes in pair after pair are jitter (of the focal length, of the camera), judged above.
    let allowed = max(0.02, typical ?? 0)
    let events = sudden.filter { change in
      guard change.excess > suddenTolerance, let index = pairs.firstIndex(of: change.pair),
        let f = fractions[index]
      else { return false }
      return f - (typical ?? 0) > allowed
    }
    guard events.count <= max(2, sudden.count / 20) else {
      findings.append(Finding(
        severity: .warning,
        message: "the image changes abruptly, beyond what the flow explains, in \(events.count) of \(sudden.count) frame pairs: the clip jitters rather than showing one object appear or vanish",
        frames: events.prefix(4).map(\.pair)))
      return
    }
    for change in events {
      let f = fractions[pairs.firstIndex(of: change.pair)!]!
      findings.append(Finding(
        severity: .violation,
        message: "something appears or vanishes between frames \(change.pair) and \(change.pair + 1): the image changes by \(format(change.excess, digits: 1)) grey levels more than around it, and \(format(f * 100, digits: 1))% of the static image moves in a way no flow explains (typically \(format((typical ?? 0) * 100, digits: 1))%)",
        frames: [change.pair, change.pair + 1]))
      frames += [change.pair, change.pair + 1]
    }
  }

  // MARK: loop closure

  mutating func judgeLoop(first: RGBImage, last: RGBImage, firstGrey: GreyImage, lastGrey: GreyImage,
                          k: Matrix3x3, tolerance: Double) {
    let (x1, x2) = loopCorrespondences(firstGrey, lastGrey)
    let angle = ConsistencyGeometry.rotationBetweenRays(x1, x2, k: k)
    let shift = median(zip(x1, x2).map { ($1 - $0).length })
    let difference = FrameStatistics.meanAbsoluteDifference(first, last)
    add(Measurement(
      name: "loop closure rotation", value: angle, unit: "°", reference: 0,
      score: angle.map { Self.score($0, tolerance: tolerance) },
      scoreFormula: Self.scoreFormula("a", tolerance: "\(format(tolerance))°")
        + "; a is the rotation that best turns the first frame's viewing rays onto the last's"))
    measurements.append(Measurement(name: "loop closure feature shift", value: shift, unit: "px", reference: 0))
    measurements.append(Measurement(name: "loop closure image difference", value: difference, unit: "grey levels", reference: 0))
    if let angle, angle > tolerance {
      findings.append(Finding(
        severity: .violation,
        message: "the loop does not close: first and last views differ by \(format(angle, digits: 1))° (median feature shift \(format(shift ?? 0, digits: 1)) px)",
        frames: [0, 0]))
    } else if angle == nil {
      findings.append(Finding(
        severity: .violation,
        message: "the loop does not close: the last view shares too few features with the first to compare them"))
    }
  }

  /// Matches between the first and last views of an orbit: the two-view matcher where it finds
  /// a model, else Lucas–Kanade from the first view's corners (identical views leave F
  /// undetermined, and the matcher may refuse them).
  private func loopCorrespondences(_ a: GreyImage, _ b: GreyImage) -> ([SIMD2<Double>], [SIMD2<Double>]) {
    if let match = TwoViewMatcher().match(a, b), match.points1.count >= 20 {
      return (match.points1, match.points2)
    }
    let tracker = FeatureTracker()
    let corners = tracker.corners.detect(in: a)
    let moved = tracker.tracker.track(corners, from: ImagePyramid(a, levels: 4), to: ImagePyramid(b, levels: 4))
    let kept = moved.indices.filter { moved[$0].isTracked }
    return (kept.map { corners[$0] }, kept.map { moved[$0].position })
  }

  // MARK: result

  func result(analyzer: String) -> AnalysisResult {
    var all = measurements
    let overall = scores.min()
    all.insert(Measurement(
      name: "3D consistency", value: overall, unit: "score", reference: 1, score: overall,
      scoreFormula: "the smallest of the other scores"), at: 0)
    var findings = findings
    if findings.isEmpty {
      findings.append(Finding(severity: .info, message: "the scene stays rigid under \(path): every frame pair fits one static scene"))
    }
    var shown: [Int] = []
    for f in frames where !shown.contains(f) { shown.append(f) }
    return AnalysisResult(
      analyzer: analyzer, subject: nil, measurements: all, findings: findings,
      evidence: Evidence(series: series, frames: shown))
  }

  /// Consecutive runs of sorted frame numbers (gaps of more than 2 split them).
  static func runs(_ frames: [Int]) -> [ClosedRange<Int>] {
    var out: [ClosedRange<Int>] = []
    for f in frames.sorted() {
      if let last = out.last, f <= last.upperBound + 2 {
        out[out.count - 1] = last.lowerBound...f
      } else {
        out.append(f...f)
      }
    }
    return out
  }
}
