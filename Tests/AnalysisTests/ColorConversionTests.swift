import CKernels
import Foundation
import Testing

/// The colour kernel against CIELAB worked out in double precision with libm's cube root.
@Suite struct ColorConversionTests {
  /// CIE 1976 L*a*b* of an 8-bit sRGB colour under D65, the textbook way.
  static func lab(_ rgb: [UInt8]) -> [Double] {
    let lin = rgb.map { (v: UInt8) -> Double in
      let c = Double(v) / 255
      return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
    }
    let x = (0.4124564 * lin[0] + 0.3575761 * lin[1] + 0.1804375 * lin[2]) / 0.95047
    let y = 0.2126729 * lin[0] + 0.7151522 * lin[1] + 0.0721750 * lin[2]
    let z = (0.0193339 * lin[0] + 0.1191920 * lin[1] + 0.9503041 * lin[2]) / 1.08883
    let f = { (t: Double) in t > 216.0 / 24389 ? cbrt(t) : (24389.0 / 27 * t + 16) / 116 }
    return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))]
  }

  /// Every colour on a grid of 16 levels a channel (4096 colours, white and black included)
  /// matches to 0.001 in L, a and b: float rounding of the matrix is about 1e-4 there, and a
  /// cube root off by more than a few ulps would show above it.
  @Test func srgbToLabMatchesTheDoublePrecisionFormula() {
    let levels = stride(from: 0, through: 255, by: 17).map(UInt8.init)
    var pixels: [UInt8] = []
    for r in levels { for g in levels { for b in levels { pixels += [r, g, b] } } }
    let count = pixels.count / 3
    var out = [Float](repeating: .nan, count: pixels.count)
    pk_srgb8_to_lab(pixels, Int32(count), 1, pixels.count, &out, out.count)
    var worst = 0.0
    for k in 0..<count {
      let want = Self.lab(Array(pixels[3 * k..<3 * k + 3]))
      for c in 0..<3 { worst = max(worst, abs(Double(out[3 * k + c]) - want[c])) }
    }
    #expect(worst < 1e-3, "largest difference \(worst)")
  }
}
