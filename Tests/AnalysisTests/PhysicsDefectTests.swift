import Analysis
import Engine
import Foundation
import Media
import Scenarios
import Testing

/// The falling-cups scenarios rendered by the reference engine at half size (debug renders cost
/// about 2 s a clip here), judged with the scenario as written. Half size keeps the cup 9 px
/// wide, enough for g to a few percent.
enum FallingCups {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  static func scenario(_ name: String) throws -> Scenario {
    var s = try ScenarioLoader.load(path: root.appendingPathComponent("scenarios/falling-cups/\(name).yaml").path)
    s.clip.width /= 2
    s.clip.height /= 2
    return s
  }

  /// The scenario rendered with `defect` (nil: as written), analysed against the scenario as
  /// written, so that a defect that changes the world (gravity=k) is judged by the world asked for.
  static func analyse(_ name: String, defect: String? = nil) throws -> AnalysisResult {
    let scenario = try scenario(name)
    var (world, distortion) = (scenario, Distortion())
    if let defect { (world, distortion) = try Defect.parse(defect).apply(to: scenario, seed: 0) }
    let clip = try ReferenceRenderer(scenario: world, distortion: distortion).renderClip()
    return try PhysicsAnalyzer().analyze(clip, scenario: scenario, check: scenario.checks[0])
  }
}

@Suite struct PhysicsOnFallingCups {
  /// Smallest strengths still caught on drop-1m at half size (swept by hand, 2026-11): gravity=0.88
  /// (g 12% off; 0.92 gives 8%, inside the 10% tolerance); teleport=0.06 m (14 px, the jump
  /// bar is half the cup's size and 4 px; 0.04 m is 4.7 px); morph=0.2 (the colour is still
  /// found and the size steps by 21%; from about 0.4 the colour is lost and the colour-change
  /// check names it); timewarp=0.1 (g 17% off; 0.06 gives 9%); vanish at any point of the
  /// motion (0.5 and 0.9 tried); reverse=1 (0.5 shows only the cup at rest, which is no
  /// violation).
  ///
  /// The reference drop passes with g within 2% (measured +0.4% at half size) and its defects
  /// fail with a finding that names what broke and a plausibility score at least 0.5 below
  /// the reference's (reference 0.96; every defect measured ≤ 0.04).
  @Test func dropOneMetrePassesAndEachDefectIsNamed() throws {
    let reference = try FallingCups.analyse("drop-1m")
    #expect(reference.passed, "\(reference.findings.map(\.message))")
    let g = try #require(reference.measurement("gravity")?.value)
    #expect(abs(g - 9.81) / 9.81 < 0.02, "g = \(g)")
    let sigma = try #require(reference.measurement("gravity_uncertainty")?.value)
    // The fit alone gave 0.02 m/s²; with the width's doubt the stated uncertainty must cover
    // the actual error without being uselessly wide.
    #expect(sigma >= abs(g - 9.81) / 3 && sigma < 0.3, "σ = \(sigma), error \(g - 9.81)")
    let base = try #require(reference.measurement("plausibility")?.score)
    #expect(base > 0.9)
    #expect(reference.measurement("penetration_fraction")?.value ?? 1 < 0.1)

    let expected: [(defect: String, words: String)] = [
      ("gravity=0.5", "falls at"), ("reverse", "shoots up from rest"), ("teleport", "jumps"),
      ("morph", "changes colour"), ("timewarp", "falls at"), ("vanish", "vanishes"),
    ]
    for (defect, words) in expected {
      let result = try FallingCups.analyse("drop-1m", defect: defect)
      #expect(!result.passed, "\(defect) passed")
      #expect(
        result.findings.contains { $0.severity == .violation && $0.message.contains(words) },
        "\(defect): \(result.findings.map(\.message))")
      let score = try #require(result.measurement("plausibility")?.score)
      #expect(score < base - 0.5, "\(defect): score \(score) vs reference \(base)")
    }
  }

  /// Four bounces; restitution is the rebound over the impact vertical speed, 0.49 each time
  /// in this engine (ball and floor 0.7 each, combined as their product). Played backwards
  /// every bounce gains speed: restitution 1/0.49 ≈ 2.
  @Test func bounceMeasuresRestitutionAndCatchesItReversed() throws {
    let reference = try FallingCups.analyse("bounce")
    #expect(reference.passed, "\(reference.findings.map(\.message))")
    let g = try #require(reference.measurement("gravity")?.value)
    #expect(abs(g - 9.81) / 9.81 < 0.02, "g = \(g)")
    let e = try #require(reference.measurement("restitution")?.value)
    #expect(abs(e - 0.49) < 0.05, "restitution \(e)")
    #expect(reference.measurement("impact_count")?.value ?? 0 >= 3)
    // Every fitted flight is evidence: the first fall plus at least two later flights.
    #expect(reference.evidence.series.filter { $0.name.hasPrefix("fitted") }.count >= 3)

    let reversed = try FallingCups.analyse("bounce", defect: "reverse")
    let violation = try #require(reversed.findings.first { $0.message.contains("bounces higher than it fell") })
    #expect(violation.severity == .violation)
    #expect(reversed.measurement("restitution")?.value ?? 0 > 1.5)
  }

  /// A toppling block has no free fall: no gravity is claimed, no violation raised, and it is
  /// seen to come to rest without sinking into the floor.
  @Test func toppleRaisesNoFalseViolation() throws {
    let reference = try FallingCups.analyse("topple")
    #expect(reference.passed, "\(reference.findings.map(\.message))")
    #expect(reference.measurement("gravity")?.value == nil)
    #expect(reference.measurement("at_rest")?.value == 1)
    #expect(reference.measurement("penetration")?.value ?? 99 < 1)
  }
}

