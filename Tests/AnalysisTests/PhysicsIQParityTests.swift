import Analysis
import Media
import Testing

/// The fixtures' clips, drawn once for all tests (drawing is the slow part in debug builds).
private let parityClips: [String: (reference: Clip, candidate: Clip)] = Dictionary(
  uniqueKeysWithValues: physicsIQParityCases.map { ($0.name, ($0.reference.clip(), $0.candidate.clip())) })

/// Parity with the official Physics-IQ code on the fixtures of PhysicsIQFixtures.swift.
@Suite struct PhysicsIQParity {
  /// Masks must be the same pixels: any difference in grey, blur, rounding of the background
  /// or morphology shows up as a different count or checksum in some frame.
  @Test(arguments: physicsIQParityCases.map(\.name))
  func motionMasksMatchTheReferenceCodePixelForPixel(name: String) throws {
    let fixture = try #require(physicsIQParityCases.first { $0.name == name })
    for (label, spec, expected) in [
      ("reference", parityClips[name]!.reference, fixture.referenceMasks),
      ("candidate", parityClips[name]!.candidate, fixture.candidateMasks),
    ] {
      let masks = PhysicsIQ.motionMasks(spec.frames)
      #expect(masks.count == expected.count, "\(label): \(masks.count) masks")
      for (k, (mask, want)) in zip(masks, expected).enumerated() {
        #expect(mask.movingCount == want.count, "\(label) frame \(k): \(mask.movingCount) moving pixels, want \(want.count)")
        #expect(fnv1a64(moving: mask.pixels) == want.hash, "\(label) frame \(k): mask differs")
      }
    }
  }

  /// The four metrics to 1e-6 (the brief's bar). The IoUs are ratios of pixel counts, so any
  /// difference in a mask moves them by at least 1/(pixels at quarter size) ≈ 1e-3; the MSE is
  /// summed in double here and in float32 pairwise by numpy, which differ by < 1e-9.
  @Test(arguments: physicsIQParityCases.map(\.name))
  func metricsMatchTheReferenceCodeToOneInAMillion(name: String) throws {
    let fixture = try #require(physicsIQParityCases.first { $0.name == name })
    let (reference, candidate) = try #require(parityClips[name])
    let metrics = try PhysicsIQ.compare(candidate: candidate.frames, reference: reference.frames, fps: reference.fps)
    #expect(metrics.referenceMoving == fixture.referenceQuarterCounts)
    #expect(metrics.candidateMoving == fixture.candidateQuarterCounts)
    #expect(abs(metrics.spatialIoU - fixture.spatialIoU) < 1e-6, "spatial IoU \(metrics.spatialIoU) vs \(fixture.spatialIoU)")
    #expect(
      abs(metrics.weightedSpatialIoU - fixture.weightedSpatialIoU) < 1e-6,
      "weighted spatial IoU \(metrics.weightedSpatialIoU) vs \(fixture.weightedSpatialIoU)")
    #expect(metrics.spatiotemporalIoUPerFrame.count == fixture.spatiotemporalIoUPerFrame.count)
    for (k, (got, want)) in zip(metrics.spatiotemporalIoUPerFrame, fixture.spatiotemporalIoUPerFrame).enumerated() {
      #expect(abs(got - want) < 1e-6, "spatiotemporal IoU frame \(k): \(got) vs \(want)")
    }
    #expect(metrics.msePerFrame.count == fixture.msePerFrame.count)
    for (k, (got, want)) in zip(metrics.msePerFrame, fixture.msePerFrame).enumerated() {
      #expect(abs(got - want) < 1e-6, "MSE frame \(k): \(got) vs \(want)")
    }
  }

  /// The official score rounds every frame's IoU and MSE to 4 decimals before averaging
  /// (at most 5e-5 each, so 0.005 points on the score) and the score to 0.01 points (0.005
  /// more): 0.011 points covers both, and is still far below any difference that matters.
  @Test(arguments: physicsIQParityCases.map(\.name))
  func physicsIQScoreMatchesTheOfficialScript(name: String) throws {
    let fixture = try #require(physicsIQParityCases.first { $0.name == name })
    let (reference, candidate) = try #require(parityClips[name])
    let metrics = try PhysicsIQ.compare(candidate: candidate.frames, reference: reference.frames, fps: reference.fps)
    #expect(abs(metrics.physicsIQScore - fixture.physicsIQScore) < 0.011, "\(metrics.physicsIQScore) vs \(fixture.physicsIQScore)")
  }
}
