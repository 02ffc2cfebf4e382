import CKernels
import Foundation
import Media
import Scenarios

/// Judges object permanence through occlusion: an object that passes behind a wall, is swept
/// over by a screen or covered by a lid must come out again where and when its motion says,
/// looking the same, and exactly once.
///
/// The subject is found by the colour the scenario gives (see `ColorSignature`) and followed
/// frame by frame (`PermanenceTrack`). Occlusion is read from the object itself: its visible
/// area shrinks as an occluder's edge covers it, so a hidden stretch that begins with the
/// object partly covered is an occlusion, while one that begins with the object whole in the
/// frame before is a vanishing in open view. For each hidden stretch it fits constant velocity
/// (Theil–Sen) on the last fully seen frames (an object at rest is predicted to stay), and
/// compares the first fully seen frame after it with the prediction: position error in pixels,
/// and time error in seconds (the time at which the predicted path reaches the observed
/// position, minus the time it was seen there; positive is late). Appearance compares the mean
/// CIELAB colour (ΔE*ab, CIE 1976) and the area of the fully seen frames before the first
/// occlusion with those after the last. The object count is the number of object-sized blobs of
/// the subject's colour, against the number of scenario objects of that colour.
///
/// Defects of the reference engine caught at their default strengths on every occlusion
/// scenario (see the tests), and the smallest strengths still caught with a violation on
/// ball-behind-wall at 160×90 px and 15 fps (a sweep, not a test): vanish at any strength (it
/// never re-emerges); teleport 0.1 m (4 px off; 0.05 m only lowers the score, 0.98 → 0.84);
/// duplicate 0.05 m, where the copy overlaps the ball and reads as growth (×1.32), named a
/// second object from 0.3 m; morph 0.1 (ΔE 14; 0.05 only lowers the score to 0.79); pop 0.05
/// (absent for two frames).
public struct PermanenceAnalyzer: Analyzer {
  public let name = "permanence"

  /// Frames are analysed at this long side at most (smaller clips at their own size).
  public var analysisLongSide = 512
  /// Position error, in object extents, at which the continuity score falls to 1/e and beyond
  /// which the re-emergence is a violation (half the object: a re-emergence off by more is
  /// plainly somewhere else). A floor of 3 px keeps tiny objects judgeable.
  public var positionTolerance = 0.5
  /// Time error in seconds at which the timing score falls to 1/e and beyond which it is a
  /// violation; at least two frames.
  public var timeTolerance = 0.1
  /// Colour difference ΔE*ab at which the colour score falls to 1/e and beyond which the
  /// object has changed colour (10: a clearly visible difference; shading differences of one
  /// object across a scene are a few units).
  public var colorTolerance = 10.0
  /// Area ratio (after ÷ before) at which the size score falls to 1/e and beyond which the
  /// object has changed size (±30%: more than perspective changes of a rolling ball).
  public var sizeTolerance = 1.3

  public init() {}

  public func analyze(_ clip: Clip, scenario: Scenario, check: CheckSpec) throws -> AnalysisResult {
    var report = PermanenceReport()
    guard let object = scenario.subject(of: check) else {
      report.note(
        .warning,
        check.object.map { "the scenario has no object '\($0)' to judge; nothing measured" }
          ?? "the scenario has no moving object to judge; nothing measured")
      return report.result(analyzer: name, subject: check.object)
    }
    let noun = "the \(object.name)"
    let signature = ColorSignature(object.color)
    if clip.frames.isEmpty || !(clip.fps > 0) {
      report.note(.warning, "the clip has no frames to measure")
      return report.result(analyzer: name, subject: object.name)
    }
    if !signature.isTrackable {
      report.note(.warning, "\(noun)'s colour is too grey to find it by colour; nothing measured")
      return report.result(analyzer: name, subject: object.name)
    }

    let frames = clip.frames.map { $0.downsampled(longSide: analysisLongSide) }
    let (w, h) = (frames[0].width, frames[0].height)
    let pxScale = Double(clip.width) / Double(w)
    let fps = clip.fps
    let data = PermanenceFrames(frames: frames, signature: signature, mergeGap: max(2, max(w, h) / 100))
    let expected = scenario.world.objects.filter { $0.name == object.name || signature.matches(ColorSignature($0.color)) }.count
    guard let track = PermanenceTrack(strict: data.strict, width: w, height: h) else {
      report.note(.violation, "\(noun) could not be found in any frame", frames: Array(clip.frames.indices))
      report.existence = 0
      return report.result(analyzer: name, subject: object.name)
    }
    let judge = Judge(
      track: track, data: data, fps: fps, pxScale: pxScale, noun: noun, expected: expected,
      analyzer: self)
    judge.run(into: &report)
    return report.result(analyzer: name, subject: object.name)
  }
}