@Suite struct PhysicsOnContactFalls {
  /// The cup tips over the table edge and the stack's top block slides off the falling blocks
  /// below: those frames touch another object and are no free fall (taken for one, they gave g
  /// 45% and 34% low). The cup's free fall after it leaves the edge is measured with the scale
  /// of the cup as it stood on the table, to the 2% asked of clean rendered video (measured
  /// −0.9% here at half size and at full size); half gravity on the same clip is still caught.
  @Test func offTablePassesAndHalfGravityIsCaught() throws {
    let reference = try FallingCups.analyse("off-table")
    #expect(reference.passed, "\(reference.findings.map(\.message))")
    let g = try #require(reference.measurement("gravity")?.value)
    #expect(abs(g - 9.81) / 9.81 < 0.02, "g = \(g)")
    let halved = try FallingCups.analyse("off-table", defect: "gravity=0.5")
    #expect(halved.findings.contains { $0.severity == .violation && $0.message.contains("falls at") }, "\(halved.findings.map(\.message))")
  }

  /// The cup breaks into shards on the floor: the shards' spread (54 px for the 20 px cup at
  /// full size) is no width of the cup, so the scale and the fall come from the cup as it fell,
  /// from the first frame. Taken from the shards, the scale was 2.7 times too large, a fall was
  /// sought among the shards settling (so "the cup moves 29 px before it is let go") and g
  /// was not measured.
  @Test func shatterMeasuresTheFallBeforeTheBreak() throws {
    let reference = try FallingCups.analyse("shatter")
    #expect(reference.passed, "\(reference.findings.map(\.message))")
    let g = try #require(reference.measurement("gravity")?.value, "\(reference.findings.map(\.message))")
    #expect(abs(g - 9.81) / 9.81 < 0.02, "g = \(g)")
    #expect(!reference.findings.contains { $0.message.contains("before it is let go") })
  }

  /// The top block never falls clear of the blocks below for five frames: gravity is not
  /// claimed, and nothing is reported as a violation.
  @Test func stackCollapseDeclinesToMeasureAndPasses() throws {
    let reference = try FallingCups.analyse("stack-collapse")
    #expect(reference.passed, "\(reference.findings.map(\.message))")
    #expect(reference.measurement("gravity")?.value == nil)
    #expect(!reference.findings.contains { $0.message.contains("before it is let go") })
  }
}
