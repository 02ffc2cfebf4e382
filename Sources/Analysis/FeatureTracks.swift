/// One corner followed through consecutive frames.
struct FeatureTrack: Sendable {
  /// The frame of `points[0]`.
  let start: Int
  var points: [SIMD2<Double>]

  /// The last frame the track reaches.
  var end: Int { start + points.count - 1 }

  func contains(_ frame: Int) -> Bool { frame >= start && frame <= end }

  func point(at frame: Int) -> SIMD2<Double> { points[frame - start] }
}

/// An axis-aligned box of pixels, inclusive, where tracks are not wanted (a moving object).
struct PixelBox: Sendable, Hashable {
  var minX: Double, minY: Double, maxX: Double, maxY: Double

  func contains(_ p: SIMD2<Double>) -> Bool {
    p.x >= minX && p.x <= maxX && p.y >= minY && p.y <= maxY
  }
}

/// Where one scenario object is seen by its colour, frame by frame.
struct ObjectSightings: Sendable {
  struct Sighting: Sendable {
    var box: PixelBox
    var area: Int
    /// Sub-pixel centre of the silhouette.
    var centre: SIMD2<Double>
    /// Its pixels, as indices y·width + x.
    var pixels: [Int32]
  }

  let name: String
  let isStatic: Bool
  let frames: [Sighting?]
}

/// Feature tracks through a clip: Shi–Tomasi corners followed frame to frame by pyramidal
/// Lucas–Kanade with a forward–backward check (a track ends where the check fails or it
/// leaves the image), and new corners added wherever tracks have died, so that a long camera
/// move keeps a full set of tracks.
struct FeatureTracker: Sendable {
  var corners: CornerDetector
  var tracker: LucasKanadeTracker
  /// New corners are detected when fewer than this fraction of `corners.maxCorners` is alive.
  var refill = 0.8

  init() {
    corners = CornerDetector()
    corners.maxCorners = 400
    corners.minDistance = 8
    corners.border = 8
    tracker = LucasKanadeTracker()
    tracker.windowRadius = 7
    tracker.levels = 4
    tracker.forwardBackwardThreshold = 0.5
  }

  /// Tracks over `frames`. Pyramids are built a few frames at a time in parallel, so memory
  /// stays bounded; the tracking itself is sequential, since each step starts where the last
  /// ended.
  func track(_ frames: [GreyImage]) -> [FeatureTrack] {
    guard let first = frames.first else { return [] }
    var tracks: [FeatureTrack] = []
    var alive: [Int] = []
    var previous = ImagePyramid(first, levels: tracker.levels)
    func topUp(_ image: GreyImage, frame: Int) {
      guard Double(alive.count) < refill * Double(corners.maxCorners) else { return }
      let spacing = corners.minDistance * corners.minDistance
      let existing = alive.map { tracks[$0].points.last! }
      for p in corners.detect(in: image) where alive.count < corners.maxCorners {
        guard !existing.contains(where: { ($0 - p).lengthSquared < spacing }) else { continue }
        alive.append(tracks.count)
        tracks.append(FeatureTrack(start: frame, points: [p]))
      }
    }
    topUp(first, frame: 0)
    let chunk = 4
    for base in stride(from: 1, to: frames.count, by: chunk) {
      let upper = min(base + chunk, frames.count)
      let pyramids = parallelMap(upper - base) { ImagePyramid(frames[base + $0], levels: tracker.levels) }
      for k in base..<upper {
        let next = pyramids[k - base]
        let starts = alive.map { tracks[$0].points.last! }
        let moved = tracker.track(starts, from: previous, to: next)
        var still: [Int] = []
        for (i, id) in alive.enumerated() where moved[i].isTracked {
          let p = moved[i].position
          guard p.x >= 0, p.y >= 0, p.x < Double(frames[k].width), p.y < Double(frames[k].height)
          else { continue }
          tracks[id].points.append(p)
          still.append(id)
        }
        alive = still
        topUp(frames[k], frame: k)
        previous = next
      }
    }
    return tracks
  }
}

extension [FeatureTrack] {
  /// Where the tracks that span frames `a` and `b` are in each, leaving out any point inside
  /// a box of `excluded` for its frame (moving objects).
  func correspondences(_ a: Int, _ b: Int, excluded: [[PixelBox]] = [])
    -> (first: [SIMD2<Double>], second: [SIMD2<Double>])
  {
    var x1: [SIMD2<Double>] = [], x2: [SIMD2<Double>] = []
    for t in self where t.contains(a) && t.contains(b) {
      let p = t.point(at: a), q = t.point(at: b)
      if a < excluded.count, excluded[a].contains(where: { $0.contains(p) }) { continue }
      if b < excluded.count, excluded[b].contains(where: { $0.contains(q) }) { continue }
      x1.append(p)
      x2.append(q)
    }
    return (x1, x2)
  }

  /// Of the tracks that exist at frame `k` (for each k with k + `frames` in the clip), the
  /// fraction that still exist `frames` later; nil when no track could be followed that far.
  func survival(after frames: Int, frameCount: Int) -> Double? {
    var born = 0, lasted = 0
    for t in self where t.start + frames < frameCount {
      // Count each track once per frame it is seen at, so long tracks weigh by their length.
      let seen = Swift.min(t.end, frameCount - 1 - frames) - t.start + 1
      born += seen
      lasted += Swift.max(0, t.end - frames - t.start + 1)
    }
    return born > 0 ? Double(lasted) / Double(born) : nil
  }
}

extension SIMD2<Double> {
  var lengthSquared: Double { (self * self).sum() }
  var length: Double { lengthSquared.squareRoot() }
}