extension ColorSignature {
  /// True when pixels of `other`'s colour would pass this signature's match.
  func matches(_ other: ColorSignature) -> Bool {
    guard other.chroma >= minChroma, chroma > 0 else { return false }
    let cosine = (a * other.a + b * other.b) / (chroma * other.chroma)
    let ratio = other.saturation / saturation
    return cosine >= minCos && ratio <= saturationRatio && ratio >= 1 / saturationRatio
  }
}

/// One hidden stretch and what happened around it.
private struct Occlusion {
  var gap: Range<Int>
  /// The object was whole in the frame before it went: it vanished in open view.
  var abrupt: Bool
  /// It went out through the border of the frame: no occlusion to judge.
  var leftView: Bool
  var fit: Continuity?
  /// First fully seen frame after the gap (else first visible one), and the blob there.
  var back: (frame: Int, blob: ColorBlob, loose: Bool)?
  var positionError: Double?
  var timeError: Double?
}

/// The judgement of one tracked clip.
private struct Judge {
  let track: PermanenceTrack
  let data: PermanenceFrames
  let fps: Double
  let pxScale: Double
  let noun: String
  let expected: Int
  let analyzer: PermanenceAnalyzer

  var n: Int { track.blobs.count }
  func t(_ k: Int) -> String { "\(format(Double(k) / fps)) s" }
  func t(_ k: Double) -> String { "\(format(k / fps)) s" }
  func px(_ v: Double) -> String { "\(format(v * pxScale, digits: 1)) px" }
  /// Pixels (analysis) beyond which a position is somewhere else.
  var positionTol: Double { max(3 / pxScale, analyzer.positionTolerance * track.size) }
  var timeTol: Double { max(2 / fps, analyzer.timeTolerance) }

