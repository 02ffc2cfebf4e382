import CKernels
import Media

/// Per-pair frame statistics for temporal quality: structural similarity and mean absolute
/// difference.
public enum FrameStatistics {
  /// Mean SSIM (Wang et al. 2004: Gaussian 11×11 window, σ = 1.5, K1 = 0.01, K2 = 0.03,
  /// L = 255) of two grey images of one size, over the pixels whose window lies inside both.
  /// 1 for identical images; lower as structure, contrast or brightness differ.
  public static func ssim(_ a: GreyImage, _ b: GreyImage) -> Double {
    precondition(a.width == b.width && a.height == b.height, "SSIM needs two images of one size")
    var scratch = [Float](repeating: 0, count: 6 * a.width * a.height)
    return pk_ssim(a.pixels, a.width, b.pixels, b.width, Int32(a.width), Int32(a.height), &scratch)
  }

  /// Mean absolute difference of two RGB images of one size over all channels, in 8-bit levels
  /// (0…255). Exact (integer sums).
  public static func meanAbsoluteDifference(_ a: RGBImage, _ b: RGBImage) -> Double {
    precondition(a.width == b.width && a.height == b.height, "frames differ in size")
    return pk_mean_abs_diff_u8(a.pixels, a.width * 3, b.pixels, b.width * 3, Int32(a.width * 3),
                               Int32(a.height))
  }
}
