import Scenarios

/// The analyzer that judges each kind of check.
public enum Analyzers {
  /// A fresh analyzer, with default tolerances, for checks of `kind`; nil for a kind this
  /// version cannot judge yet (the runner records the check as skipped).
  public static func make(for kind: CheckSpec.Kind) -> (any Analyzer)? {
    switch kind {
    case .physics: return PhysicsAnalyzer()
    case .permanence, .consistency, .temporal, .physicsIQ: return nil
    }
  }
}