  func run(into report: inout PermanenceReport) {
    let first = track.firstSeen ?? 0
    var missing = Set<Int>()

    // Present from the start, or entering through the border of the view.
    if first >= 2, let b = track.blobs[first],
      !b.touchesBorder(width: track.width, height: track.height, margin: max(2, Int(track.size / 2)))
    {
      report.note(
        .violation,
        "\(noun) was absent until \(t(first)) and then appeared in open view (it was not entering the frame)",
        frames: [0, first])
      missing.formUnion(0..<first)
      report.evidenceFrames += [first]
    }

    var occlusions: [Occlusion] = []
    // A hidden stretch that runs into the end of the clip and is shorter than 0.15 s (at least
    // three frames) cannot show that the object stayed away: the clip ends too soon to say.
    let shortest = max(3, Int((0.15 * fps).rounded(.up)))
    for gap in track.gaps where gap.upperBound < n || gap.count >= shortest { occlusions.append(study(gap)) }
    var judged = 0, back = 0
    var worstPosition: Double?, worstTime: Double?
    for o in occlusions {
      if o.leftView {
        report.note(.info, "\(noun) left the view at \(t(o.gap.lowerBound))", frames: [o.gap.lowerBound])
        continue
      }
      judged += 1
      let start = o.gap.lowerBound
      let how = o.abrupt ? "vanished in open view (it was whole in the frame before)" : "was hidden"
      report.evidenceFrames += [start]
      guard let r = o.back else {
        report.note(
          .violation,
          o.abrupt
            ? "\(noun) vanished in open view at \(t(start)) (it was whole in the frame before) and never re-emerged"
            : "\(noun) vanished behind an occluder at \(t(start)) and never re-emerged",
          frames: [start - 1, start])
        if o.abrupt { missing.formUnion(o.gap) }
        continue
      }
      back += 1
      report.evidenceFrames += [r.frame]
      if o.abrupt && !r.loose { missing.formUnion(o.gap) }
      var parts: [String] = []
      var bad = o.abrupt && !r.loose
      if let e = o.positionError {
        worstPosition = max(worstPosition ?? 0, e)
        parts.append("\(px(e)) from where its motion predicts")
        bad = bad || e > positionTol
      }
      if let dt = o.timeError {
        worstTime = max(worstTime ?? 0, abs(dt))
        parts.insert(abs(dt) < 0.5 / fps ? "on time" : "\(format(abs(dt))) s \(dt > 0 ? "late" : "early")", at: 0)
        bad = bad || abs(dt) > timeTol
      }
      if parts.isEmpty { parts = ["its motion before could not be measured"] }
      let message =
        r.loose
        ? "\(noun) lost its colour at \(t(start)) \(o.abrupt ? "in open view" : "while hidden"); from \(t(r.frame)) an object of another colour follows its path, \(parts.joined(separator: " and "))"
        : "\(noun) \(how) from \(t(start)) and re-emerged at \(t(r.frame)), \(parts.joined(separator: " and "))"
      report.note(bad ? .violation : .info, message, frames: [start, r.frame])
      report.series(o, track: track, fps: fps, pxScale: pxScale, until: min(n, r.frame + 10))
    }
    report.occlusions = judged
    report.existence = judged > 0 ? Double(back) / Double(judged) : nil
    report.positionError = worstPosition.map { $0 * pxScale }
    report.positionTolerance = positionTol * pxScale
    report.timeError = worstTime
    report.timeTolerance = timeTol
    if judged == 0 && occlusions.isEmpty {
      report.note(.info, "\(noun) was never hidden, so there is no re-emergence to judge")
    }

    judgeJumps(into: &report)
    judgeAppearance(occlusions, into: &report)
    judgeCount(missing: missing, from: first, into: &report)
  }

  /// Fits the motion before `gap` and finds where the object comes back.
  func study(_ gap: Range<Int>) -> Occlusion {
    let start = gap.lowerBound
    let before = (max(0, start - 15)..<start).filter { track.isFull($0) }.suffix(8)
    let fit = Continuity(before.map { ($0, track.blobs[$0]!.x, track.blobs[$0]!.y) })
    let lastBlob = track.blobs[start - 1]
    let margin = max(2, Int(track.size / 4))
    let leftView = lastBlob?.touchesBorder(width: track.width, height: track.height, margin: margin) ?? false
    let abrupt =
      !leftView && track.fraction(start - 1) >= 0.8
      && lastBlob.map { !occluderArrived(around: $0, at: start) && !differentSurface(from: $0, to: fit, at: start) } ?? true
    var o = Occlusion(gap: gap, abrupt: abrupt, leftView: leftView, fit: fit)
    let atRest = (fit?.speed ?? 0) < 0.2
    if gap.upperBound < n {
      let next = track.gaps.first { $0.lowerBound > gap.upperBound }?.lowerBound ?? n
      let r = (gap.upperBound..<next).first { track.isFull($0) } ?? gap.upperBound
      o.back = (r, track.blobs[r]!, false)
    } else if let fit {
      o.back = (morphed(after: start, fit: fit) ?? (atRest ? replaced(at: fit) : nil)).map { ($0.frame, $0.blob, true) }
    }
    if let fit, let r = o.back {
      let p = fit.position(at: Double(r.frame))
      o.positionError = hypot(r.blob.x - p.x, r.blob.y - p.y)
      if !atRest {
        let along = ((r.blob.x - fit.x) * fit.vx + (r.blob.y - fit.y) * fit.vy) / (fit.speed * fit.speed)
        o.timeError = (Double(r.frame) - (fit.frame + along)) / fps
      }
    }
    return o
  }

