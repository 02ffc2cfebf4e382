import CKernels
import Foundation
import Media
import Scenarios

/// How an object's colour looks under any brightness, for finding it by colour.
///
/// Lambert shading scales an object's linear RGB by a factor. In CIELAB that scales a* and b*
/// by the factor's cube root and L* + 16 by the same, so the hue direction of (a*, b*) and the
/// saturation C* ÷ (L* + 16) do not change, while L* and C* do. A match compares those two
/// invariants (plus a floor on C*, below which hue is noise), so a cup in its own shadow is
/// still the cup, and a brown floor is not a shaded red cup. CIELAB rather than plain rg
/// chromaticity because its angles are perceptual: one tolerance means the same visible
/// hue change for every colour, which matters for generated video whose tone curve is no
/// pure scaling.
public struct ColorSignature: Sendable, Hashable {
  public let a: Double
  public let b: Double
  public let chroma: Double
  public let saturation: Double
  /// The colour in linear RGB, for unmixing edge pixels.
  public let linear: [Float]

  /// Hue tolerance: 30° either way.
  public var minCos = 0.866
  /// Saturation may differ by this factor either way (dark shading is noisier).
  public var saturationRatio = 1.6
  /// Chroma below this carries no reliable hue (8-bit noise and compression are a few units).
  public var minChroma = 8.0
  /// Linear RGB of the scene's surfaces whose hue is near this colour's (see `separated`).
  public var surfaces: [SIMD3<Float>] = []
  /// A matching pixel that owes more than this share of its light to one of `surfaces` is
  /// that surface, or the object's edge blended with it, rather than the object.
  public var maxSurfaceShare: Float = 0.25

  public init(_ color: SceneColor) {
    let lab = Self.lab(color)
    a = lab.a
    b = lab.b
    chroma = (lab.a * lab.a + lab.b * lab.b).squareRoot()
    saturation = chroma / (lab.l + 16)
    linear = [color.red, color.green, color.blue].map { Float(Self.decode($0)) }
  }

  /// True when the colour has enough chroma to be told from greys by hue at all.
  public var isTrackable: Bool { chroma >= 2 * minChroma }

  /// The largest share of the light (luminance) of `pixel`, in linear RGB, that one of
  /// `surfaces` accounts for when the pixel is read as x·object + y·surface (least squares,
  /// x, y ≥ 0). Shading scales each term alone, so this is 0 for the object and 1 for the
  /// surface whether lit or in shadow, and near the covered fraction for a pixel on the edge
  /// between them. Hue, chroma and lightness all enter, which is what tells the red cup's edge
  /// against its own shadow on a brown floor (hue 40° for the cup's 38°, and C* ÷ (L* + 16)
  /// within the 1.6 that shading noise needs) from the cup: 44% of such a pixel's light is
  /// the shadowed floor.
  func surfaceShare(_ pixel: SIMD3<Float>) -> Float {
    let object = SIMD3(linear[0], linear[1], linear[2])
    let luminance = SIMD3<Float>(0.2126, 0.7152, 0.0722)
    var share: Float = 0
    for surface in surfaces {
      let oo = dot(object, object), ss = dot(surface, surface), os = dot(object, surface)
      let op = dot(object, pixel), sp = dot(surface, pixel)
      let det = oo * ss - os * os
      // Colours this alike cannot be unmixed (as in pk_line_coverage).
      guard det > 1e-3 * oo * ss else { continue }
      let x = (ss * op - os * sp) / det, y = (oo * sp - os * op) / det
      guard y > 0 else { continue }
      guard x > 0 else { return 1 }
      let fromSurface = y * dot(surface, luminance)
      share = max(share, fromSurface / (x * dot(object, luminance) + fromSurface))
    }
    return share
  }

  static func decode(_ c: Double) -> Double {
    c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
  }

