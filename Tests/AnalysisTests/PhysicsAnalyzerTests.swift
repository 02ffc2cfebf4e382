import Analysis
import Media
import Scenarios
import Testing

@Suite struct PhysicsAnalyzerOnSyntheticFalls {
  /// 2%: the brief's bar. The box is 9.4 px wide at 256×256, so this asks the scale for about
  /// 0.2 px of width, which only sub-pixel edges give; ±3 levels of sensor noise on every
  /// channel is what a clean camera or a lossless generator leaves.
  @Test(arguments: [9.81, 4.0])
  func recoversGravityWithinTwoPercent(g: Double) throws {
    let fall = SyntheticFall(gravity: g, noise: 3)
    let result = try PhysicsAnalyzer().analyze(
      fall.clip(), scenario: fall.scenario(), check: CheckSpec(kind: .physics))
    let measured = try #require(result.measurement("gravity")?.value)
    let error = abs(measured - g) / g
    #expect(error < 0.02, "g = \(measured) m/s² for \(g) m/s² (\(error * 100)% off)")
    let scale = try #require(result.measurement("pixels_per_metre")?.value)
    #expect(abs(scale - fall.pixelsPerMetre) / fall.pixelsPerMetre < 0.02, "scale \(scale) vs \(fall.pixelsPerMetre)")
    #expect(result.passed, "\(result.findings)")
    let uncertainty = try #require(result.measurement("gravity_uncertainty")?.value)
    #expect(uncertainty > 0 && uncertainty < 0.02 * g)
  }

  /// The box touches the floor between two frames; the impact frame is the first one after.
  /// One frame either way: a frame caught just after contact may still look like free fall.
  @Test func findsImpactAndRest() throws {
    let fall = SyntheticFall()
    let result = try PhysicsAnalyzer().analyze(
      fall.clip(), scenario: fall.scenario(), check: CheckSpec(kind: .physics))
    let impact = try #require(result.measurement("impact_frame")?.value)
    let truth = (fall.impactTime * fall.fps).rounded(.up)
    #expect(abs(impact - truth) <= 1, "impact frame \(impact), contact at frame \(fall.impactTime * fall.fps)")
    #expect(result.measurement("at_rest")?.value == 1)
    #expect(result.measurement("fit_residual")?.value ?? 99 < 0.2)
    #expect(result.evidence.series.prefix(2).map(\.name) == ["height above lowest point", "fitted free fall"])
    #expect(result.evidence.frames.first == 0)
  }

  @Test func wrongGravityIsAViolationNamingBothValues() throws {
    let fall = SyntheticFall(gravity: 4.0)
    let result = try PhysicsAnalyzer().analyze(
      fall.clip(), scenario: fall.scenario(gravity: 9.81), check: CheckSpec(kind: .physics))
    let g = try #require(result.measurement("gravity")?.value)
    #expect(!result.passed)
    let violation = try #require(result.findings.first { $0.severity == .violation })
    #expect(violation.message.contains("falls at \(String(format: "%.2f", g)) m/s²"), "\(violation.message)")
    #expect(violation.message.contains("9.81 m/s²"), "\(violation.message)")
    let score = try #require(result.measurement("gravity")?.score)
    #expect(score < 0.01)
  }

  /// A bigger patch of the same red appears in a corner from frame 5 on: the track stays with
  /// the region nearest the box's last position, so the fall runs on to its true impact
  /// (the first frame after contact, as without the patch) and g is unaffected (same 2% bar).
  @Test func sameColouredDistractorDoesNotCaptureTheTrack() throws {
    let fall = SyntheticFall()
    var clip = fall.clip()
    for k in 5..<clip.frames.count {
      for y in 10..<40 { for x in 10..<40 { clip.frames[k][x, y] = RGB(204, 38, 26) } }
    }
    let result = try PhysicsAnalyzer().analyze(clip, scenario: fall.scenario(), check: CheckSpec(kind: .physics))
    let g = try #require(result.measurement("gravity")?.value)
    #expect(abs(g - 9.81) / 9.81 < 0.02, "g = \(g)")
    #expect(result.measurement("impact_frame")?.value == (fall.impactTime * fall.fps).rounded(.up))
  }

  /// A scenario asking for a green box in a clip of a red one: nothing to measure, and it says so.
  @Test func objectNeverFoundGivesNilMeasurementsAndAFinding() throws {
    let fall = SyntheticFall(seconds: 0.5)
    let result = try PhysicsAnalyzer().analyze(
      fall.clip(), scenario: fall.scenario(color: SceneColor(red: 0.1, green: 0.7, blue: 0.2)),
      check: CheckSpec(kind: .physics))
    #expect(result.measurements.count == 14)
    #expect(result.measurements.allSatisfy { $0.value == nil })
    #expect(result.findings.map(\.message) == ["the box could not be found in any frame"])
  }
}

@Suite struct PhysicsAnalyzerOnBrokenClips {
  /// Frames 3–9 blanked to the first frame's background: the gap is named in frame numbers, and
  /// the fit stops at the gap, leaving three frames, too few for g.
  @Test func namesTheFramesWhereTheObjectIsMissing() throws {
    let fall = SyntheticFall(seconds: 0.5)
    var clip = fall.clip()
    let blank = RGBImage(width: fall.width, height: fall.height, fill: RGB(230, 235, 240))
    for k in 3...9 { clip.frames[k] = blank }
    let result = try PhysicsAnalyzer().analyze(clip, scenario: fall.scenario(), check: CheckSpec(kind: .physics))
    #expect(result.findings.map(\.message).contains("the box could not be found in frames 3–9"))
    #expect(result.measurement("gravity")?.value == nil)
    #expect(result.findings.contains { $0.message.contains("only 3 frames") })
  }

  /// A clip that ends mid-fall: g is still measured, and a note says the box is still moving
  /// at the end (no fault: the clip simply ends first).
  @Test func fallThatNeverEndsIsNotAtRest() throws {
    let fall = SyntheticFall(seconds: 0.4)
    let result = try PhysicsAnalyzer().analyze(fall.clip(), scenario: fall.scenario(), check: CheckSpec(kind: .physics))
    #expect(result.measurement("at_rest")?.value == 0)
    #expect(result.measurement("impact_frame")?.value == nil)
    let note = try #require(result.findings.first { $0.message.hasPrefix("the box is still moving when the clip ends") })
    #expect(note.severity == .info)
    let g = try #require(result.measurement("gravity")?.value)
    #expect(abs(g - 9.81) / 9.81 < 0.02)
  }

  /// No frames at all, or a zero frame rate: a finding, every value nil, nothing thrown.
  @Test func emptyClipGivesAFindingNotACrash() throws {
    let fall = SyntheticFall()
    let result = try PhysicsAnalyzer().analyze(Clip(frames: [], fps: 30), scenario: fall.scenario(), check: CheckSpec(kind: .physics))
    #expect(result.measurements.allSatisfy { $0.value == nil })
    #expect(result.findings.map(\.message) == ["the clip has no frames to measure"])
  }
}

@Suite struct AnalyzerRegistry {
  @Test func physicsChecksGetThePhysicsAnalyzer() {
    #expect(Analyzers.make(for: .physics)?.name == "physics")
  }
}
