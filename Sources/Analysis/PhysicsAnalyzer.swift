import Media
import Scenarios

/// Measures gravity and contact for one falling object.
public struct PhysicsAnalyzer: Analyzer {
  public let name = "physics"

  public init() {}

  public func analyze(_ clip: Clip, scenario: Scenario, check: CheckSpec) throws -> AnalysisResult {
    fatalError("not yet implemented")
  }
}
