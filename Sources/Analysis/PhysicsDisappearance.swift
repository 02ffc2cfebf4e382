import Foundation
import Media
import Scenarios

/// What happened to an object whose colour stops being found for good while it was in view.
///
/// The frame after it was last seen is compared, around where its motion predicts it, with a
/// frame in which the object was elsewhere (the background there): if about as many pixels
/// changed as the object covered, something is still there but no longer has its colour (it
/// changed colour, and its size is read from the count); if almost none did, it vanished.
enum PhysicsDisappearance: Equatable {
  case vanished(frame: Int)
  /// Something of another colour is where the object should be; `sizeRatio` is its linear size
  /// over the object's last seen size.
  case changedColour(frame: Int, sizeRatio: Double)

  /// A channel must change by more than this many levels to count (compression and shading
  /// noise are a few levels; any object against any background differs by more somewhere).
  static let changeLevels = 30

  /// `others` are the colours of the scene's other objects: pixels of theirs that moved into
  /// view do not count as the object.
  init?(clip: Clip, track: [ObjectObservation?], motion: PhysicsMotion, others: [ColorSignature] = []) {
    guard let last = track.lastIndex(where: { $0 != nil }), last + 1 < track.count,
      let o = track[last], clip.frames.count == track.count
    else { return nil }
    let frame = clip.frames[last + 1]
    // An object leaving through the edge of the picture is not gone.
    let margin = 2.0
    guard o.x - o.width / 2 > margin, o.x + o.width / 2 < Double(frame.width) - margin,
      o.y - o.height / 2 > margin, o.y + o.height / 2 < Double(frame.height) - margin
    else { return nil }
    var px = o.x, py = o.y
    if let piece = motion.pieces.last(where: { $0.frames.contains(last) }), let fx = piece.x, let fy = piece.y {
      let t = Double(last + 1) / clip.fps
      px = fx(t)
      py = fy(t)
    }
    let half = 1.5 * max(o.width, o.height)
    let far = track.indices.compactMap { k -> (Int, Double)? in
      guard let s = track[k] else { return nil }
      let d = max(abs(s.x - px), abs(s.y - py))
      return d > half + max(s.width, s.height) ? (k, d) : nil
    }
    guard let reference = far.max(by: { $0.1 < $1.1 })?.0 else {
      self = .vanished(frame: last + 1)
      return
    }
    let background = clip.frames[reference]
    let x0 = max(0, Int(px - half)), x1 = min(frame.width, Int(px + half) + 1)
    let y0 = max(0, Int(py - half)), y1 = min(frame.height, Int(py + half) + 1)
    var changed = 0
    let lab = x0 < x1 && y0 < y1 && !others.isEmpty ? LabFrame(frame) : nil
    let masks = lab.map { lab in others.map { ColorRegions(frame: lab, signature: $0).labels } } ?? []
    if x0 < x1, y0 < y1 {
      for y in y0..<y1 {
        for x in x0..<x1 {
          let i = (y * frame.width + x) * 3
          let d = (0..<3).map { abs(Int(frame.pixels[i + $0]) - Int(background.pixels[i + $0])) }.max()!
          if d > Self.changeLevels, !masks.contains(where: { $0[y * frame.width + x] != 0 }) { changed += 1 }
        }
      }
    }
    if Double(changed) >= 0.3 * Double(o.area) {
      self = .changedColour(frame: last + 1, sizeRatio: (Double(changed) / Double(max(o.area, 1))).squareRoot())
    } else {
      self = .vanished(frame: last + 1)
    }
  }
}

extension ColorSignature {
  /// This colour's signature told apart from `others` (the scene's other objects, floor and
  /// background) that the default tolerance would confuse with it, those less than 60° of hue
  /// away. The hue tolerance narrows to half the angle to the nearest (no narrower than 15°): a
  /// yellow cup on a wooden table is 38° of hue from it, within the default 30° once shading
  /// and texture spread the wood's hue. Shading does not move hue (see ColorSignature), so
  /// the object's own pixels stay inside the narrower cone. And pixels that are largely one of
  /// them are dropped (see `surfaceShare`): a blend of the object with such a surface in
  /// shadow keeps a hue close to the object's.
  func separated(from others: [SceneColor]) -> ColorSignature {
    var out = self
    for other in others {
      let s = ColorSignature(other)
      guard s.chroma >= minChroma, chroma > 0 else { continue }
      let cosine = ((a * s.a + b * s.b) / (chroma * s.chroma)).clamped(-1, 1)
      let angle = acosDegrees(cosine)
      guard angle < 60 else { continue }
      out.minCos = max(out.minCos, cosDegrees(max(15, angle / 2)))
      out.surfaces.append(SIMD3(s.linear[0], s.linear[1], s.linear[2]))
    }
    return out
  }
}

private func acosDegrees(_ c: Double) -> Double { acos(c) * 180 / .pi }
private func cosDegrees(_ d: Double) -> Double { cos(d * .pi / 180) }
