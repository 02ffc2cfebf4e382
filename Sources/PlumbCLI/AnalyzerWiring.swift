import Analysis
import Engine
import Scenarios

/// The analyzers as the commands run them. Physics-IQ compares a clip with the reference
/// rendering of its scenario; the CLI is where Analysis and the Engine may meet.
enum AnalyzerWiring {
  static let analyzer: @Sendable (CheckSpec.Kind) -> (any Analyzer)? = { kind in
    Analyzers.make(for: kind, reference: { try ReferenceRenderer(scenario: $0).renderClip() })
  }
}