  /// True when, between frame `k − 1` and frame `k`, a good part (15%) of a band around the
  /// object (from half its extent to its extent outside its box) changed colour: something
  /// larger than the object moved in front of it, which is how an occluder too fast for the
  /// frame rate (a screen crossing the object within one frame) covers it. An object vanishing
  /// in open view changes only its own pixels and its shadow's. Measured: the screen of
  /// screen-sweep at 15 fps changes 24% of the band; a ball vanishing in open view, 0%.
  func occluderArrived(around b: ColorBlob, at k: Int) -> Bool {
    let (before, after) = (data.frames[k - 1], data.frames[k])
    let inner = Int(track.size / 2), outer = Int(track.size.rounded(.up))
    let x0 = max(0, b.minX - outer), x1 = min(track.width - 1, b.maxX + outer)
    let y0 = max(0, b.minY - outer), y1 = min(track.height - 1, b.maxY + outer)
    var band = 0, changed = 0
    for y in y0...y1 {
      for x in x0...x1 where x < b.minX - inner || x > b.maxX + inner || y < b.minY - inner || y > b.maxY + inner {
        let i = 3 * (y * track.width + x)
        band += 1
        let d = (0..<3).map { abs(Int(before.pixels[i + $0]) - Int(after.pixels[i + $0])) }.max()!
        if d > 24 { changed += 1 }
      }
    }
    return band > 0 && Double(changed) >= 0.15 * Double(band)
  }

  /// True when the object, moving faster than its own size a frame, is predicted at frame `k` on
  /// a surface unlike the one it has just left (mean colours more than 15 ΔE*ab apart in frame
  /// `k`): it has gone behind something standing there, as a ball falling behind a wall within
  /// one frame does, while an object vanishing in open view leaves the same background at both
  /// places.
  func differentSurface(from last: ColorBlob, to fit: Continuity?, at k: Int) -> Bool {
    guard let fit, fit.speed > track.size / 2 else { return false }
    let p = fit.position(at: Double(k))
    let r = 0.4 * track.size
    guard let ahead = meanLab(data.frames[k], around: p.x, p.y, radius: r),
      let behind = meanLab(data.frames[k], around: last.x, last.y, radius: r)
    else { return false }
    return labDistance(ahead, behind) > 15
  }

  /// After the subject's colour is lost for good, a blob of a loosened colour match that follows
  /// the predicted path (within half the object's extent plus the position tolerance, in at
  /// least three frames) and is object-sized: the subject, changed.
  func morphed(after start: Int, fit: Continuity) -> (frame: Int, blob: ColorBlob)? {
    var hits: [(frame: Int, blob: ColorBlob)] = []
    let reach = track.size / 2 + 2 * positionTol
    let loose = data.loose(start..<n)
    for k in start..<n {
      let p = fit.position(at: Double(k))
      let near = loose[k - start].filter {
        let a = Double($0.area)
        return a >= 0.3 * track.fullArea && a <= 6 * track.fullArea && hypot($0.x - p.x, $0.y - p.y) <= reach
          && !$0.touchesBorder(width: track.width, height: track.height)
      }
      if let b = near.min(by: { hypot($0.x - p.x, $0.y - p.y) < hypot($1.x - p.x, $1.y - p.y) }) {
        hits.append((k, b))
      }
    }
    guard hits.count >= 3 else { return nil }
    // The largest sighting is the one least hidden.
    let top = hits.map { $0.blob.area }.max()!
    return hits.first { Double($0.blob.area) >= 0.85 * Double(top) }
  }

