import Analysis
import Engine
import Foundation
import Media
import Scenarios

/// Occlusion scenarios rendered by the reference engine at a reduced size, for the permanence
/// tests: half size keeps a debug-build render to a few seconds a clip with the objects still
/// 12–20 px across, enough for sub-pixel centroids; the defect tests go to a quarter of the
/// size and half the frame rate, where the objects are 6–10 px across and a defect moves them by
/// far more than that.
enum OcclusionClips {
  static let names = ["ball-behind-wall", "screen-sweep", "cross-behind-occluder", "lid-covers", "long-occlusion"]

  /// The scenario at 1/`shrink` of its size and, when given, `fps` frames a second.
  ///
  /// In lid-covers the cup is made static: the engine treats the inverted cover as solid, so
  /// the lowered cover pushes the cup out and launches it off the table instead of closing over
  /// it (seen in the rendered frames). The cup never moves in the scenario, so a static cup is
  /// the scene the scenario describes.
  static func scenario(_ name: String, shrink: Int = 2, fps: Double? = nil) throws -> Scenario {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    var s = try ScenarioLoader.load(path: root.appendingPathComponent("scenarios/occlusion/\(name).yaml").path)
    s.clip.width /= shrink
    s.clip.height /= shrink
    if let fps { s.clip.fps = fps }
    if name == "lid-covers", let cup = s.world.objects.firstIndex(where: { $0.name == "cup" }) {
      s.world.objects[cup].isStatic = true
    }
    return s
  }

  /// The scenario's clip, with `defect` applied when given (seed 0).
  static func render(_ scenario: Scenario, defect: Defect? = nil, options: RenderOptions = RenderOptions()) throws
    -> Clip
  {
    guard let defect else { return try ReferenceRenderer(scenario: scenario, options: options).renderClip() }
    let (broken, distortion) = try defect.apply(to: scenario, seed: 0)
    return try ReferenceRenderer(scenario: broken, options: options, distortion: distortion).renderClip()
  }
}
