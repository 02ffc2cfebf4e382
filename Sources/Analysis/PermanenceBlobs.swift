import CKernels
import Dispatch
import Foundation
import Media

/// One object-sized patch of a colour in one frame: the colour-matching regions that lie
/// close together, merged, with their mean colour.
///
/// Regions are merged because an object cut by a thin occluder (a pole, the edge of a lid), or
/// whose shading breaks the colour match along a crease, is still one object; counting its
/// pieces would report duplicates that are not there.
struct ColorBlob: Sendable, Hashable {
  /// Area-weighted mean of the regions' centroids, in pixels, y down.
  var x: Double
  var y: Double
  var area: Int
  var minX: Int, minY: Int, maxX: Int, maxY: Int
  /// Mean CIELAB of the matching pixels.
  var l: Double, a: Double, b: Double

  var width: Int { maxX - minX + 1 }
  var height: Int { maxY - minY + 1 }

  /// True when the blob touches the frame's border, so part of it may lie outside the view.
  func touchesBorder(width w: Int, height h: Int, margin: Int = 1) -> Bool {
    minX < margin || minY < margin || maxX >= w - margin || maxY >= h - margin
  }

}

/// The blobs of the subject's colour in every frame, and of a loosened colour match on demand.
struct PermanenceFrames: Sendable {
  let frames: [RGBImage]
  let signature: ColorSignature
  let mergeGap: Int
  /// Blobs matching the subject's colour within the usual tolerance, for every frame.
  let strict: [[ColorBlob]]

  /// Hue within 75° either way and saturation within a factor 2.5: wide enough that a red ball
  /// turned magenta is still found near where it should be, narrow enough to leave greys out.
  static func loosened(_ s: ColorSignature) -> ColorSignature {
    var loose = s
    loose.minCos = cos(75 * Double.pi / 180)
    loose.saturationRatio = 2.5
    return loose
  }

  init(frames: [RGBImage], signature: ColorSignature, mergeGap: Int) {
    self.frames = frames
    self.signature = signature
    self.mergeGap = mergeGap
    strict = Self.segment(frames[...], signature, mergeGap: mergeGap)
  }

  /// Blobs matching the loosened colour in `range`: where the subject's colour has drifted (a
  /// morph, a generator's colour shift), it is still found here. Computed only where the strict
  /// match has lost the object, since a wide hue range matches much of a textured scene.
  func loose(_ range: Range<Int>) -> [[ColorBlob]] {
    Self.segment(frames[range], Self.loosened(signature), mergeGap: mergeGap)
  }

  /// Segments frames concurrently. Each frame is reduced to its blobs inside its iteration,
  /// so memory stays bounded by the workers.
  static func segment(_ frames: ArraySlice<RGBImage>, _ signature: ColorSignature, mergeGap: Int) -> [[ColorBlob]] {
    let frames = Array(frames)
    return parallelMap(frames.count) { Self.blobs(frames[$0], signature, mergeGap: mergeGap) }
  }

  /// The blobs of `image` for `signature`: regions of at least 3 pixels, merged when their
  /// bounding boxes come within `mergeGap` pixels of each other, less the blobs more than four
  /// times longer than wide: rails, poles and the edges of walls, not objects (an object cut
  /// that thin by an occluder counts as hidden anyway).
  static func blobs(_ image: RGBImage, _ signature: ColorSignature, mergeGap: Int) -> [ColorBlob] {
    let found = ColorRegions(image: image, signature: signature)
    let regions = found.regions.filter { $0.area >= 3 }.sorted { $0.minX < $1.minX }
    guard !regions.isEmpty else { return [] }
    // Union–find over regions whose boxes, grown by the gap, overlap; a sweep along x pairs
    // only regions whose x ranges meet, so a textured frame with many regions stays cheap.
    var parent = Array(regions.indices)
    func root(_ i: Int) -> Int {
      var i = i
      while parent[i] != i { i = parent[i] }
      return i
    }
    for i in regions.indices {
      for j in (i + 1)..<regions.count {
        let p = regions[i], q = regions[j]
        if q.minX - mergeGap > p.maxX { break }
        if p.minX - mergeGap <= q.maxX && p.minY - mergeGap <= q.maxY
          && q.minY - mergeGap <= p.maxY
        {
          parent[root(j)] = root(i)
        }
      }
    }
    // Mean CIELAB per region in one pass over the label image; the blobs then pool their regions.
    let w = image.width, h = image.height
    var lab = [Float](repeating: 0, count: w * h * 3)
    pk_srgb8_to_lab(image.pixels, Int32(w), Int32(h), w * 3, &lab, w * 3)
    let labelCount = found.regions.count + 1
    var sums = [Double](repeating: 0, count: 3 * labelCount)
    // Labels are 0 (no match) or 1…regions.count, so every index stays inside `sums`.
    found.labels.withUnsafeBufferPointer { labels in
      lab.withUnsafeBufferPointer { lab in
        sums.withUnsafeMutableBufferPointer { sums in
          for i in 0..<(w * h) where labels[i] > 0 {
            let l = 3 * Int(labels[i])
            sums[l] += Double(lab[3 * i])
            sums[l + 1] += Double(lab[3 * i + 1])
            sums[l + 2] += Double(lab[3 * i + 2])
          }
        }
      }
    }
    var groups: [Int: [ColorRegion]] = [:]
    for i in regions.indices { groups[root(i), default: []].append(regions[i]) }
    let merged = groups.keys.sorted().map { key in
      let parts = groups[key]!
      let area = parts.reduce(0) { $0 + $1.area }
      let sum = parts.reduce((0.0, 0.0, 0.0)) { s, r in
        let l = 3 * Int(r.label)
        return (s.0 + sums[l], s.1 + sums[l + 1], s.2 + sums[l + 2])
      }
      let d = Double(area)
      return ColorBlob(
        x: parts.reduce(0.0) { $0 + $1.centroidX * Double($1.area) } / d,
        y: parts.reduce(0.0) { $0 + $1.centroidY * Double($1.area) } / d, area: area,
        minX: parts.map(\.minX).min()!, minY: parts.map(\.minY).min()!, maxX: parts.map(\.maxX).max()!,
        maxY: parts.map(\.maxY).max()!, l: sum.0 / d, a: sum.1 / d, b: sum.2 / d)
    }
    return merged.filter { max($0.width, $0.height) <= 4 * min($0.width, $0.height) }
  }
}