  /// For an object at rest that never comes back: whether, in the last frame, its place holds
  /// something that stands out from its surroundings (mean colour more than 15 ΔE*ab from the
  /// band around it) and is not the object's colour: the object, changed beyond the loosened
  /// match. A place that looks like its surroundings shows the floor: the object is gone.
  func replaced(at fit: Continuity) -> (frame: Int, blob: ColorBlob)? {
    guard let last = track.blobs.last(where: { $0 != nil }) ?? nil else { return nil }
    let k = n - 1
    let half = track.size / 2
    let box = (x0: Int(fit.x - 0.6 * half), x1: Int(fit.x + 0.6 * half), y0: Int(fit.y - 0.6 * half), y1: Int(fit.y + 0.6 * half))
    let inside = { (x: Int, y: Int) in x >= box.x0 && x <= box.x1 && y >= box.y0 && y <= box.y1 }
    let ring = { (x: Int, y: Int) in
      let dx = abs(Double(x) + 0.5 - fit.x), dy = abs(Double(y) + 0.5 - fit.y)
      return max(dx, dy) > 1.5 * half && max(dx, dy) <= 2.5 * half
    }
    guard let patch = meanLab(data.frames[k], around: fit.x, fit.y, radius: 0.6 * half, where: inside),
      let around = meanLab(data.frames[k], around: fit.x, fit.y, radius: 2.5 * half, where: ring)
    else {
      return nil
    }
    let stands = labDistance(patch, around), fromObject = labDistance(patch, (last.l, last.a, last.b))
    guard stands > 15, fromObject > analyzer.colorTolerance else { return nil }
    let blob = ColorBlob(
      x: fit.x, y: fit.y, area: Int(track.fullArea), minX: box.x0, minY: box.y0, maxX: box.x1, maxY: box.y1,
      l: patch.l, a: patch.a, b: patch.b)
    return (k, blob)
  }

  /// Jumps in open view: a fully seen frame more than the position tolerance away from where the
  /// two fully seen frames before it put it.
  func judgeJumps(into report: inout PermanenceReport) {
    var worst = 0.0
    var at: Int?
    for k in 2..<max(2, n) where track.isFull(k) && track.isFull(k - 1) && track.isFull(k - 2) {
      let (a, b, c) = (track.blobs[k - 2]!, track.blobs[k - 1]!, track.blobs[k]!)
      let jump = hypot(c.x - (2 * b.x - a.x), c.y - (2 * b.y - a.y))
      if jump > worst { (worst, at) = (jump, k) }
    }
    report.jump = worst * pxScale
    report.jumpTolerance = positionTol * pxScale
    if let at, worst > positionTol {
      report.note(.violation, "\(noun) jumped \(px(worst)) at \(t(at)) in open view", frames: [at - 1, at])
      report.evidenceFrames += [at]
    }
  }

