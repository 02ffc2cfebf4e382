import Dispatch
import Foundation
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
  ///
  /// Frames are segmented in parallel, a few per core at a time, so memory stays bounded for
  /// long clips; the choice of region is sequential, since it depends on the previous frame.
  public func track(_ clip: Clip) -> [ObjectObservation?] {
    var last: (x: Double, y: Double)?
    var track: [ObjectObservation?] = []
    track.reserveCapacity(clip.frames.count)
    let chunk = 2 * max(1, ProcessInfo.processInfo.activeProcessorCount)
    for start in stride(from: 0, to: clip.frames.count, by: chunk) {
      let frames = Array(clip.frames[start..<min(start + chunk, clip.frames.count)])
      for (offset, found) in segment(frames).enumerated() {
        let index = start + offset
        guard let pick = choose(from: found.regions, near: last) else {
          track.append(nil)
          continue
        }
        let seen = found.observe(pick, in: frames[offset], signature: signature, frame: index)
        last = (seen.x, seen.y)
        track.append(seen)
      }
    }
    return track
  }

  private func choose(from regions: [ColorRegion], near last: (x: Double, y: Double)?) -> ColorRegion? {
    let largest = regions.map(\.area).max() ?? 0
    let candidates = regions.filter {
      $0.area >= minArea && Double($0.area) >= minAreaFraction * Double(largest)
    }
    guard let last else { return candidates.max { $0.area < $1.area } }
    return candidates.min {
      hypot($0.centroidX - last.x, $0.centroidY - last.y)
        < hypot($1.centroidX - last.x, $1.centroidY - last.y)
    }
  }

  /// The colour regions of each frame, computed concurrently.
  private func segment(_ frames: [RGBImage]) -> [ColorRegions] {
    parallelMap(frames.count) { ColorRegions(image: frames[$0], signature: signature) }
  }
}

private func hypot(_ x: Double, _ y: Double) -> Double { (x * x + y * y).squareRoot() }
