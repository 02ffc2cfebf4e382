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
    // Everything else of colour in the scene, the floor and the wall behind included: a
    // wooden floor darkened by the object's own shadow can come close to a red cup's hue.
    let others = scenario.world.objects.filter { $0.name != object.name }.map(\.color)
      + [scenario.world.floor?.color, scenario.world.background].compactMap { $0 }
    let signature = ColorSignature(object.color).separated(from: others)
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
    // Frames touching another object are no free fall; a fall may start where contact ends.
    let neighbours = scenario.world.objects.filter { $0.name != object.name }
      .map { ColorSignature($0.color).separated(from: [object.color]) }.filter(\.isTrackable)
    let touching = Self.touching(clip, track: track, signature: signature, others: neighbours)
    let untouched = { (t: [ObjectObservation?]) in t.indices.map { touching.contains($0) ? nil : t[$0]?.y } }
    let parted = track.indices.dropFirst().filter { touching.contains($0 - 1) && !touching.contains($0) }
    var segment = FreeFallSegment.longest(y: untouched(track), fps: fps, starts: parted)
    let posed = touching.contains { $0 < segment?.release ?? 0 }
    var size = ApparentSize(
      track: track, fall: segment?.frames ?? 0..<0, posed: posed, image: image, metres: object.shape.width)
    let clean = size?.clean(track) ?? track
    if clean != track {
      // Where a run of dropped frames ends, the object may just have been let go.
      let starts = clean.indices.dropFirst().filter { clean[$0] != nil && clean[$0 - 1] == nil }
      segment = FreeFallSegment.longest(y: untouched(clean), fps: fps, starts: starts + parted)
      size =
        ApparentSize(track: clean, fall: segment?.frames ?? 0..<0, posed: posed, image: image, metres: object.shape.width)
        ?? size
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
    let freeFall = segment.map { Self.fallsFreely($0, track: clean) } ?? (ok: false, reason: nil)
    if let segment, segment.fit != nil, let size, freeFall.ok,
      let metric = QuadraticFit(
        t: fallFrames.map { Double($0) / fps }, y: fallFrames.map { size.depthBelowCentre(row: ys[$0]!) })
    {
      report.fit = segment.fit
      report.gravity = 2 * metric.c
      // Model: y_metres(t) = a + b·t + (g/2)·t², independent errors; the fit's covariance gives
      // σ_c, and the scale (metres = D·pixels ÷ width) carries the width's uncertainty σ_w
      // into g in proportion: σ_g² = (2σ_c)² + (g·σ_w ÷ w)².
      let g = 2 * metric.c
      let relativeScale = size.centreWidthUncertainty / size.centreWidth
      report.gravityUncertainty = metric.cUncertainty.map { ((2 * $0) * (2 * $0) + (g * relativeScale) * (g * relativeScale)).squareRoot() }
      report.judgeGravity(noun: noun, frames: Array(segment.frames))
    } else if let reason = freeFall.reason {
      report.findings.append(
        Finding(
          severity: .info,
          message: "\(noun) does not fall freely in this clip (\(reason)), so gravity is not measured",
          frames: segment.map { Array($0.frames) } ?? []))
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

    let motion = PhysicsMotion(track: clean, fps: fps)
    report.judgeMotion(motion, noun: noun, fps: fps, scale: scale)
    let otherSignatures = scenario.world.objects.filter { $0.name != object.name }.map { ColorSignature($0.color) }
      .filter(\.isTrackable)
    if let gone = PhysicsDisappearance(clip: clip, track: track, motion: motion, others: otherSignatures) {
      report.judgeDisappearance(gone, track: track, noun: noun, fps: fps)
    }
    // Something it touched before the release may have moved it (the stack's top block rides
    // on the collapsing blocks below): no finding then.
    if !posed {
      report.judgeRelease(clean, release: segment?.release, object: object, noun: noun, fps: fps)
    }

    let rest = restState(track, fps: fps)
    report.atRest = rest.atRest
    // A clip that ends while the object still moves is no fault of the world it shows (the
    // bounce scenario's ball rolls on at a steady 0.07 m/s on the engine, which has no
    // rolling resistance): a note that its rest is not seen, not a warning.
    if rest.atRest == false, let tail = rest.tail {
      let speed = hypot(tail.dx, tail.dy) / tail.seconds
      let shown = scale.map { "\(format($0 > 0 ? speed / $0 : 0)) m/s" } ?? "\(format(speed, digits: 0)) px/s"
      report.findings.append(
        Finding(
          severity: .info,
          message: "\(noun) is still moving when the clip ends (\(shown) over the last \(format(restSeconds)) s), so where it comes to rest is not seen",
          frames: [track.count - 1]))
    }

    report.evidence = evidence(track, segment: segment, size: size, fps: fps, restFrame: rest.frame)
    report.evidence.series += flightSeries(motion, size: size, lowest: track.compactMap { $0?.y }.max(), fps: fps)
    for impact in motion.impacts where !report.evidence.frames.contains(impact.frame) {
      report.evidence.frames.append(impact.frame)
    }
    return report.result(analyzer: name, subject: object.name)
  }

  /// Frames where the object's colour region comes within two pixels of another named
  /// object's colour: it rests on, tips over, slides down or is pushed by that object (or passes
  /// just in front of it, which the image cannot tell apart). A cup tipping over a table edge
  /// or a block sliding off the one below moves close to a parabola at a fraction of g (on the
  /// reference engine they gave g 45% and 34% low when taken for free fall); two pixels bridge
  /// the anti-aliased edge between two touching things, whose mixed colour matches neither.
  static func touching(
    _ clip: Clip, track: [ObjectObservation?], signature: ColorSignature, others: [ColorSignature]
  ) -> Set<Int> {
    guard !others.isEmpty else { return [] }
    let touches = parallelMap(track.count) { k -> Bool in
      guard let o = track[k] else { return false }
      let frame = LabFrame(clip.frames[k])
      let mine = ColorRegions(frame: frame, signature: signature)
      guard
        let region = mine.regions.min(by: {
          abs($0.centroidX - o.x) + abs($0.centroidY - o.y) < abs($1.centroidX - o.x) + abs($1.centroidY - o.y)
        })
      else { return false }
      return others.contains { mine.touches(region, ColorRegions(frame: frame, signature: $0), reach: 2) }
    }
    return Set(track.indices.filter { touches[$0] })
  }

  /// Whether a candidate free fall is one: it must drop at least 1.5 times the object's height
  /// (a shorter one fits a parabola to noise), keep its apparent width and height within 15% in
  /// its sharp frames (a toppling or tumbling body turns, and its centre does not move
  /// ballistically), and
  /// move sideways at a steady speed (horizontal acceleration under a fifth of the vertical;
  /// a body pivoting about an edge accelerates sideways as much as down).
  static func fallsFreely(_ segment: FreeFallSegment, track: [ObjectObservation?]) -> (ok: Bool, reason: String?) {
    let seen = segment.frames.compactMap { track[$0] }
    guard seen.count >= FreeFallSegment.minFrames, let first = seen.first, let last = seen.last,
      let h = median(seen.map(\.height)), let w = median(seen.map(\.width)), h > 0, w > 0
    else { return (false, nil) }
    if last.y - first.y < 1.5 * h { return (false, "it drops only \(format(last.y - first.y, digits: 0)) px, less than 1.5 times its height") }
    // Only frames sharp enough to show the outline (moving less than half the width a frame):
    // motion blur narrows and stretches a fast object's colour core without any turning.
    let sharp = seen.indices.filter { i in
      let step = [i > 0 ? seen[i - 1] : nil, i + 1 < seen.count ? seen[i + 1] : nil].compactMap { $0 }
        .map { n in max(abs(n.x - seen[i].x), abs(n.y - seen[i].y)) / Double(abs(n.frame - seen[i].frame)) }
      return (step.max() ?? .infinity) < seen[i].width / 2
    }.map { seen[$0] }
    let sh = median(sharp.map(\.height)) ?? h, sw = median(sharp.map(\.width)) ?? w
    // By 15% and at least 1.5 px, in any sharp frame; for an object under 10 px across, in
    // more than a third of them, since its outline is too coarse to tell a turn from a pixel
    // of noise or a hand touching it in a frame or two (the real ball drop, 7.5 px, has such
    // frames; the off-table cup tipping over the edge and the tumbling stack block change in
    // one or two, and give g 11% and 31% low when they are taken for free falls).
    let changed = sharp.filter { abs($0.height - sh) > max(0.15 * sh, 1.5) || abs($0.width - sw) > max(0.15 * sw, 1.5) }
    let turns = sw < 10 ? Double(changed.count) > Double(sharp.count) / 3 : !changed.isEmpty
    if turns { return (false, "its outline changes as it falls: it turns or tumbles") }
    let t = seen.map { Double($0.frame) }
    if let fx = QuadraticFit(t: t, y: seen.map(\.x)), let fy = QuadraticFit(t: t, y: seen.map(\.y)),
      abs(fx.c) > 0.2 * abs(fy.c)
    {
      return (false, "it accelerates sideways, pivoting or pushed")
    }
    return (true, nil)
  }

  /// Whether the last `restSeconds` move less than `restPixels`, the first frame from which
  /// the object stays within `restPixels` of where it ends, and how far it moved over that last
  /// stretch. nil when the end is not all seen.
  private func restState(_ track: [ObjectObservation?], fps: Double) -> (atRest: Bool?, frame: Int?, tail: (dx: Double, dy: Double, seconds: Double)?) {
    let window = max(2, Int((restSeconds * fps).rounded()))
    guard track.count >= window, let end = track.last ?? nil else { return (nil, nil, nil) }
    let tail = track.suffix(window).compactMap { $0 }
    guard tail.count == window, let start = tail.first else { return (nil, nil, nil) }
    let moved = (dx: end.x - start.x, dy: end.y - start.y, seconds: Double(end.frame - start.frame) / fps)
    let near = { (o: ObjectObservation) in
      max(abs(o.x - end.x), abs(o.y - end.y)) < self.restPixels / 2
    }
    let atRest = tail.allSatisfy(near)
    guard atRest else { return (false, nil, moved) }
    var frame = track.count - 1
    while frame > 0, let o = track[frame - 1], near(o) { frame -= 1 }
    return (true, frame, moved)
  }

  /// Every fitted flight after the first, as height above the lowest point (m), like the
  /// first; flights shorter than four frames have no fit and are left out.
  private func flightSeries(_ motion: PhysicsMotion, size: ApparentSize?, lowest: Double?, fps: Double) -> [Series] {
    guard let size, let lowest else { return [] }
    let height = { (row: Double) in size.depthBelowCentre(row: lowest) - size.depthBelowCentre(row: row) }
    return motion.pieces.enumerated().compactMap { n, piece in
      guard let fit = piece.y, n > 0 else { return nil }
      let t = piece.frames.map { Double($0) / fps }
      return Series(name: "fitted flight \(n + 1)", xUnit: "s", yUnit: "m", x: t, y: t.map { height(fit($0)) })
    }
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
  var restitution: Double?
  var impactCount: Int?
  var penetration: Double?
  var penetrationFraction: Double?
  var restDrift: Double?
  var largestJump: Double?
  var sizeChange: Double?
  var disappeared = false
  /// Scores of the checks other than gravity; the overall score is the weakest of all.
  var scores: [String: Double] = [:]
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

  /// Restitution, launches from rest, jumps, penetration, rest drift and size steps.
  mutating func judgeMotion(_ m: PhysicsMotion, noun: String, fps: Double, scale: Double?) {
    let speed = { (pxPerSecond: Double) in
      scale.map { "\(format($0 > 0 ? pxPerSecond / $0 : 0)) m/s" } ?? "\(format(pxPerSecond, digits: 0)) px/s"
    }
    impactCount = m.impacts.count
    // Rebounds read from impacts at a visible speed: at least two pixels a frame.
    let fast = m.impacts.filter { $0.incoming >= 2 * fps }
    let bounces = fast.compactMap(\.restitution)
    restitution = bounces.max()
    if let worst = fast.max(by: { ($0.restitution ?? 0) < ($1.restitution ?? 0) }), let e = worst.restitution, e > Self.maxRestitution {
      findings.append(
        Finding(
          severity: .violation,
          message: "\(noun) bounces higher than it fell (restitution \(fixed(e)) at frame \(worst.frame): it leaves the contact at \(speed(worst.outgoing)) after arriving at \(speed(worst.incoming)))",
          frames: [worst.frame]))
    }
    scores["restitution"] = restitution.map { $0 <= 1 ? 1 : exp(-($0 - 1) / 0.1) } ?? 1
    // The reverse of an impact: from rest, suddenly upward, with nothing that fell onto it.
    let launches = m.impacts.filter { $0.incoming == 0 && $0.outgoing >= 2 * fps }
    if let launch = launches.first {
      findings.append(
        Finding(
          severity: .violation,
          message: "\(noun) shoots up from rest at frame \(launch.frame) at \(speed(launch.outgoing)) with nothing pushing it (a fall played backwards looks like this)",
          frames: launches.map(\.frame)))
    }
    scores["launch"] = launches.isEmpty ? 1 : 0
    if !m.impacts.isEmpty {
      findings.append(
        Finding(
          severity: .info,
          message: "\(noun) has \(m.impacts.count) impact\(m.impacts.count == 1 ? "" : "s"), at frame\(m.impacts.count == 1 ? "" : "s") \(m.impacts.map { "\($0.frame)" }.joined(separator: ", "))"
            + (bounces.isEmpty ? "" : "; restitution (rebound ÷ impact vertical speed) \(bounces.map { fixed($0) }.joined(separator: ", "))"),
          frames: m.impacts.map(\.frame)))
    }
    largestJump = m.jumps.map(\.pixels).max() ?? 0
    for jump in m.jumps {
      findings.append(
        Finding(
          severity: .violation,
          message: "\(noun) jumps \(format(jump.pixels, digits: 0)) px between frames \(jump.frame - 1) and \(jump.frame), far more than its motion before and after allows",
          frames: [jump.frame - 1, jump.frame]))
    }
    scores["continuity"] = m.jumps.isEmpty ? 1 : exp(-(largestJump ?? 0) / max(m.size, 1))
    if let p = m.penetration {
      penetration = p.pixels
      penetrationFraction = m.objectHeight > 0 ? p.pixels / m.objectHeight : nil
      let allowed = max(Self.penetrationPixels, Self.penetrationFraction * m.objectHeight)
      scores["penetration"] = exp(-max(0, p.pixels) / max(allowed, 1e-9) / 2)
      if p.pixels > allowed {
        findings.append(
          Finding(
            severity: .violation,
            message: "\(noun) sinks \(format(p.pixels, digits: 0)) px (\(format(100 * (penetrationFraction ?? 0), digits: 0))% of its height) below where it comes to rest, at frame \(p.frame)",
            frames: [p.frame]))
      }
    }
    restDrift = m.restDrift?.pixelsPerSecond
    if let rise = m.rise {
      findings.append(
        Finding(
          severity: .violation,
          message: "\(noun) rises \(format(rise.pixels, digits: 0)) px (\(format(rise.pixels / max(m.objectHeight, 1), digits: 1)) times its height) above where it stood at rest at frame \(rise.restFrame), by frame \(rise.frame): nothing lifts it (time running backwards looks like this)",
          frames: [rise.restFrame, rise.frame]))
    }
    for up in m.speedUps {
      findings.append(
        Finding(
          severity: .violation,
          message: "\(noun) speeds up from \(speed(up.from)) to \(speed(up.to)) while sliding in frames \(up.frames.lowerBound)–\(up.frames.upperBound - 1), with nothing pushing it (friction can only slow it)",
          frames: [up.frames.lowerBound, up.frames.upperBound - 1]))
    }
    scores["energy"] = m.rise == nil && m.speedUps.isEmpty ? 1 : 0
    if let step = m.sizeSteps.first {
      let worst = m.sizeSteps.map { abs(log($0.ratio)) }.max() ?? 0
      sizeChange = m.sizeSteps.max { abs(log($0.ratio)) < abs(log($1.ratio)) }?.ratio
      findings.append(
        Finding(
          severity: .violation,
          message: "\(noun) \(step.ratio > 1 ? "grows" : "shrinks") suddenly by \(format(abs(step.ratio - 1) * 100, digits: 0))% at frame \(step.frame) (its apparent size changes shape-constancy would forbid)",
          frames: m.sizeSteps.map(\.frame)))
      scores["size"] = exp(-worst / 0.1)
    } else {
      sizeChange = 1
      scores["size"] = 1
    }
  }

  /// A violation only when the object was seen plainly in each of the five frames before (a
  /// track already flickering in and out, as natural footage gives in shadow, is no evidence
  /// of a vanish); otherwise a warning.
  mutating func judgeDisappearance(_ gone: PhysicsDisappearance, track: [ObjectObservation?], noun: String, fps: Double) {
    let frame: Int
    switch gone {
    case .vanished(let f), .changedColour(let f, _): frame = f
    }
    let before = track[max(0, frame - 5)..<frame]
    guard before.count == 5, before.allSatisfy({ $0 != nil }) else {
      findings.append(
        Finding(
          severity: .warning,
          message: "\(noun) is lost from frame \(frame) on, after a track that already came and went; it may have vanished or gone into shadow",
          frames: [frame]))
      return
    }
    disappeared = true
    scores["permanence"] = 0
    switch gone {
    case .vanished(let frame):
      findings.append(
        Finding(
          severity: .violation,
          message: "\(noun) vanishes at frame \(frame) (\(format(Double(frame) / fps)) s) in the middle of the picture and never comes back",
          frames: [frame - 1, frame]))
    case .changedColour(let frame, let ratio):
      sizeChange = ratio
      findings.append(
        Finding(
          severity: .violation,
          message: "\(noun) changes colour at frame \(frame) (\(format(Double(frame) / fps)) s): its colour is gone, but something of another colour, \(format(ratio)) times its size, is where it should be (a morph)",
          frames: [frame - 1, frame]))
    }
  }

  /// An object the scenario starts at rest must not move before it falls: its centre may
  /// wander at most `stillPixels`·frames before the release. Natural footage held by a hand
  /// moves more, so this is a warning, not a violation.
  mutating func judgeRelease(_ track: [ObjectObservation?], release: Int?, object: ObjectSpec, noun: String, fps: Double) {
    guard let release, release > 1, object.velocity == Vector3(0, 0, 0),
      let first = track[..<release].compactMap({ $0 }).first
    else { return }
    let before = track[..<release].compactMap { $0 }
    let wander = before.map { max(abs($0.x - first.x), abs($0.y - first.y)) }.max() ?? 0
    if wander > max(2, 0.25 * first.width) {
      findings.append(
        Finding(
          severity: .warning,
          message: "\(noun) moves \(format(wander, digits: 0)) px before it is let go at frame \(release), though the scenario starts it at rest",
          frames: [first.frame, release]))
    }
  }

  /// A rebound faster than the impact gains energy; 10% above 1 leaves room for the few
  /// percent a 30 fps fit of a short flight misreads.
  static let maxRestitution = 1.1
  /// Sinking below the resting line beyond this many pixels and this fraction of the object's
  /// height is a violation (an anti-aliased edge and a squashed blurred frame stay under both).
  static let penetrationPixels = 2.0
  static let penetrationFraction = 0.25

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
    let all = scores.values + (gravityScore.map { [$0] } ?? [])
    let overall: Double? = all.isEmpty ? nil : all.min()
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
      Measurement(
        name: "restitution", value: finite(restitution), unit: "ratio", score: scores["restitution"],
        scoreFormula: "largest rebound ÷ impact vertical speed e: 1 when e ≤ 1, else exp(−(e − 1) ÷ 0.1)"),
      Measurement(name: "impact_count", value: impactCount.map(Double.init), unit: "count"),
      Measurement(
        name: "penetration", value: finite(penetration), unit: "px", score: scores["penetration"],
        scoreFormula: "exp(−p ÷ (2 · max(\(format(Self.penetrationPixels)) px, \(format(Self.penetrationFraction)) · object height)))"),
      Measurement(name: "penetration_fraction", value: finite(penetrationFraction), unit: "object heights"),
      Measurement(name: "rest_drift", value: finite(restDrift), unit: "px/s"),
      Measurement(
        name: "largest_jump", value: finite(largestJump), unit: "px", score: scores["continuity"],
        scoreFormula: "1 without a jump, else exp(−jump ÷ object size)"),
      Measurement(
        name: "size_change", value: finite(sizeChange), unit: "ratio", score: scores["size"],
        scoreFormula: "exp(−|ln r| ÷ 0.1) for the largest sudden step r of apparent size"),
      Measurement(
        name: "plausibility", value: finite(overall), unit: "", score: finite(overall),
        scoreFormula: "the weakest of the gravity, restitution, launch, energy (no rise from rest, no speed-up while sliding), continuity, penetration, size and permanence scores"),
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
