import Analysis
import Testing

@Suite struct FittingAFall {
  /// Exact data: the fit returns the polynomial to rounding, with zero residual.
  @Test func quadraticFitRecoversExactPolynomial() throws {
    let t = (0..<10).map { Double($0) / 30 }
    let fit = try #require(QuadraticFit(t: t, y: t.map { 3 - 2 * $0 + 4.9 * $0 * $0 }))
    #expect(abs(fit.a - 3) < 1e-9 && abs(fit.b + 2) < 1e-9 && abs(fit.c - 4.9) < 1e-9)
    #expect(fit.rmsResidual < 1e-9)
    #expect(try #require(fit.cUncertainty) < 1e-6)
  }

  /// Three points fit exactly and leave no degrees of freedom for an uncertainty.
  @Test func threePointsHaveNoUncertainty() throws {
    let fit = try #require(QuadraticFit(t: [0, 1, 2], y: [0, 1, 5]))
    #expect(fit.cUncertainty == nil)
    #expect(abs(fit.c - 1.5) < 1e-12)
    #expect(QuadraticFit(t: [0, 1], y: [0, 1]) == nil)
  }

  /// Held for three frames, released, lands between frames 12 and 13, then lies still:
  /// the segment runs from the last held frame (2) to just before the first stopped one (13).
  @Test func segmentRunsFromLastStillFrameToBeforeImpact() throws {
    let fps = 30.0, pxPerS2 = 600.0
    let landing = 100 + pxPerS2 * pow(10.5 / fps, 2)
    let y: [Double?] = (0..<20).map { k in
      let t = Double(max(k - 2, 0)) / fps
      return min(100 + pxPerS2 * t * t, landing)
    }
    let segment = try #require(FreeFallSegment(y: y, fps: fps))
    #expect(segment.release == 2)
    #expect(segment.impact == 13)
    #expect(segment.frames == 2..<13)
    let fit = try #require(segment.fit)
    #expect(abs(fit.c - pxPerS2) < 1e-6)
  }

  /// A hand lowers the object at 1.5 px a frame and lets go at frame 3: the frames before do
  /// not fit free fall (frame 2 is 0.67 px off the curve, above the 0.3 px floor), so the fall
  /// starts at frame 3, and c is exact.
  @Test func framesStillInHandAreNotPartOfTheFall() throws {
    let y: [Double?] = (0..<14).map { k in
      let u = Double(k - 3)
      return k <= 3 ? 100 + 1.5 * Double(k) : 104.5 + 1.5 * u + 600 * u * u / 900
    }
    let segment = try #require(FreeFallSegment(y: y, fps: 30))
    #expect(segment.release == 3)
    #expect(segment.impact == nil)
    #expect(abs(try #require(segment.fit).c - 600) < 1e-6)
  }

  /// A track with a hole stops the segment at the hole: nothing is fitted across it.
  @Test func segmentStopsWhereTheObjectIsLost() throws {
    var y: [Double?] = (0..<12).map { 100 + 600 * pow(Double($0) / 30, 2) }
    y[4] = nil
    let segment = try #require(FreeFallSegment(y: y, fps: 30))
    #expect(segment.frames == 0..<4)
    #expect(segment.fit == nil)
  }
}

private func pow(_ x: Double, _ n: Int) -> Double { (0..<n).reduce(1) { r, _ in r * x } }
