import Analysis
import Foundation
import Media
import Testing

@Suite struct VisionFrameStatistics {
  /// A textured test image: smooth gradients plus a checker, so SSIM sees structure.
  func pattern(width: Int = 64, height: Int = 48) -> GreyImage {
    var img = GreyImage(width: width, height: height)
    for y in 0..<height {
      for x in 0..<width {
        let checker: Float = ((x / 6 + y / 6) % 2 == 0) ? 60 : 0
        img[x, y] = 60 + Float(x) * 1.5 + Float(y) + checker
      }
    }
    return img
  }

  func noisy(_ img: GreyImage, sigma: Double, seed: UInt64) -> GreyImage {
    var rng = SplitMix64(seed: seed)
    var out = img
    for i in out.pixels.indices { out.pixels[i] = min(255, max(0, out.pixels[i] + Float(sigma * rng.gaussian()))) }
    return out
  }

  /// SSIM of an image with itself is exactly 1 (every term of the formula cancels; 1e-6
  /// allows for float rounding of the blurred moments).
  @Test func ssimOfAnImageWithItselfIsOne() {
    let img = pattern()
    #expect(abs(FrameStatistics.ssim(img, img) - 1) < 1e-6)
  }

  /// More noise, less similarity: SSIM falls strictly as the noise σ grows 2 → 5 → 10 → 20 → 40
  /// grey levels, and is well below 1 at the top.
  @Test func ssimFallsMonotonicallyWithNoise() {
    let img = pattern()
    let values = [2.0, 5, 10, 20, 40].map { FrameStatistics.ssim(img, noisy(img, sigma: $0, seed: 3)) }
    print("SSIM against noise σ 2, 5, 10, 20, 40: \(values)")
    #expect(zip(values, values.dropFirst()).allSatisfy { $0 > $1 })
    #expect(values[0] < 1 && values.last! < 0.6)
  }

  /// Two flat images of 100 and 110 have no variance, so SSIM is its luminance term alone:
  /// (2·100·110 + C1) / (100² + 110² + C1) with C1 = (0.01·255)². Tolerance 2e-5: the kernel
  /// forms variances as E[x²] − μ² in single precision, which leaves ~1e-3 grey levels² of
  /// rounding against C2 = 58.5.
  @Test func ssimOfFlatImagesIsTheLuminanceTerm() {
    let c1 = (0.01 * 255) * (0.01 * 255)
    let expected = (2 * 100 * 110 + c1) / (100 * 100 + 110 * 110 + c1)
    let s = FrameStatistics.ssim(GreyImage(width: 32, height: 32, fill: 100),
                                 GreyImage(width: 32, height: 32, fill: 110))
    #expect(abs(s - expected) < 2e-5)
  }

  /// Mean absolute difference is the exact mean over all bytes: two pixels of three channels
  /// differing by 0, 3, 6 and 9, 0, 0 give 18 / 6 = 3.
  @Test func meanAbsoluteDifferenceIsExact() {
    let a = RGBImage(width: 2, height: 1, pixels: [10, 20, 30, 40, 50, 60])
    let b = RGBImage(width: 2, height: 1, pixels: [10, 23, 24, 49, 50, 60])
    #expect(FrameStatistics.meanAbsoluteDifference(a, b) == 3)
    #expect(FrameStatistics.meanAbsoluteDifference(a, a) == 0)
  }
}
