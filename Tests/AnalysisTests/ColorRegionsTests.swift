import Analysis
import Foundation
import Media
import Scenarios
import Testing

@Suite struct FindingObjectsByColour {
  private let red = SceneColor(red: 0.8, green: 0.15, blue: 0.1)

  /// Published CIELAB (D65) of sRGB pure red is (53.24, 80.09, 67.20); float arithmetic
  /// in the kernel keeps it within a few hundredths.
  @Test func pureRedHasItsPublishedLab() {
    let sig = ColorSignature(SceneColor(red: 1, green: 0, blue: 0))
    #expect(abs(sig.a - 80.09) < 0.05)
    #expect(abs(sig.b - 67.20) < 0.05)
    #expect(abs(sig.saturation - 104.55 / (53.24 + 16)) < 0.002)
  }

  /// Lambert shading scales linear RGB; the match must hold from full light down to a fifth of
  /// it, while a brown floor of nearby hue and a grey wall do not match.
  @Test func matchIgnoresShadingButNotOtherColours() {
    let lin = [0.8, 0.15, 0.1].map { $0 <= 0.04045 ? $0 / 12.92 : pow(($0 + 0.055) / 1.055, 2.4) }
    func srgb(_ v: Double) -> UInt8 {
      let s = v <= 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1 / 2.4) - 0.055
      return UInt8((s * 255).rounded())
    }
    let shades = [1.0, 0.7, 0.45, 0.3, 0.2]
    var image = RGBImage(width: shades.count + 2, height: 1)
    for (i, s) in shades.enumerated() { image[i, 0] = RGB(srgb(lin[0] * s), srgb(lin[1] * s), srgb(lin[2] * s)) }
    image[shades.count, 0] = RGB(140, 102, 64)
    image[shades.count + 1, 0] = RGB(128, 128, 128)
    let found = ColorRegions(image: image, signature: ColorSignature(red))
    #expect(found.regions.count == 1)
    #expect(found.regions.first?.area == shades.count)
  }

  /// An edge pixel half red cup (in its own shade) and half brown floor in shadow keeps a hue
  /// near the cup's and matches it by hue and saturation; with the floor named as a surface
  /// of near hue it is dropped, while the cup from full light down to a fifth still matches
  /// and the floor in light or shadow does not.
  @Test func blendWithAShadowedSurfaceOfNearHueIsNotTheObject() {
    func decode(_ c: Double) -> Double { c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4) }
    func srgb(_ v: Double) -> UInt8 {
      let s = v <= 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1 / 2.4) - 0.055
      return UInt8((s * 255).rounded())
    }
    let cup = [0.8, 0.15, 0.1].map(decode), floor = [0.55, 0.4, 0.25].map(decode)
    let pixel = { (v: [Double]) in RGB(srgb(v[0]), srgb(v[1]), srgb(v[2])) }
    let shades = [1.0, 0.7, 0.45, 0.3, 0.2]
    var image = RGBImage(width: shades.count + 3, height: 1)
    for (i, s) in shades.enumerated() { image[i, 0] = pixel(cup.map { $0 * s }) }
    image[shades.count, 0] = pixel(floor)
    image[shades.count + 1, 0] = pixel(floor.map { $0 * 0.3 })
    image[shades.count + 2, 0] = pixel(zip(cup, floor).map { 0.5 * 0.45 * $0 + 0.5 * 0.3 * $1 })
    var signature = ColorSignature(red)
    #expect(ColorRegions(image: image, signature: signature).regions.map(\.area) == [shades.count, 1])
    signature.surfaces = [SIMD3(floor.map(Float.init))]
    #expect(ColorRegions(image: image, signature: signature).regions.map(\.area) == [shades.count])
  }

  /// A U shape is one region though its arms meet only at the bottom; a diagonal touch counts
  /// (8-connectivity); regions come in raster order of their first pixel with exact stats.
  @Test func regionsAreEightConnectedWithExactStats() {
    let rows = [
      "R.R...",
      "R.R..R",
      "RRR.R.",
      "......",
    ]
    var image = RGBImage(width: 6, height: 4, fill: RGB(200, 200, 200))
    for (y, row) in rows.enumerated() {
      for (x, c) in row.enumerated() where c == "R" { image[x, y] = RGB(204, 38, 26) }
    }
    let found = ColorRegions(image: image, signature: ColorSignature(red))
    #expect(found.regions.count == 2)
    let u = found.regions[0], diagonal = found.regions[1]
    #expect(u.area == 7 && u.minX == 0 && u.maxX == 2 && u.minY == 0 && u.maxY == 2)
    #expect(abs(u.centroidX - (0.5 * 3 + 1.5 + 2.5 * 3) / 7) < 1e-12)
    #expect(diagonal.area == 2 && diagonal.minX == 4 && diagonal.maxX == 5)
  }

  /// A rectangle with edges at known sub-pixel places, anti-aliased by exact area coverage in
  /// linear light, over a background that differs left and right of it: centre and extents
  /// come back within 0.02 px (8-bit quantisation of the edge pixels is about 0.005).
  @Test func subPixelExtentsFromEdgeCoverage() throws {
    let (x0, x1, y0, y1) = (5.3, 17.85, 4.6, 11.15)
    let obj = [0.6, 0.02, 0.01], left = [0.5, 0.55, 0.6], right = [0.2, 0.25, 0.1]
    var image = RGBImage(width: 24, height: 16)
    for y in 0..<16 {
      for x in 0..<24 {
        let cover = overlap(Double(x), x0, x1) * overlap(Double(y), y0, y1)
        let bg = x < 12 ? left : right
        let shade = 0.5 + 0.04 * Double(x)
        let c = (0..<3).map { cover * obj[$0] * shade + (1 - cover) * bg[$0] }
        image[x, y] = RGB(srgb(c[0]), srgb(c[1]), srgb(c[2]))
      }
    }
    let sig = ColorSignature(SceneColor(red: 0.8, green: 0.15, blue: 0.1))
    let found = ColorRegions(image: image, signature: sig)
    let region = try #require(found.regions.max { $0.area < $1.area })
    let seen = found.observe(region, in: image, signature: sig, frame: 0)
    #expect(abs(seen.width - (x1 - x0)) < 0.02, "width \(seen.width)")
    #expect(abs(seen.height - (y1 - y0)) < 0.02, "height \(seen.height)")
    #expect(abs(seen.x - (x0 + x1) / 2) < 0.02, "x \(seen.x)")
    #expect(abs(seen.y - (y0 + y1) / 2) < 0.02, "y \(seen.y)")
  }
}

private func overlap(_ pixel: Double, _ lo: Double, _ hi: Double) -> Double {
  max(0, min(pixel + 1, hi) - max(pixel, lo))
}

private func srgb(_ v: Double) -> UInt8 {
  let s = v <= 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1 / 2.4) - 0.055
  return UInt8((s * 255).rounded())
}
