import Engine
import Media
import Scenarios

/// Renders the scenario with Plumbline's own engine: ground truth, and the generator that
/// works on any machine. Deterministic: the same request gives the same frames.
public struct ReferenceGenerator: Generator {
  public let name = "reference"

  public init() {}

  public func generate(_ request: GenerationRequest) async throws -> Clip {
    var scenario = request.scenario
    scenario.clip = ClipSpec(
      seconds: Double(request.frameCount) / request.fps, fps: request.fps,
      width: request.width, height: request.height)
    return try ReferenceRenderer(scenario: scenario).renderClip()
  }
}