  /// CIELAB of a colour through the same kernel the frames go through, so that the reference
  /// and the pixels agree to the last bit of the conversion.
  static func lab(_ color: SceneColor) -> (l: Double, a: Double, b: Double) {
    let px = [color.red, color.green, color.blue].map { UInt8(($0 * 255).rounded().clamped(0, 255)) }
    var out = [Float](repeating: 0, count: 3)
    pk_srgb8_to_lab(px, 1, 1, 3, &out, 3)
    return (Double(out[0]), Double(out[1]), Double(out[2]))
  }
}

/// A connected region of matching pixels in one frame.
public struct ColorRegion: Sendable, Hashable {
  /// Label in the frame's label image, 1-based.
  public let label: Int32
  public let area: Int
  /// Mean of the pixel centres (pixel (i, j) has centre (i + 0.5, j + 0.5), y down).
  public let centroidX: Double
  public let centroidY: Double
  /// Inclusive pixel bounds.
  public let minX: Int, minY: Int, maxX: Int, maxY: Int
}

/// The object as measured in one frame, to sub-pixel precision.
public struct ObjectObservation: Sendable, Hashable {
  public let frame: Int
  /// Centre of the silhouette in pixels, y down.
  public let x: Double
  public let y: Double
  /// Widest horizontal and tallest vertical extent of the silhouette, in pixels, with edge
  /// pixels counted by their coverage.
  public let width: Double
  public let height: Double
  /// Matching pixels in the region.
  public let area: Int
}

/// A frame and its CIELAB (D65, L* 0…100), three floats a pixel without padding.
public struct LabFrame: Sendable {
  public let image: RGBImage
  let lab: [Float]

  public init(_ image: RGBImage) {
    var lab = [Float](repeating: 0, count: image.width * image.height * 3)
    pk_srgb8_to_lab(image.pixels, Int32(image.width), Int32(image.height), image.width * 3, &lab, image.width * 3)
    self.image = image
    self.lab = lab
  }
}

/// The colour-matching regions of one frame, and sub-pixel measurement of any one of them.
public struct ColorRegions: Sendable {
  public let width: Int
  public let height: Int
  public let regions: [ColorRegion]
  let labels: [Int32]

  /// Finds the 8-connected regions of `image` whose colour matches `signature`.
  public init(image: RGBImage, signature: ColorSignature) {
    self.init(frame: LabFrame(image), signature: signature)
  }

  /// The same, in a frame already converted to CIELAB: several colours matched in one frame
  /// share the conversion, which costs more than the matching.
  public init(frame: LabFrame, signature: ColorSignature) {
    let image = frame.image
    let w = image.width, h = image.height
    var mask = [UInt8](repeating: 0, count: w * h)
    var labels = [Int32](repeating: 0, count: w * h)
    var parent = [Int32](repeating: 0, count: w * h / 2 + 2)
    pk_lab_match_mask(
      frame.lab, Int32(w), Int32(h), w * 3, Float(signature.a), Float(signature.b),
      Float(signature.saturation), Float(signature.minChroma), Float(signature.minCos),
      Float(signature.saturationRatio), &mask, w)
    if !signature.surfaces.isEmpty {
      let linear = (0..<256).map { Float(ColorSignature.decode(Double($0) / 255)) }
      let px = image.pixels
      for i in mask.indices where mask[i] != 0 {
        let pixel = SIMD3(linear[Int(px[3 * i])], linear[Int(px[3 * i + 1])], linear[Int(px[3 * i + 2])])
        if signature.surfaceShare(pixel) > signature.maxSurfaceShare { mask[i] = 0 }
      }
    }
    // w·h/2 + 2 parents always suffice (see the kernel), so the count is never negative.
    let count = Int(pk_label_regions(mask, Int32(w), Int32(h), w, &labels, w, &parent, parent.count))
    var stats = [pk_region_stats](repeating: pk_region_stats(), count: max(count, 0))
    pk_region_stats_compute(labels, Int32(w), Int32(h), w, Int32(count), &stats)
    self.width = w
    self.height = h
    self.labels = labels
    self.regions = stats.enumerated().map { k, s in
      ColorRegion(
        label: Int32(k + 1), area: Int(s.area), centroidX: s.sum_x / Double(s.area),
        centroidY: s.sum_y / Double(s.area), minX: Int(s.min_x), minY: Int(s.min_y),
        maxX: Int(s.max_x), maxY: Int(s.max_y))
    }
  }

