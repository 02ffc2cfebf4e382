import Media

/// Follows one object through a clip by its colour: in each frame, the matching region
/// nearest to where the object was last seen.
public struct ColorTracker: Sendable {
  public let signature: ColorSignature
  /// Regions smaller than this many pixels are noise, not the object.
  public var minArea = 3
  /// Regions smaller than this fraction of the frame's largest match are noise too.
  public var minAreaFraction = 0.05

  public init(signature: ColorSignature) {
    self.signature = signature
  }

  /// One observation per frame, nil where no region matches. Until the object has been seen,
  /// the largest region is taken; after that, the one whose centroid is nearest the last
  /// position seen, so that a similarly coloured thing elsewhere does not capture the track.
  public func track(_ clip: Clip) -> [ObjectObservation?] {
    var last: (x: Double, y: Double)?
    var track: [ObjectObservation?] = []
    track.reserveCapacity(clip.frames.count)
    for (index, image) in clip.frames.enumerated() {
      let found = ColorRegions(image: image, signature: signature)
      let largest = found.regions.map(\.area).max() ?? 0
      let candidates = found.regions.filter {
        $0.area >= minArea && Double($0.area) >= minAreaFraction * Double(largest)
      }
      let pick: ColorRegion?
      if let last {
        pick = candidates.min {
          hypot($0.centroidX - last.x, $0.centroidY - last.y)
            < hypot($1.centroidX - last.x, $1.centroidY - last.y)
        }
      } else {
        pick = candidates.max { $0.area < $1.area }
      }
      guard let pick else {
        track.append(nil)
        continue
      }
      let seen = found.observe(pick, in: image, signature: signature, frame: index)
      last = (seen.x, seen.y)
      track.append(seen)
    }
    return track
  }
}

private func hypot(_ x: Double, _ y: Double) -> Double { (x * x + y * y).squareRoot() }
