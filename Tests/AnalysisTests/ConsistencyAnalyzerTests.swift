@testable import Analysis
import Engine
import Foundation
import Media
import Scenarios
import Synchronization
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

  /// The analysis of `name` (with `defect`), computed once per process: tests in parallel
  /// share the reference analyses instead of rendering them again.
  static func analyze(_ name: String, longSide: Int = 160, defect: String? = nil) throws -> AnalysisResult {
    let key = "\(name)@\(longSide):\(defect ?? "")"
    if let done = cache.withLock({ $0[key] }) { return done }
    let scenario = try scenario(name, longSide: longSide)
    let clip = try render(scenario, defect: defect)
    let result = try ConsistencyAnalyzer().analyze(clip, scenario: scenario, check: CheckSpec(kind: .consistency))
    cache.withLock { $0[key] = result }
    return result
  }

  private static let cache = Mutex<[String: AnalysisResult]>([:])
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
  ///   In particular no object is called non-rigid (silhouette points on arc-90's flat purple
  ///   cylinder used to look 0.67 px off the epipolar geometry) and no pop is found where an
  ///   object passes behind another (orbit-360's green ball, frames 31–35 and 49–53 at 512 px);
  /// - every static object's silhouette jitter under 0.25 px (measured 0.06–0.14 px at 160 px).
  @Test(arguments: ["orbit-360", "arc-90", "dolly-in", "orbit-while-cup-falls"])
  func referenceOrbitIsRigidAndTurnsAsAsked(name: String) throws {
    let result = try OrbitClips.analyze(name)
    #expect(result.isFinite)
    #expect(try result.value("median Sampson error") < 0.5)
    let rate = try result.value("rotation per frame")
    let asked = try #require(result.measurement("rotation per frame")?.reference)
    #expect(abs(rate - asked) < 0.25 * asked + 0.2, "\(rate) °/frame for \(asked)")
    #expect(try result.value("rotation error per frame") < 0.35)
    #expect(try result.value("worst object's jitter") < 0.25)
    #expect(try result.value("objects appearing or vanishing") == 0)
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
  /// long side 160 to keep the debug run short (at 512 on clip 1: the camera turns 0.06° per
  /// frame where the orbit asks 7.5°, the loop 'closes' to 2.6°, median Sampson 0.22 px).
  @Test(arguments: ["1.mp4", "2.mp4", "3.mp4", "4.mp4"])
  func answersWithoutNaNOnCogVideoX(name: String) throws {
    guard let path = SharedData.file("generated/cogvideox/\(name)") else { return }
    let clip = try ClipLoader.load(path: path, longSide: 160).clip
    let scenario = try OrbitClips.scenario("orbit-360", longSide: 512)
    let result = try ConsistencyAnalyzer().analyze(clip, scenario: scenario, check: CheckSpec(kind: .consistency))
    #expect(result.isFinite)
    #expect(result.measurement("median Sampson error") != nil)
    #expect(!result.findings.isEmpty)
  }
}

