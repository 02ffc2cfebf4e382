import Media
import CKernels
import Testing

/// Hand-optimised kernels against their plain scalar twins on random inputs.
@Suite struct VisionScalarTwins {
  /// The median network and insertion-sort median select the same element, so the two agree
  /// exactly on every pixel of random flow fields, including the borders and sizes too thin for
  /// an interior (1×n, n×1, 2×2).
  @Test func medianNetworkMatchesScalarTwin() {
    var rng = SplitMix64(seed: 42)
    for (width, height) in [(37, 23), (1, 9), (9, 1), (2, 2), (3, 3), (64, 5)] {
      let src = (0..<(2 * width * height)).map { _ in Float.random(in: -8...8, using: &rng) }
      var fast = [Float](repeating: .nan, count: src.count)
      var twin = [Float](repeating: .nan, count: src.count)
      pk_flow_median3(src, &fast, 2 * width, Int32(width), Int32(height))
      pk_flow_median3_reference(src, &twin, 2 * width, Int32(width), Int32(height))
      #expect(fast == twin, "\(width)×\(height)")
    }
  }
}
