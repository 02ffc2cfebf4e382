import Foundation
import Media

/// The whole trajectory of one tracked object cut into what physics allows between contacts:
/// flights (x linear, y parabolic, down positive), rests, and the events that separate them.
///
/// Every contact with the floor or another body shows as a sharp upward change of the vertical
/// velocity (free fall only ever adds downward velocity), so the track is cut at each such
/// event; each piece between cuts is either still or fitted as a flight. On these pieces the
/// checks that need no scale are made in pixels: restitution (rebound ÷ impact vertical speed,
/// both read from the fitted parabolas where they meet), launches from rest (the reverse of an
/// impact), jumps (a displacement the neighbouring motion cannot explain), floor penetration
/// (the bottom of the object below where it finally rests), drift once at rest, and sudden
/// changes of apparent size.
struct PhysicsMotion {
  /// A stretch of frames between events.
  struct Piece {
    let frames: Range<Int>
    /// Moves less than `stillPixels` per frame throughout.
    let still: Bool
    /// y(t) and x(t), t = frame ÷ fps; nil with fewer than four frames.
    let y: QuadraticFit?
    let x: QuadraticFit?
  }

  /// One contact: where the downward motion is turned upward or stopped.
  struct Impact {
    /// The first frame after the contact.
    let frame: Int
    /// Vertical speeds in px/s just before (downward) and just after (upward) the contact,
    /// each ≥ 0.
    let incoming: Double
    let outgoing: Double
    /// outgoing ÷ incoming; nil when the object came from rest (incoming below the noise).
    var restitution: Double? { incoming > 0 ? outgoing / incoming : nil }
  }

  struct Jump {
    /// The displacement that cannot be explained happens between `frame − 1` and `frame`.
    let frame: Int
    let pixels: Double
  }

  var pieces: [Piece] = []
  var impacts: [Impact] = []
  var jumps: [Jump] = []
  /// Typical size of the object in pixels (median of √area over the frames seen).
  var size = 0.0
  /// Typical height of the object's region in pixels.
  var objectHeight = 0.0
  /// Pixels the bottom of the object goes below the bottom where it finally rests, and the frame.
  var penetration: (pixels: Double, frame: Int)?
  /// Drift while at rest at the end: px/s over the final still stretch, and where it starts.
  var restDrift: (pixelsPerSecond: Double, from: Int)?
  /// Rising from rest: after standing still for at least three frames, the centre later goes
  /// higher than it stood by this many pixels (and the frame where it is highest).
  var rise: (pixels: Double, restFrame: Int, frame: Int)?
  /// Flights along a surface (vertical motion under a quarter of the object's height) whose
  /// horizontal speed grows: frames, speeds at the start and end in px/s.
  var speedUps: [(frames: Range<Int>, from: Double, to: Double)] = []
  /// Sudden changes of apparent size: ratio after ÷ before (linear size), and the frame.
  var sizeSteps: [(ratio: Double, frame: Int)] = []

  /// Per-frame motion below this is standing still (same as the free-fall segment's).
  static let stillPixels = FreeFallSegment.stillPixels