  /// Sub-pixel centre and extents of `region`: per row and per column, the run between its
  /// first and last pixel, with the partly covered pixels at each end counted by unmixing
  /// them from the background next to them (see `pk_line_coverage`). The centre is the
  /// length-weighted mean of the runs' midpoints, which for a region convex along rows and
  /// columns is its area centroid.
  public func observe(
    _ region: ColorRegion, in image: RGBImage, signature: ColorSignature, frame: Int
  ) -> ObjectObservation {
    let rows = runs(image, signature, region.label, first: region.minY, count: region.maxY - region.minY + 1, alongRows: true)
    let cols = runs(image, signature, region.label, first: region.minX, count: region.maxX - region.minX + 1, alongRows: false)
    return ObjectObservation(
      frame: frame, x: rows.centre, y: cols.centre, width: rows.longest, height: cols.longest,
      area: region.area)
  }

  /// Whether a pixel of `region` lies within `reach` pixels (along rows and columns both) of a
  /// pixel matched in `other`, another colour's regions of the same frame: the two things
  /// touch, or one passes just in front of the other, which the image cannot tell apart.
  public func touches(_ region: ColorRegion, _ other: ColorRegions, reach: Int) -> Bool {
    let x0 = max(0, region.minX - reach), x1 = min(width - 1, region.maxX + reach)
    let y0 = max(0, region.minY - reach), y1 = min(height - 1, region.maxY + reach)
    for y in y0...y1 {
      for x in x0...x1 where other.labels[y * width + x] != 0 {
        // Any pixel of the region within reach of this matched pixel?
        for v in max(0, y - reach)...min(height - 1, y + reach) {
          for u in max(0, x - reach)...min(width - 1, x + reach) where labels[v * width + u] == region.label {
            return true
          }
        }
      }
    }
    return false
  }

  private func runs(
    _ image: RGBImage, _ signature: ColorSignature, _ label: Int32, first: Int, count: Int,
    alongRows: Bool
  ) -> (centre: Double, longest: Double) {
    var lo = [Float](repeating: 0, count: count)
    var hi = [Float](repeating: 0, count: count)
    // Rows: lines are rows `first…`, steps are pixels. Columns: the same with the strides
    // swapped. The offsets stay inside the buffers because `first + count` is within the image.
    let (step, line, length) = alongRows ? (1, width, width) : (width, 1, height)
    image.pixels.withUnsafeBufferPointer { px in
      labels.withUnsafeBufferPointer { lb in
        signature.linear.withUnsafeBufferPointer { obj in
          _ = pk_line_coverage(
            px.baseAddress! + 3 * first * line, 3 * step, 3 * line, lb.baseAddress! + first * line,
            step, line, Int32(length), Int32(count), label, obj.baseAddress!, &lo, &hi)
        }
      }
    }
    var total = 0.0, moment = 0.0, longest = 0.0
    for k in 0..<count where hi[k] > lo[k] {
      let len = Double(hi[k] - lo[k])
      total += len
      moment += len * Double(hi[k] + lo[k]) / 2
      longest = max(longest, len)
    }
    return (total > 0 ? moment / total : 0, longest)
  }
}

extension Comparable {
  func clamped(_ lo: Self, _ hi: Self) -> Self { min(max(self, lo), hi) }
}

private func dot(_ u: SIMD3<Float>, _ v: SIMD3<Float>) -> Float { (u * v).sum() }