  /// Colour and size of the fully seen object before its first occlusion against after its
  /// last re-emergence (or the start of its track against the end, when it was never hidden).
  func judgeAppearance(_ occlusions: [Occlusion], into report: inout PermanenceReport) {
    let judged = occlusions.filter { !$0.leftView }
    let full = track.blobs.indices.filter { track.isFull($0) }
    let firstGap = judged.first?.gap.lowerBound ?? n
    var before = full.filter { $0 < firstGap }.prefix(8).map { track.blobs[$0]! }
    if let firstGap = judged.first?.gap.lowerBound {
      before = full.filter { $0 < firstGap }.suffix(8).map { track.blobs[$0]! }
    }
    var after: [ColorBlob]
    if let last = judged.last {
      guard let r = last.back else { return }
      if r.loose {
        after = [r.blob]
      } else {
        after = full.filter { $0 >= r.frame }.prefix(8).map { track.blobs[$0]! }
      }
    } else {
      after = full.suffix(8).map { track.blobs[$0]! }
      if full.count < 16 { return }
    }
    guard !before.isEmpty, !after.isEmpty else { return }
    let mean = { (blobs: [ColorBlob]) -> (l: Double, a: Double, b: Double, area: Double) in
      let c = Double(blobs.count)
      return (
        blobs.reduce(0) { $0 + $1.l } / c, blobs.reduce(0) { $0 + $1.a } / c,
        blobs.reduce(0) { $0 + $1.b } / c, blobs.reduce(0) { $0 + Double($1.area) } / c
      )
    }
    let p = mean(before), q = mean(after)
    let dE = labDistance((p.l, p.a, p.b), (q.l, q.a, q.b))
    let ratio = q.area / p.area
    report.deltaE = dE
    report.areaRatio = ratio
    report.colorTolerance = analyzer.colorTolerance
    report.sizeTolerance = analyzer.sizeTolerance
    let place = judged.isEmpty ? "over the clip" : judged.allSatisfy({ !$0.abrupt }) ? "while hidden" : "from before to after it was lost"
    var changes: [String] = []
    if dE > analyzer.colorTolerance { changes.append("changed colour \(place) (ΔE \(format(dE, digits: 0)))") }
    if abs(log(ratio)) > log(analyzer.sizeTolerance) {
      changes.append("\(ratio > 1 ? "grew" : "shrank") to \(format(ratio))× its area \(place)")
    }
    if !changes.isEmpty {
      report.note(.violation, "\(noun) \(changes.joined(separator: " and "))", frames: judged.last?.back.map { [$0.frame] } ?? [])
    }
  }

  /// More object-sized blobs of the subject's colour than the scenario has objects of it, in
  /// two consecutive frames or more; and frames where the object should show and does not.
  func judgeCount(missing: Set<Int>, from first: Int, into report: inout PermanenceReport) {
    let counts = data.strict.map { $0.filter { Double($0.area) >= 0.3 * track.fullArea }.count }
    let extra = counts.indices.filter { counts[$0] > expected }
    let persistent = extra.filter { counts.indices.contains($0 + 1) && counts[$0 + 1] > expected || counts.indices.contains($0 - 1) && counts[$0 - 1] > expected }
    report.maxCount = counts.max() ?? 0
    report.expectedCount = expected
    report.countAfter = counts.suffix(max(1, Int(fps / 4))).max() ?? 0
    if let d = persistent.first {
      let followed = track.blobs[d]
      let other = data.strict[d].filter { Double($0.area) >= 0.3 * track.fullArea && $0 != followed }
        .map { "at (\(format(($0.x) * pxScale, digits: 0)), \(format(($0.y) * pxScale, digits: 0)))" }
      report.note(
        .violation,
        "a second \(noun.dropFirst(4)) appeared at \(t(d)) \(other.first ?? "") (\(persistent.count) frame\(persistent.count == 1 ? "" : "s") with \(counts[d]) where the scenario has \(expected))",
        frames: [d])
      report.evidenceFrames += [d]
    }
    let judged = max(1, n - 0)
    let wrong = Set(persistent).union(missing)
    report.countScore = 1 - Double(wrong.count) / Double(judged)
    report.missingFrames = missing.count
  }
}

/// What the permanence analyzer has found, turned into a result at the end; every measurement
/// is present, with a nil value where it could not be measured.
private struct PermanenceReport {
  var findings: [Finding] = []
  var occlusions: Int?
  var existence: Double?
  var positionError: Double?
  var positionTolerance: Double?
  var timeError: Double?
  var timeTolerance: Double?
  var jump: Double?
  var jumpTolerance: Double?
  var deltaE: Double?
  var colorTolerance: Double?
  var areaRatio: Double?
  var sizeTolerance: Double?
  var maxCount: Int?
  var expectedCount: Int?
  var countAfter: Int?
  var countScore: Double?
  var missingFrames: Int?
  var series: [Series] = []
  var evidenceFrames: [Int] = []

