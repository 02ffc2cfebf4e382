import Engine
import Media
import Scenarios

/// Renders the scenario with Plumbline's own engine: ground truth, and the generator that
/// works on any machine. With a defect (`reference:vanish`, `reference:gravity=0.5`), it
/// breaks exactly one property on purpose, to prove that analyzers catch it.
/// Deterministic: the same request (seed included) gives the same frames.
public struct ReferenceGenerator: Generator {
  public let defect: Defect?

  public init(defect: Defect? = nil) {
    self.defect = defect
  }

  public var name: String { defect.map { "reference:\($0)" } ?? "reference" }

  public func generate(_ request: GenerationRequest) async throws -> Clip {
    try renderer(for: request).renderClip()
  }

  /// The renderer the request asks for: the scenario at the request's size, frame rate and
  /// length, with the defect applied for the request's seed.
  public func renderer(for request: GenerationRequest, options: RenderOptions = RenderOptions()) throws
    -> ReferenceRenderer
  {
    var scenario = request.scenario
    scenario.clip = ClipSpec(
      seconds: Double(request.frameCount) / request.fps, fps: request.fps,
      width: request.width, height: request.height)
    guard let defect else { return ReferenceRenderer(scenario: scenario, options: options) }
    let (defective, distortion) = try defect.apply(to: scenario, seed: request.seed)
    return ReferenceRenderer(scenario: defective, options: options, distortion: distortion)
  }
}