@Suite struct ConsistencyAnalyzerCatchesDefects {
  /// `zoomjitter` (each frame's focal length × 1 ± 5%) on the quarter arc: F absorbs a change
  /// of intrinsics, so the Sampson error stays low, but the image scale of consecutive frames
  /// jumps. Measured at 160 px: zoom jitter 2.96% against 0.12% for the reference (allowed
  /// 1%), overall score 0.10 against 0.94. Smallest strength caught in a sweep: 0.02.
  @Test func catchesFocalLengthJitter() throws {
    let reference = try OrbitClips.analyze("arc-90")
    let broken = try OrbitClips.analyze("arc-90", defect: "zoomjitter")
    #expect(broken.isFinite)
    #expect(broken.violations.contains { $0.message.contains("focal length jitters") },
            "\(broken.findings.map(\.message))")
    #expect(try broken.value("zoom jitter") > 2 * reference.value("zoom jitter") + 1)
    #expect(try broken.score("3D consistency") < reference.score("3D consistency") - 0.4)
  }

  /// `pop` (the first object, absent until half the clip, then there) must be named, on a
  /// small object (the red block of the quarter arc: 0 → 165 px of its colour at 160 px) and
  /// on a large one (the table of the dolly, which changes 14 grey levels of the whole image
  /// in one frame, with dense flow failing on 30% of the static pixels instead of 0%).
  /// Smallest strength caught: any that hides the object for at least one frame, 0.02 of the
  /// clip, since the jump is the same whenever it happens.
  @Test(arguments: [("arc-90", "red-block"), ("dolly-in", "table")])
  func catchesAnObjectPoppingIn(name: String, object: String) throws {
    let reference = try OrbitClips.analyze(name)
    let broken = try OrbitClips.analyze(name, defect: "pop")
    #expect(broken.isFinite)
    #expect(broken.violations.contains { $0.message.contains("appears") }, "\(broken.findings.map(\.message))")
    #expect(try broken.score("3D consistency") < reference.score("3D consistency") - 0.4)
    if name == "arc-90" {
      #expect(broken.violations.contains { $0.message.contains("the \(object) appears") })
    }
  }
}

@Suite struct ConsistencyAnalyzerCatchesWobble {
  /// `wobble` (every static object offset by up to 1 cm per axis, independently per frame) on
  /// every orbit: the silhouette centres jitter by 0.38–0.68 px at 160 px where the reference's
  /// waver by 0.06–0.14 px (allowed 0.25 px), so an object is named as not holding still and
  /// the score drops (measured 0.2–0.3 against 0.8–0.9). The overall Sampson error barely
  /// moves: RANSAC keeps the floor and drops the jittering objects' few silhouette tracks.
  @Test(arguments: ["orbit-360", "arc-90", "dolly-in", "orbit-while-cup-falls"])
  func namesAJitteringObject(name: String) throws {
    let reference = try OrbitClips.analyze(name)
    let broken = try OrbitClips.analyze(name, defect: "wobble")
    #expect(broken.isFinite)
    #expect(broken.violations.contains { $0.message.contains("does not hold still with the rest of the scene") },
            "\(broken.findings.map(\.message))")
    #expect(try broken.value("worst object's jitter") > 2 * reference.value("worst object's jitter"))
    #expect(try broken.score("3D consistency") < reference.score("3D consistency") - 0.3)
  }
}

@Suite struct ConsistencyOcclusionIsNotAPop {
  /// A 10×10 px object seen at frame 0 and gone at frame 1. Where another object's colour now
  /// covers its pixels it went behind that object (as orbit-360's green ball does behind the
  /// yellow block); where the floor shows (nothing coloured) it vanished.
  static func sightings(coverAt offset: Int) -> [ObjectSightings] {
    let width = 40
    func square(_ x0: Int, _ y0: Int) -> ObjectSightings.Sighting {
      let pixels = (y0..<(y0 + 10)).flatMap { y in (x0..<(x0 + 10)).map { Int32(y * width + $0) } }
      return ObjectSightings.Sighting(
        box: PixelBox(minX: Double(x0), minY: Double(y0), maxX: Double(x0 + 10), maxY: Double(y0 + 10)),
        area: 100, centre: SIMD2(Double(x0) + 5, Double(y0) + 5), pixels: pixels)
    }
    return [
      ObjectSightings(name: "ball", isStatic: true, frames: [square(10, 10), nil]),
      ObjectSightings(name: "block", isStatic: true, frames: [square(10 + offset + 10, 10), square(10 + offset, 10)]),
    ]
  }

  @Test func anObjectGoingBehindAnotherIsNotAPop() {
    var behind = ConsistencyReport()
    behind.judgePopping(Self.sightings(coverAt: 2), width: 40, height: 40)
    #expect(behind.findings.isEmpty, "\(behind.findings.map(\.message))")
    var vanished = ConsistencyReport()
    vanished.judgePopping(Self.sightings(coverAt: 15), width: 40, height: 40)
    #expect(vanished.findings.contains { $0.message.contains("the ball vanishes") })
  }
}