  mutating func note(_ severity: Finding.Severity, _ message: String, frames: [Int] = []) {
    findings.append(Finding(severity: severity, message: message, frames: frames))
  }

  /// Observed and predicted centre, x and y, from the fit's first frame to `until`.
  mutating func series(_ o: Occlusion, track: PermanenceTrack, fps: Double, pxScale: Double, until: Int) {
    guard let fit = o.fit else { return }
    let from = max(0, Int(fit.frame) - 10)
    let seen = (from..<until).filter { track.fraction($0) >= PermanenceTrack.sliver }
    let all = Array(from..<until)
    let tag = "hidden at \(format(Double(o.gap.lowerBound) / fps)) s"
    for (axis, pick) in [("x", { (b: ColorBlob) in b.x }), ("y", { (b: ColorBlob) in b.y })] {
      series.append(
        Series(
          name: "observed \(axis) (\(tag))", xUnit: "s", yUnit: "px", x: seen.map { Double($0) / fps },
          y: seen.map { pick(track.blobs[$0]!) * pxScale }))
      series.append(
        Series(
          name: "predicted \(axis) (\(tag))", xUnit: "s", yUnit: "px", x: all.map { Double($0) / fps },
          y: all.map { k in
            let p = fit.position(at: Double(k))
            return (axis == "x" ? p.x : p.y) * pxScale
          }))
    }
  }

  func result(analyzer: String, subject: String?) -> AnalysisResult {
    let gauss = { (v: Double?, tol: Double?) -> Double? in
      guard let v, let tol, tol > 0 else { return nil }
      return exp(-(v / tol) * (v / tol))
    }
    let positionScore = gauss(positionError, positionTolerance)
    let timeScore = gauss(timeError, timeTolerance)
    let jumpScore = gauss(jump, jumpTolerance)
    let colorScore = gauss(deltaE, colorTolerance)
    let sizeScore = areaRatio.flatMap { r in sizeTolerance.flatMap { gauss(log(r), log($0)) } }
    let continuity = [positionScore, timeScore, jumpScore].compactMap { $0 }.min()
    let appearance = [colorScore, sizeScore].compactMap { $0 }.min()
    let overall: Double? =
      existence == nil && countScore == nil
      ? nil
      : (existence ?? 1) * (countScore ?? 1) * (0.5 + 0.5 * (continuity ?? 1)) * (0.5 + 0.5 * (appearance ?? 1))
    let m = [
      Measurement(
        name: "permanence", value: finite(overall), unit: "", score: finite(overall),
        scoreFormula:
          "re-emerged × count kept × (½ + ½·continuity) × (½ + ½·appearance), continuity the least of the position, time and jump scores, appearance the lesser of the colour and size scores"
      ),
      Measurement(name: "occlusions", value: occlusions.map(Double.init), unit: "count"),
      Measurement(
        name: "reemerged", value: finite(existence), unit: "fraction", reference: 1, score: finite(existence),
        scoreFormula: "occlusions the object came back from ÷ occlusions"),
      Measurement(
        name: "reemergence_position_error", value: finite(positionError), unit: "px", reference: 0,
        score: finite(positionScore),
        scoreFormula: "exp(−(e ÷ tol)²), tol = max(3 px, half the object's extent) = \(positionTolerance.map { format($0, digits: 1) } ?? "–") px; worst occlusion"),
      Measurement(
        name: "reemergence_time_error", value: finite(timeError), unit: "s", reference: 0, score: finite(timeScore),
        scoreFormula: "exp(−(|Δt| ÷ tol)²), tol = max(2 frames, 0.1 s) = \(timeTolerance.map { format($0, digits: 3) } ?? "–") s; worst occlusion; nil for an object at rest"),
      Measurement(
        name: "max_jump", value: finite(jump), unit: "px", reference: 0, score: finite(jumpScore),
        scoreFormula: "exp(−(j ÷ tol)²), j the largest departure of a fully seen frame from the two before it, tol as for position"),
      Measurement(
        name: "color_change_deltaE76", value: finite(deltaE), unit: "ΔE*ab", reference: 0, score: finite(colorScore),
        scoreFormula: "exp(−(ΔE ÷ \(format(colorTolerance ?? 10)))²), ΔE the CIE 1976 distance of the mean CIELAB colour before and after"),
      Measurement(
        name: "area_ratio", value: finite(areaRatio), unit: "after/before", reference: 1, score: finite(sizeScore),
        scoreFormula: "exp(−(ln r ÷ ln \(format(sizeTolerance ?? 1.3)))²)"),
      Measurement(
        name: "count_kept", value: finite(countScore), unit: "fraction", reference: 1, score: finite(countScore),
        scoreFormula: "1 − frames with a duplicate or with the object missing in open view ÷ frames"),
      Measurement(name: "max_count", value: maxCount.map(Double.init), unit: "objects", reference: expectedCount.map(Double.init)),
      Measurement(name: "count_at_end", value: countAfter.map(Double.init), unit: "objects", reference: expectedCount.map(Double.init)),
      Measurement(name: "missing_in_view", value: missingFrames.map(Double.init), unit: "frames", reference: 0),
    ]
    var frames: [Int] = []
    for f in evidenceFrames where !frames.contains(f) { frames.append(f) }
    return AnalysisResult(
      analyzer: analyzer, subject: subject, measurements: m, findings: findings,
      evidence: Evidence(series: series.filter { !$0.x.isEmpty && $0.y.allSatisfy(\.isFinite) }, frames: frames.sorted()))
  }
}

