import Analysis
import Foundation
import Media

/// Whether a checkpoint did better, worse, or indistinguishably from a baseline on a metric.
public enum Verdict: String, Sendable, Hashable, Codable {
  case better
  case worse
  case noDetectableDifference = "no detectable difference"
}

/// One metric compared between two runs over the samples both have.
public struct MetricComparison: Sendable, Hashable, Codable {
  /// `analyzer.measurement`, e.g. `physics.gravity`.
  public var metric: String
  /// Scenario family (`falling-cups`), or `all`.
  public var family: String
  /// Paired samples (same scenario, same seed) that both runs scored.
  public var pairs: Int
  public var baselineMean: Double
  public var candidateMean: Double
  /// Mean of candidate − baseline score; positive is better (scores are 1 at best).
  public var difference: Double
  /// 95% paired-bootstrap confidence interval of `difference`.
  public var lower: Double
  public var upper: Double
  public var verdict: Verdict
  /// The samples whose score moved most, largest change first.
  public var largestChanges: [SampleChange]
}

/// How one sample's score moved between the runs.
public struct SampleChange: Sendable, Hashable, Codable {
  public var scenarioID: String
  public var seed: UInt64
  public var baseline: Double
  public var candidate: Double
}

/// Compares two runs metric by metric with a paired bootstrap over (scenario, seed).
///
/// Scores, not raw values, are compared: every score is 1 at best, so "higher is better"
/// holds for all of them, and raw values keep their units in the reports. Pairing by
/// scenario and seed removes the variance between scenarios from the comparison.
public struct RunComparison: Sendable {
  /// Bootstrap resamples; 2000 puts the 2.5% and 97.5% quantiles within about ±0.005 of
  /// their limit for differences of order 0.1.
  public var resamples = 2000
  /// Fixed so that the same runs always give the same intervals.
  public var seed: UInt64 = 0x5EED
  /// How many changed samples each comparison lists.
  public var changesListed = 3

  public init() {}

  public func compare(baseline: RunRecord, candidate: RunRecord) -> [MetricComparison] {
    let base = scores(baseline)
    let cand = scores(candidate)
    var comparisons: [MetricComparison] = []
    let metrics = Set(base.keys.map(\.metric)).intersection(cand.keys.map(\.metric)).sorted()
    for metric in metrics {
      let keys = base.keys.filter { $0.metric == metric && cand[$0] != nil }.sorted()
      let families = Set(keys.map(\.family)).sorted()
      for family in families + (families.count > 1 ? ["all"] : []) {
        let paired = keys.filter { family == "all" || $0.family == family }
        comparisons.append(
          compare(metric: metric, family: family, keys: paired, base: base, cand: cand))
      }
    }
    return comparisons
  }

  private struct Key: Hashable, Comparable {
    var metric: String
    var family: String
    var scenarioID: String
    var seed: UInt64

    static func < (a: Key, b: Key) -> Bool {
      (a.metric, a.scenarioID, a.seed) < (b.metric, b.scenarioID, b.seed)
    }
  }

  private func scores(_ run: RunRecord) -> [Key: Double] {
    var out: [Key: Double] = [:]
    for sample in run.samples where sample.status != .failed {
      let family = String(sample.scenarioID.split(separator: "/").first ?? "")
      for result in sample.results {
        for m in result.measurements {
          guard let score = m.score, score.isFinite else { continue }
          let key = Key(
            metric: "\(result.analyzer).\(m.name)", family: family,
            scenarioID: sample.scenarioID, seed: sample.seed)
          out[key] = score
        }
      }
    }
    return out
  }

  private func compare(
    metric: String, family: String, keys: [Key], base: [Key: Double], cand: [Key: Double]
  ) -> MetricComparison {
    let b = keys.map { base[$0]! }
    let c = keys.map { cand[$0]! }
    let differences = zip(c, b).map { $0 - $1 }
    let (lower, upper) = bootstrapInterval(differences)
    let verdict: Verdict = lower > 0 ? .better : upper < 0 ? .worse : .noDetectableDifference
    let changes = keys.indices
      .sorted { abs(differences[$0]) > abs(differences[$1]) }
      .prefix(changesListed)
      .filter { differences[$0] != 0 }
      .map { SampleChange(scenarioID: keys[$0].scenarioID, seed: keys[$0].seed, baseline: b[$0], candidate: c[$0]) }
    return MetricComparison(
      metric: metric, family: family, pairs: keys.count, baselineMean: mean(b),
      candidateMean: mean(c), difference: mean(differences), lower: lower, upper: upper,
      verdict: verdict, largestChanges: Array(changes))
  }

  /// Percentile interval (2.5%, 97.5%) of the mean over `resamples` resamples with
  /// replacement. Identical differences give a zero-width interval, as they should.
  func bootstrapInterval(_ differences: [Double]) -> (Double, Double) {
    guard !differences.isEmpty else { return (0, 0) }
    var generator = SplitMix64(seed: seed)
    var means: [Double] = []
    means.reserveCapacity(resamples)
    for _ in 0..<resamples {
      var sum = 0.0
      for _ in differences.indices {
        sum += differences[Int(generator.next() % UInt64(differences.count))]
      }
      means.append(sum / Double(differences.count))
    }
    means.sort()
    let low = means[Int(0.025 * Double(resamples - 1))]
    let high = means[Int((0.975 * Double(resamples - 1)).rounded(.up))]
    return (low, high)
  }

  private func mean(_ values: [Double]) -> Double {
    values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
  }
}

/// A gate for training pipelines: `METRIC>THRESHOLD` fails when the metric got worse by
/// more than THRESHOLD in score.
public struct RegressionGate: Sendable, Hashable {
  /// `analyzer.measurement`, or `*` for every metric.
  public var metric: String
  public var threshold: Double

  /// Parses `physics.gravity>0.05` or `*>0`.
  public init?(_ text: String) {
    let parts = text.split(separator: ">", maxSplits: 1).map(String.init)
    guard parts.count == 2, !parts[0].isEmpty, let limit = Double(parts[1]), limit >= 0
    else { return nil }
    metric = parts[0]
    threshold = limit
  }

  public init(metric: String, threshold: Double) {
    self.metric = metric
    self.threshold = threshold
  }

  /// The comparisons (over all families) that break this gate.
  public func violations(in comparisons: [MetricComparison]) -> [MetricComparison] {
    let overall = Dictionary(grouping: comparisons, by: \.metric).compactMap { _, rows in
      rows.first { $0.family == "all" } ?? (rows.count == 1 ? rows[0] : nil)
    }
    return overall.filter { row in
      (metric == "*" || row.metric == metric) && row.verdict == .worse
        && row.difference < -threshold
    }.sorted { $0.metric < $1.metric }
  }
}
