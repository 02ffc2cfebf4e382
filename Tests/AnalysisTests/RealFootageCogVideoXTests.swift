import Analysis
import Foundation
import Media
import Scenarios
import Testing

/// Real generator output (CogVideoX, `generated/cogvideox/` in the shared data): the clips
/// decode with the sizes and rate the README states, and the physics analyzer reads natural
/// generated video without throwing or producing a NaN, whatever it finds.
@Suite struct RealFootageCogVideoX {
  @Test(arguments: ["1.mp4", "2.mp4", "3.mp4", "4.mp4"])
  func decodesAndAnalysesWithoutNaN(name: String) throws {
    guard let path = SharedData.file("generated/cogvideox/\(name)") else { return }
    let loaded = try ClipLoader.load(path: path, longSide: 512)
    #expect(loaded.info.originalWidth == 720 && loaded.info.originalHeight == 480)
    #expect(loaded.containerFPS == 8 && loaded.fps == 8)
    #expect(loaded.clip.frames.count == 49)
    // 720×480 to long side 512: 341.3 rows, the nearest even count is 342.
    #expect(loaded.clip.width == 512 && loaded.clip.height == 342)
    let scenario = RealFootageBallDrop.scenario
    let result = try PhysicsAnalyzer().analyze(loaded.clip, scenario: scenario, check: scenario.checks[0])
    #expect(result.measurements.count == 14)
    for m in result.measurements {
      #expect(m.value.map { $0.isFinite } ?? true, "\(m.name) = \(String(describing: m.value))")
      #expect(m.score.map { $0.isFinite } ?? true, "\(m.name) score")
    }
    for series in result.evidence.series {
      #expect(series.y.allSatisfy { $0.isFinite }, "series \(series.name)")
    }
  }
}