  init(track: [ObjectObservation?], fps: Double) {
    let seen = track.compactMap { $0 }
    guard seen.count >= 3, fps > 0 else { return }
    size = median(seen.map { Double($0.area).squareRoot() }) ?? 0
    objectHeight = median(seen.map(\.height)) ?? 0
    let y = track.map { $0?.y }, x = track.map { $0?.x }
    // A velocity change of one pixel a frame is beyond what gravity gives at any frame rate
    // this harness sees (g·scale ÷ fps² is 0.3–3 px) only when upward; downward changes are
    // free fall. The size term keeps sub-pixel noise on big objects from cutting.
    let kick = max(1.0, 0.1 * size)
    var cuts: [Int] = []
    for k in 2..<track.count {
      guard let a = y[k - 2], let b = y[k - 1], let c = y[k] else { continue }
      let v0 = b - a, v1 = c - b
      // A horizontal change this sudden is a collision too (friction changes it gradually).
      let sideways = x[k - 2].flatMap { xa in x[k - 1].flatMap { xb in x[k].map { xc in abs((xc - xb) - (xb - xa)) } } } ?? 0
      if (v0 - v1 > kick && (v0 > Self.stillPixels || v1 < -kick)) || sideways > 2 * kick {
        if let last = cuts.last, k - last <= 1 { continue }
        cuts.append(k)
      }
    }
    // Pieces run between cuts and gaps in the track.
    var bounds: [Range<Int>] = []
    var start: Int? = nil
    for k in 0...track.count {
      let here = k < track.count && track[k] != nil
      let cut = cuts.contains(k)
      if let s = start, !here || cut {
        bounds.append(s..<k)
        start = nil
      }
      if here, start == nil { start = k }
    }
    pieces = bounds.map { range in
      let still = range.dropFirst().allSatisfy { k in
        max(abs(x[k]! - x[k - 1]!), abs(y[k]! - y[k - 1]!)) < Self.stillPixels
      }
      return Self.piece(range, x: x, y: y, fps: fps, still: still)
    }
    for cut in cuts {
      guard let before = pieces.last(where: { $0.frames.upperBound == cut }),
        let after = pieces.first(where: { $0.frames.lowerBound == cut })
      else { continue }
      let tc = Self.contactTime(before, after, fps: fps)
      let vin = Self.verticalSpeed(before, at: tc, y: y, fps: fps, fromEnd: true)
      let vout = Self.verticalSpeed(after, at: tc, y: y, fps: fps, fromEnd: false)
      let noise = Self.stillPixels * fps
      impacts.append(
        Impact(frame: cut, incoming: vin > noise ? vin : 0, outgoing: vout < 0 ? -vout : 0))
    }
    jumps = Self.jumps(track, size: size, impacts: Set(cuts))
    rise = Self.riseFromRest(track, objectHeight: objectHeight, fps: fps)
    speedUps = pieces.compactMap { p -> (frames: Range<Int>, from: Double, to: Double)? in
      guard let fx = p.x, p.frames.count >= 5 else { return nil }
      let rows = p.frames.compactMap { y[$0] }
      guard let lo = rows.min(), let hi = rows.max(), hi - lo < 0.25 * objectHeight else { return nil }
      let t0 = Double(p.frames.lowerBound) / fps, t1 = Double(p.frames.upperBound - 1) / fps
      let v0 = fx.b + 2 * fx.c * t0, v1 = fx.b + 2 * fx.c * t1
      // Faster by half a pixel a frame and a tenth, in the same direction or from a standstill:
      // friction only slows (a reversed slide speeds up by 10–20%, a rolling ball keeps its speed).
      guard v0 * v1 > 0 || abs(v0) < 0.5 * fps, abs(v1) - abs(v0) > max(0.5 * fps, 0.1 * abs(v0)) else { return nil }
      return (p.frames, abs(v0), abs(v1))
    }
    let rest = Self.rest(track, fps: fps, after: cuts.first ?? track.count)
    penetration = rest.penetration
    restDrift = rest.drift
    sizeSteps = Self.sizeSteps(track)
  }

  /// Fits a piece, dropping an end frame caught mid-contact when it lies off the others' curve.
  private static func piece(
    _ range: Range<Int>, x: [Double?], y: [Double?], fps: Double, still: Bool
  ) -> Piece {
    var r = range
    func fit(_ v: [Double?], _ r: Range<Int>) -> QuadraticFit? {
      guard r.count >= 4 else { return nil }
      return QuadraticFit(t: r.map { Double($0) / fps }, y: r.map { v[$0]! })
    }
    if !still, r.count >= 6, let f = fit(y, r.dropLast()) {
      let k = r.upperBound - 1
      if abs(y[k]! - f(Double(k) / fps)) > max(stillPixels, 4 * f.rmsResidual) { r = r.lowerBound..<k }
    }
    if !still, r.count >= 6, let f = fit(y, r.dropFirst()) {
      let k = r.lowerBound
      if abs(y[k]! - f(Double(k) / fps)) > max(stillPixels, 4 * f.rmsResidual) { r = (k + 1)..<r.upperBound }
    }
    return Piece(frames: range, still: still, y: still ? nil : fit(y, r), x: still ? nil : fit(x, r))
  }

  /// Where the two pieces' parabolas meet between the last frame of one and the first of the
  /// other; the midpoint when either has no fit or they do not meet there.
  private static func contactTime(_ a: Piece, _ b: Piece, fps: Double) -> Double {
    let t0 = Double(a.frames.upperBound - 1) / fps, t1 = Double(b.frames.lowerBound) / fps
    let mid = (t0 + t1) / 2
    guard let fa = a.y, let fb = b.y else { return mid }
    let (qa, qb, qc) = (fa.c - fb.c, fa.b - fb.b, fa.a - fb.a)
    var roots: [Double] = []
    if abs(qa) < 1e-9 {
      if abs(qb) > 1e-12 { roots = [-qc / qb] }
    } else {
      let d = qb * qb - 4 * qa * qc
      if d >= 0 { roots = [(-qb - d.squareRoot()) / (2 * qa), (-qb + d.squareRoot()) / (2 * qa)] }
    }
    return roots.first { $0 >= t0 - 1e-9 && $0 <= t1 + 1e-9 } ?? mid
  }

  /// Vertical velocity (px/s, down positive) of a piece at time t: from its fit, or from its
  /// last (or first) two frames, or 0 for a piece of one frame or a still one.
  private static func verticalSpeed(
    _ p: Piece, at t: Double, y: [Double?], fps: Double, fromEnd: Bool
  ) -> Double {
    if p.still { return 0 }
    if let f = p.y { return f.b + 2 * f.c * t }
    guard p.frames.count >= 2 else { return 0 }
    let (i, j) = fromEnd ? (p.frames.upperBound - 2, p.frames.upperBound - 1) : (p.frames.lowerBound, p.frames.lowerBound + 1)
    return (y[j]! - y[i]!) * fps
  }

