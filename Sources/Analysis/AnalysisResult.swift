// Analysis: analyzers read a clip and the scenario it was asked for, and return
// measurements in physical units, findings in words, and evidence for the report.
// They never see which generator made the clip.
import Media
import Scenarios

/// One measured quantity. The raw value keeps its unit; a 0–1 score, when there is one,
/// says how it was derived.
public struct Measurement: Sendable, Hashable, Codable {
  public var name: String
  /// nil when the quantity could not be measured on this clip (the reason is a finding).
  public var value: Double?
  /// The value's unit; empty for a pure number (a ratio named by its measurement, a score).
  public var unit: String
  /// What the scenario implies the value should be, when it implies one.
  public var reference: Double?
  /// 1 is perfect, 0 is as bad as it gets.
  public var score: Double?
  /// The formula behind `score`, in words a reader can check.
  public var scoreFormula: String?

  public init(
    name: String, value: Double?, unit: String, reference: Double? = nil, score: Double? = nil,
    scoreFormula: String? = nil
  ) {
    self.name = name
    self.value = value
    self.unit = unit
    self.reference = reference
    self.score = score
    self.scoreFormula = scoreFormula
  }
}

/// A violation of what must hold, in words a person understands.
public struct Finding: Sendable, Hashable, Codable {
  public enum Severity: String, Sendable, Hashable, Codable {
    case info, warning, violation
  }

  public var severity: Severity
  public var message: String
  /// Frames (0-based) that show it.
  public var frames: [Int]

  public init(severity: Severity, message: String, frames: [Int] = []) {
    self.severity = severity
    self.message = message
    self.frames = frames
  }
}

/// A named series to plot: x and y of equal length.
public struct Series: Sendable, Hashable, Codable {
  public var name: String
  public var xUnit: String
  public var yUnit: String
  public var x: [Double]
  public var y: [Double]

  public init(name: String, xUnit: String, yUnit: String, x: [Double], y: [Double]) {
    precondition(x.count == y.count, "series '\(name)' has unequal x and y")
    self.name = name
    self.xUnit = xUnit
    self.yUnit = yUnit
    self.x = x
    self.y = y
  }
}

/// What a report shows for an analysis: series to plot, frames to show.
public struct Evidence: Sendable, Hashable, Codable {
  public var series: [Series]
  public var frames: [Int]

  public init(series: [Series] = [], frames: [Int] = []) {
    self.series = series
    self.frames = frames
  }
}

/// Everything one analyzer says about one clip.
public struct AnalysisResult: Sendable, Hashable, Codable {
  public var analyzer: String
  public var subject: String?
  public var measurements: [Measurement]
  public var findings: [Finding]
  public var evidence: Evidence

  public init(
    analyzer: String, subject: String?, measurements: [Measurement], findings: [Finding],
    evidence: Evidence
  ) {
    self.analyzer = analyzer
    self.subject = subject
    self.measurements = measurements
    self.findings = findings
    self.evidence = evidence
  }

  /// True when no finding is a violation.
  public var passed: Bool { !findings.contains { $0.severity == .violation } }

  public func measurement(_ name: String) -> Measurement? {
    measurements.first { $0.name == name }
  }
}

/// Judges clips against scenarios.
public protocol Analyzer: Sendable {
  var name: String { get }
  func analyze(_ clip: Clip, scenario: Scenario, check: CheckSpec) throws -> AnalysisResult
}
