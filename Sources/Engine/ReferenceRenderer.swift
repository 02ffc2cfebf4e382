// Engine: Plumbline's reference world simulator. It turns a scenario into the clip that a
// perfect world model would make: rigid-body physics, then a rasterizer through a pinhole
// camera. Deterministic to the bit for the same scenario.
import Media
import Scenarios

/// Renders a scenario's clip with the reference engine.
public struct ReferenceRenderer: Sendable {
  public let scenario: Scenario

  public init(scenario: Scenario) {
    self.scenario = scenario
  }

  /// Simulates and renders every frame the scenario's clip asks for.
  public func renderClip() throws -> Clip {
    fatalError("not yet implemented")
  }
}