  /// Displacements that neither neighbour explains: d_k differs from the mean of d_{k−1} and
  /// d_{k+1} by J, while those two differ from each other by less than J. An impact changes
  /// the velocity for good (J is at most half the change), a teleport only for one frame;
  /// J must also exceed half the object's size (and 4 px), far beyond tracking noise.
  private static func jumps(_ track: [ObjectObservation?], size: Double, impacts: Set<Int>) -> [Jump] {
    var out: [Jump] = []
    guard track.count >= 4 else { return out }
    for k in 2..<(track.count - 1) {
      guard let a = track[k - 2], let b = track[k - 1], let c = track[k], let d = track[k + 1] else { continue }
      let d0 = (b.x - a.x, b.y - a.y), d1 = (c.x - b.x, c.y - b.y), d2 = (d.x - c.x, d.y - c.y)
      let j = hypot(d1.0 - (d0.0 + d2.0) / 2, d1.1 - (d0.1 + d2.1) / 2)
      let spread = hypot(d2.0 - d0.0, d2.1 - d0.1)
      if j > max(4, 0.5 * size), j > spread { out.append(Jump(frame: k, pixels: hypot(d1.0, d1.1))) }
    }
    return out
  }

  /// The final still stretch (at least three frames, each moving less than a pixel): its drift
  /// in px/s; and the deepest the object's bottom went below its bottom in that stretch.
  private static func rest(
    _ track: [ObjectObservation?], fps: Double, after firstImpact: Int
  ) -> (penetration: (pixels: Double, frame: Int)?, drift: (pixelsPerSecond: Double, from: Int)?) {
    guard let end = track.last ?? nil else { return (nil, nil) }
    var from = track.count - 1
    while from > 0, let o = track[from - 1], let n = track[from], max(abs(o.x - n.x), abs(o.y - n.y)) < 1 {
      from -= 1
    }
    // Three frames of stillness for the drift; 0.3 s for the floor line, so that a reversed
    // fall slowing to its apex at the end of the clip is not taken for the floor.
    guard track.count - from >= 3, let first = track[from] else { return (nil, nil) }
    let settled = Double(track.count - from) >= 0.3 * fps
    let seconds = Double(track.count - 1 - from) / fps
    let drift = hypot(end.x - first.x, end.y - first.y) / seconds
    let floor = end.y + end.height / 2
    var deepest: (pixels: Double, frame: Int) = (0, from)
    for (k, o) in track.enumerated() where k >= firstImpact {
      guard let o else { continue }
      let depth = o.y + o.height / 2 - floor
      if depth > deepest.pixels { deepest = (depth, k) }
    }
    return (settled ? deepest : nil, (drift, from))
  }

  /// The largest rise above a resting position reached later: an object at rest has no energy
  /// to climb with, so anything more than half its height (a tumble lifts the centre of a box
  /// by less than that) means it was lifted by nothing, as a fall played backwards is.
  private static func riseFromRest(
    _ track: [ObjectObservation?], objectHeight: Double, fps: Double
  ) -> (pixels: Double, restFrame: Int, frame: Int)? {
    var best: (pixels: Double, restFrame: Int, frame: Int)? = nil
    var k = 0
    while k + 2 < track.count {
      guard let a = track[k], let b = track[k + 1], let c = track[k + 2],
        max(abs(a.x - b.x), abs(a.y - b.y), abs(b.x - c.x), abs(b.y - c.y)) < stillPixels
      else {
        k += 1
        continue
      }
      for j in (k + 3)..<track.count {
        guard let o = track[j] else { continue }
        let up = a.y - o.y
        if up > max(0.5 * objectHeight, 2), up > (best?.pixels ?? 0) { best = (up, k + 2, j) }
      }
      k += 1
    }
    return best
  }

  /// Steps in √area between two frames that hold for the next ones: the median √area of the
  /// three frames from `k` over that of the three before, beyond 1.2 either way. Blur and
  /// depth change size gradually; a step of a fifth from one frame to the next is neither.
  private static func sizeSteps(_ track: [ObjectObservation?]) -> [(ratio: Double, frame: Int)] {
    let s = track.map { $0.map { Double($0.area).squareRoot() } }
    var out: [(ratio: Double, frame: Int)] = []
    guard s.count >= 6 else { return out }
    var k = 3
    while k + 3 <= s.count {
      let before = s[(k - 3)..<k].compactMap { $0 }, after = s[k..<(k + 3)].compactMap { $0 }
      if before.count == 3, after.count == 3, let mb = median(before), let ma = median(after), mb > 0,
        let a = s[k - 1], let b = s[k], a > 0, max(b / a, a / b) > 1.2
      {
        let ratio = ma / mb
        if max(ratio, 1 / ratio) > 1.2 {
          out.append((ratio, k))
          k += 3
          continue
        }
      }
      k += 1
    }
    return out
  }
}

private func hypot(_ x: Double, _ y: Double) -> Double { (x * x + y * y).squareRoot() }
