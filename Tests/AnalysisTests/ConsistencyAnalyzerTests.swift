import Analysis
import Engine
import Foundation
import Media
import Scenarios
import Testing

/// Camera-orbit scenarios rendered by the reference engine, at a reduced size so that debug
/// builds stay quick (the analyzer's figures at 160 px are close to those at 512 px, a little
/// noisier), each rendered once per test process.
enum OrbitClips {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// `camera-orbits/<name>` with its long side scaled to `longSide` pixels.
  static func scenario(_ name: String, longSide: Int) throws -> Scenario {
    var s = try ScenarioLoader.load(path: root.appendingPathComponent("scenarios/camera-orbits/\(name).yaml").path)
    let long = max(s.clip.width, s.clip.height)
    s.clip.width = s.clip.width * longSide / long
    s.clip.height = s.clip.height * longSide / long
    return s
  }

  /// The clip of `scenario`, with `defect` (e.g. "wobble", "pop=0.3") when given.
  static func render(_ scenario: Scenario, defect: String? = nil) throws -> Clip {
    guard let defect else { return try ReferenceRenderer(scenario: scenario).renderClip() }
    let (broken, distortion) = try Defect.parse(defect).apply(to: scenario, seed: 1)
    return try ReferenceRenderer(scenario: broken, distortion: distortion).renderClip()
  }

  static func analyze(_ name: String, longSide: Int = 160, defect: String? = nil) throws -> AnalysisResult {
    let scenario = try scenario(name, longSide: longSide)
    let clip = try render(scenario, defect: defect)
    return try ConsistencyAnalyzer().analyze(clip, scenario: scenario, check: CheckSpec(kind: .consistency))
  }
}

extension AnalysisResult {
  func value(_ name: String) throws -> Double {
    try #require(measurement(name)?.value, "\(name) missing in \(measurements.map(\.name))")
  }

  func score(_ name: String) throws -> Double {
    try #require(measurement(name)?.score, "\(name) has no score")
  }

  var violations: [Finding] { findings.filter { $0.severity == .violation } }

  /// Every value, score and series point is finite: the analyzer never answers NaN.
  var isFinite: Bool {
    measurements.allSatisfy { ($0.value?.isFinite ?? true) && ($0.score?.isFinite ?? true) }
      && evidence.series.allSatisfy { $0.y.allSatisfy(\.isFinite) && $0.x.allSatisfy(\.isFinite) }
  }
}

@Suite struct ConsistencyAnalyzerOnReferenceEngine {
  /// The engine renders a rigid world along exactly the path asked for, so every pair must fit
  /// one rigid scene and the camera must turn as asked. Tolerances, with the measured figures
  /// at 160 px (orbit-360, arc-90, dolly-in, orbit-while-cup-falls):
  /// - median Sampson error under 0.5 px (the brief's bar; measured 0.11–0.17 px);
  /// - rotation per frame within 0.25 × asked + 0.2° of the asked rate (measured 3.16 for
  ///   3.03, 1.23 for 1.27, 0.07 for 0.01, 1.41 for 1.35 °/frame), and the rotation error
  ///   per frame under 0.35° (measured 0.26, 0.12, 0.07, 0.19): at 160 px a stride of 3–8
  ///   frames spans 7–12°, where E pins the rotation to a few tenths of a degree;
  /// - no violation, and an overall score above 0.7 (measured 0.81 on orbit-360, where the
  ///   lowest component is the inlier ratio, 0.90: tracks at occlusion edges of a fast orbit).
  @Test(arguments: ["orbit-360", "arc-90", "dolly-in", "orbit-while-cup-falls"])
  func referenceOrbitIsRigidAndTurnsAsAsked(name: String) throws {
    let result = try OrbitClips.analyze(name)
    #expect(result.isFinite)
    #expect(try result.value("median Sampson error") < 0.5)
    let rate = try result.value("rotation per frame")
    let asked = try #require(result.measurement("rotation per frame")?.reference)
    #expect(abs(rate - asked) < 0.25 * asked + 0.2, "\(rate) °/frame for \(asked)")
    #expect(try result.value("rotation error per frame") < 0.35)
    #expect(result.violations.isEmpty, "\(result.violations.map(\.message))")
    #expect(try result.score("3D consistency") > 0.7,
            "\(result.measurements.map { "\($0.name) \($0.score ?? -1)" })")
    if name == "orbit-360" {
      // The engine's last frame is its first (fraction 1 of 360°): identical images.
      #expect(try result.value("loop closure rotation") < 0.5)
    }
  }
}

@Suite struct ConsistencyAnalyzerOnGeneratedVideo {
  /// CogVideoX clips are not orbits (and not of our scenes): judged against orbit-360, the
  /// analyzer must still answer with finite numbers or nil, and findings, never a crash. At
  /// long side 256 to keep the debug run short.
  @Test(arguments: ["1.mp4", "2.mp4", "3.mp4", "4.mp4"])
  func answersWithoutNaNOnCogVideoX(name: String) throws {
    guard let path = SharedData.file("generated/cogvideox/\(name)") else { return }
    let clip = try ClipLoader.load(path: path, longSide: 256).clip
    let scenario = try OrbitClips.scenario("orbit-360", longSide: 512)
    let result = try ConsistencyAnalyzer().analyze(clip, scenario: scenario, check: CheckSpec(kind: .consistency))
    #expect(result.isFinite)
    #expect(result.measurement("median Sampson error") != nil)
    #expect(!result.findings.isEmpty)
  }
}
