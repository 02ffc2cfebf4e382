import Scenarios

/// The analyzer that judges each kind of check.
public enum Analyzers {
  /// A fresh analyzer, with default tolerances, for checks of `kind`.
  public static func make(for kind: CheckSpec.Kind) -> any Analyzer {
    switch kind {
    case .physics: return PhysicsAnalyzer()
    }
  }
}
