import Media
import Scenarios

/// Renders the reference clip of a scenario, for analyzers that compare against it. Analysis
/// never renders itself (it does not depend on the engine): the caller supplies this.
public typealias ReferenceClipSource = @Sendable (Scenario) throws -> Clip

/// The analyzer that judges each kind of check.
public enum Analyzers {
  /// A fresh analyzer, with default tolerances, for checks of `kind`; nil for a kind this
  /// version cannot judge (the runner records the check as skipped), which for `physics-iq`
  /// is the case when no `reference` source is given.
  public static func make(for kind: CheckSpec.Kind, reference: ReferenceClipSource? = nil)
    -> (any Analyzer)?
  {
    switch kind {
    case .physics: return PhysicsAnalyzer()
    case .permanence: return PermanenceAnalyzer()
    case .consistency: return ConsistencyAnalyzer()
    case .temporal: return TemporalAnalyzer()
    case .physicsIQ: return reference.map { PhysicsIQAnalyzer(reference: $0) }
    }
  }
}
