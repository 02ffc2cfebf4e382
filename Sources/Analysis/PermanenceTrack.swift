import Foundation

/// The subject followed through a clip by its colour, with how much of it shows in each frame,
/// and the stretches where it is hidden.
///
/// "Visible" is measured against the object's own full area (the 90th percentile of its
/// largest blob over the first half of the frames it is seen in), so occlusion reads as the
/// area shrinking: below a quarter of it only a sliver shows and the frame counts as hidden;
/// from 85% up it counts as fully seen, and only such frames are used for positions, since the
/// centroid of a half-hidden object is the centroid of its visible half.
struct PermanenceTrack: Sendable {
  static let sliver = 0.25
  static let full = 0.85

  let width: Int
  let height: Int
  /// The blob followed in each frame, nil where none of the subject's colour is found.
  let blobs: [ColorBlob?]
  /// The object's full area in pixels and its typical extent (mean of width and height).
  let fullArea: Double
  let size: Double

  /// Follows the subject: at first the largest blob; then, in each frame, the blob nearest to
  /// where constant velocity over the last fully seen frames puts it, so a duplicate or a
  /// similarly coloured object elsewhere does not capture the track.
  init?(strict: [[ColorBlob]], width: Int, height: Int) {
    // The object's full area: the 90th percentile of the largest blob over the first half of
    // the frames where it is seen at all (a blob at least a quarter of the median of the ten
    // largest blobs of the clip, so that specks of its colour in the scenery do not count, even
    // when the object shows in only a few frames), so that an object that changes size later
    // (a morph, a generator's drift) is measured against what it was.
    let largest = strict.compactMap { $0.map(\.area).max() }.map(Double.init)
    guard !largest.isEmpty else { return nil }
    let typical = median(Array(largest.sorted().suffix(10)))!
    let sightings = largest.filter { $0 >= 0.25 * typical }
    let area = percentile(Array(sightings.prefix(max(1, sightings.count / 2))), 0.9)
    self.width = width
    self.height = height
    fullArea = area
    var blobs: [ColorBlob?] = []
    var seen: [(frame: Int, x: Double, y: Double)] = []
    var last: ColorBlob?
    for (k, found) in strict.enumerated() {
      let candidates = found.filter { Double($0.area) >= 0.1 * area }
      guard !candidates.isEmpty else {
        blobs.append(nil)
        continue
      }
      let pick: ColorBlob
      if let last {
        let p: (x: Double, y: Double) = Continuity(Array(seen.suffix(6))).map { $0.position(at: Double(k)) } ?? (last.x, last.y)
        pick = candidates.min { hypot($0.x - p.x, $0.y - p.y) < hypot($1.x - p.x, $1.y - p.y) }!
      } else {
        pick = candidates.max { $0.area < $1.area }!
      }
      blobs.append(pick)
      last = pick
      if Double(pick.area) >= Self.full * area && !pick.touchesBorder(width: width, height: height) {
        seen.append((k, pick.x, pick.y))
      }
    }
    self.blobs = blobs
    let fullExtents = blobs.compactMap { $0 }.filter { Double($0.area) >= Self.full * area }
      .map { Double($0.width + $0.height) / 2 }
    size = median(fullExtents) ?? area.squareRoot()
  }

  /// Visible fraction of the object in frame `k`.
  func fraction(_ k: Int) -> Double { blobs[k].map { Double($0.area) / fullArea } ?? 0 }

  func isFull(_ k: Int) -> Bool {
    guard let b = blobs[k] else { return false }
    return Double(b.area) >= Self.full * fullArea && !b.touchesBorder(width: width, height: height)
  }

  /// The first frame where more than a sliver shows.
  var firstSeen: Int? { blobs.indices.first { fraction($0) >= Self.sliver } }

  /// Runs of frames, after the first sighting, where at most a sliver shows: `end` is the first
  /// frame after the run, the clip's length when the object never comes back.
  var gaps: [Range<Int>] {
    guard let first = firstSeen else { return [] }
    var out: [Range<Int>] = []
    var k = first
    while k < blobs.count {
      if fraction(k) < Self.sliver {
        var e = k
        while e < blobs.count && fraction(e) < Self.sliver { e += 1 }
        out.append(k..<e)
        k = e
      } else {
        k += 1
      }
    }
    return out
  }
}

/// The value below which a fraction `q` of `values` lies (nearest rank); `values` not empty.
func percentile(_ values: [Double], _ q: Double) -> Double {
  let s = values.sorted()
  return s[Int((q * Double(s.count - 1)).rounded())]
}

/// Constant-velocity motion fitted robustly: Theil–Sen (the median of the pairwise slopes),
/// so one bad frame (a shadow merged into the blob, a partly hidden frame that slipped
/// through) does not tilt the prediction.
struct Continuity: Sendable {
  let frame: Double
  let x: Double, y: Double
  /// Pixels per frame.
  let vx: Double, vy: Double

  /// nil without a sample; one sample means at rest there.
  init?(_ samples: [(frame: Int, x: Double, y: Double)]) {
    guard let lastSample = samples.last else { return nil }
    var sx: [Double] = [], sy: [Double] = []
    for i in samples.indices {
      for j in samples.indices where j > i {
        let dt = Double(samples[j].frame - samples[i].frame)
        sx.append((samples[j].x - samples[i].x) / dt)
        sy.append((samples[j].y - samples[i].y) / dt)
      }
    }
    let (u, v, f) = (median(sx) ?? 0, median(sy) ?? 0, Double(lastSample.frame))
    (vx, vy, frame) = (u, v, f)
    // The line through the median residual, evaluated at the last sample.
    x = median(samples.map { $0.x - u * (Double($0.frame) - f) })!
    y = median(samples.map { $0.y - v * (Double($0.frame) - f) })!
  }

  var speed: Double { hypot(vx, vy) }

  func position(at k: Double) -> (x: Double, y: Double) {
    (x + vx * (k - frame), y + vy * (k - frame))
  }
}