/// Mean CIELAB of the pixels of `image` within `radius` (per axis) of (`cx`, `cy`) that
/// `include` selects; nil when none are.
private func meanLab(
  _ image: RGBImage, around cx: Double, _ cy: Double, radius: Double, where include: (Int, Int) -> Bool = { _, _ in true }
) -> (l: Double, a: Double, b: Double)? {
  var rgb: [UInt8] = []
  let x0 = max(0, Int(cx - radius)), x1 = min(image.width - 1, Int(cx + radius))
  let y0 = max(0, Int(cy - radius)), y1 = min(image.height - 1, Int(cy + radius))
  guard x0 <= x1, y0 <= y1 else { return nil }
  for y in y0...y1 {
    for x in x0...x1 where include(x, y) {
      let i = 3 * (y * image.width + x)
      rgb.append(contentsOf: image.pixels[i..<(i + 3)])
    }
  }
  let n = rgb.count / 3
  guard n > 0 else { return nil }
  var lab = [Float](repeating: 0, count: 3 * n)
  pk_srgb8_to_lab(rgb, Int32(n), 1, 3 * n, &lab, 3 * n)
  var sum = (0.0, 0.0, 0.0)
  for k in 0..<n {
    sum = (sum.0 + Double(lab[3 * k]), sum.1 + Double(lab[3 * k + 1]), sum.2 + Double(lab[3 * k + 2]))
  }
  return (sum.0 / Double(n), sum.1 / Double(n), sum.2 / Double(n))
}

/// CIELAB ΔE*ab (CIE 1976).
func labDistance(_ p: (l: Double, a: Double, b: Double), _ q: (l: Double, a: Double, b: Double)) -> Double {
  ((p.l - q.l) * (p.l - q.l) + (p.a - q.a) * (p.a - q.a) + (p.b - q.b) * (p.b - q.b)).squareRoot()
}

private func finite(_ x: Double?) -> Double? { x.flatMap { $0.isFinite ? $0 : nil } }
