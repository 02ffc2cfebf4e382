import Analysis
import Engine
import Foundation
import Generators
import Media
import Scenarios

/// How sensitive the analyzers are: every controlled defect on every scenario where it
/// applies, at its default strength and at weaker ones, judged against the reference clip of
/// the same scenario and seed.
///
/// A defect applies to a check of a scenario when the scenario asks for a check the defect
/// violates (`Defect.Kind.violatedChecks`), `Defect.apply` accepts the scenario, the check
/// measured on the reference clip the quantity the defect distorts (`witnesses`: bent time
/// shows in a fall only where a free fall is measured), and the defect changes the clip at
/// all (a freeze that falls wholly while everything moving is hidden leaves the reference's
/// frames). It is caught when the sample is violated with a violation finding from one of
/// the checks it applies to. Strengths go down
/// from the default by halves; a ladder stops at the first strength that is missed.
public struct DefectSweep: Sendable {
  /// The analyzer for a kind of check, wired as the runner's.
  public let analyzer: @Sendable (CheckSpec.Kind) -> (any Analyzer)?
  public var defects: [Defect.Kind] = Defect.Kind.allCases
  /// Strengths per ladder: the default, then `steps − 1` times half as strong.
  public var steps = 5
  public var seeds: [UInt64] = [0]
  /// Clips rendered and analysed at once.
  public var concurrency = 1
  /// How far below the reference's a defect clip's score must be to count as clearly lower.
  public var clearMargin = 0.05

  public init(analyzer: @escaping @Sendable (CheckSpec.Kind) -> (any Analyzer)?) {
    self.analyzer = analyzer
  }

  /// The ladder of strengths for a defect, each half as far from no defect as the one
  /// before: for `gravity` (a factor on g) that is half as far from 1, for the others from 0.
  /// `reverse` has only its full strength.
  public func strengths(_ kind: Defect.Kind) -> [Double] {
    let d = kind.defaultStrength
    switch kind {
    case .reverse: return [d]
    case .gravity: return (0..<steps).map { 1 - (1 - d) / Double(1 << $0) }
    default: return (0..<steps).map { d / Double(1 << $0) }
    }
  }

  /// The checks of `kind`'s that `scenario` asks for, or none when the defect does not apply
  /// (the scenario asks for none of them, or the defect cannot be applied to it).
  public static func checks(_ kind: Defect.Kind, appliesTo scenario: Scenario, seed: UInt64 = 0) -> [CheckSpec.Kind] {
    let asked = asked(kind, by: scenario)
    guard !asked.isEmpty, (try? Defect(kind).apply(to: scenario, seed: seed)) != nil else { return [] }
    return asked
  }

  private static func asked(_ kind: Defect.Kind, by scenario: Scenario) -> [CheckSpec.Kind] {
    kind.violatedChecks.filter { k in scenario.checks.contains { $0.kind == k } }
  }

  /// The measurements a check must have made on the reference clip for a defect to be
  /// judged by it, any one of them; a pair not listed needs none. Gravity and bent time are
  /// seen in a measured free fall (or, for time, a camera moving at constant speed); time
  /// run backwards in a measured fall or bounce.
  static let witnesses: [Defect.Kind: [CheckSpec.Kind: [String]]] = [
    .gravity: [.physics: ["gravity"]],
    .timewarp: [.physics: ["gravity"], .temporal: ["speed_swing"]],
    .reverse: [.physics: ["gravity", "restitution"]],
  ]

  /// The checks `kind` applies to on a scenario whose reference clip gave `reference`.
  public static func checks(_ kind: Defect.Kind, appliesTo scenario: Scenario, reference: ReferenceOutcome) -> [CheckSpec.Kind] {
    checks(kind, appliesTo: scenario, seed: reference.seed).filter { check in
      guard let needed = witnesses[kind]?[check] else { return true }
      return needed.contains { reference.measured.contains("\(check.rawValue).\($0)") }
    }
  }

  /// The scenario rendered by the reference engine, through its checks.
  public func reference(_ scenario: Scenario, seed: UInt64) async -> ReferenceOutcome {
    let (sample, digest) = await sample(nil, scenario, seed)
    return ReferenceOutcome(scenario: scenario, sample: sample, clipDigest: digest)
  }

  /// One defect on a scenario it applies to, next to that scenario's reference.
  public func trial(_ defect: Defect, on scenario: Scenario, reference: ReferenceOutcome) async -> DefectTrial {
    let checks = Self.checks(defect.kind, appliesTo: scenario, reference: reference)
    let (sample, digest) = await sample(defect, scenario, reference.seed)
    let violations = sample.results.filter { r in checks.contains { $0.rawValue == r.analyzer } }
      .flatMap(\.findings).filter { $0.severity == .violation }.map(\.message)
    let scores = familyScores(sample)
    let margins = checks.compactMap { k -> Double? in
      guard let r = reference.scores[k.rawValue], let d = scores[k.rawValue] else { return nil }
      return r - d
    }
    return DefectTrial(
      defect: defect.kind.rawValue, strength: defect.strength, scenarioID: scenario.id, seed: reference.seed,
      checks: checks.map(\.rawValue), status: sample.status, failure: sample.failure,
      caught: sample.status == .violated && !violations.isEmpty, violations: violations,
      referenceScores: reference.scores, scores: scores, margin: margins.max(),
      changesClip: digest != reference.clipDigest)
  }

  /// References first, then every applicable (defect, scenario, seed) ladder; `progress`
  /// hears of each finished reference and ladder.
  public func run(_ scenarios: [Scenario], progress: @escaping @Sendable (String) -> Void = { _ in }) async
    -> DefectSweepResult
  {
    let start = Date()
    let pairs = scenarios.flatMap { s in seeds.map { (s, $0) } }
    let references = await boundedMap(pairs) { s, seed in
      let outcome = await reference(s, seed: seed)
      progress("reference \(s.id) seed \(seed): \(outcome.status.rawValue)"
        + (outcome.violations.isEmpty ? "" : " — " + outcome.violations.joined(separator: "; ")))
      return outcome
    }
    let ladders = zip(pairs, references).flatMap { pair, ref in
      defects.filter { !Self.checks($0, appliesTo: pair.0, reference: ref).isEmpty }.map { (pair.0, $0, ref) }
    }
    let done = Counter()
    let results = await boundedMap(ladders) { scenario, kind, ref in
      var trials: [DefectTrial] = []
      for strength in strengths(kind) {
        let trial = await trial(Defect(kind, strength: strength), on: scenario, reference: ref)
        trials.append(trial)
        if !trial.caught || !trial.changesClip { break }
      }
      let result = DefectSensitivity(trials: trials)
      let outcome =
        !result.changesClip ? "does not change the clip"
        : result.caughtAtDefault ? "caught down to strength \(format(result.weakestCaught!))" : "MISSED at default"
      progress("[\(await done.next())/\(ladders.count)] \(kind.rawValue) on \(scenario.id) seed \(ref.seed): \(outcome)")
      return result
    }.filter(\.changesClip)
    let rankings = Set(results.flatMap { $0.trials[0].checks }).sorted().map { family in
      FamilyRanking(
        family: family, references: references.filter { $0.checks.contains(family) }.map { $0.scores[family] },
        defects: results.map(\.trials[0]).filter { $0.checks.contains(family) }.map { $0.scores[family] })
    }
    return DefectSweepResult(
      references: references, sensitivities: results, rankings: rankings, clearMargin: clearMargin,
      seconds: Date().timeIntervalSince(start))
  }

  /// The scenario through the reference generator with `defect`, analysed, and a digest of
  /// the clip's frames; a clip that cannot be made gives a failed sample and no digest.
  private func sample(_ defect: Defect?, _ scenario: Scenario, _ seed: UInt64) async -> (SampleRecord, UInt64?) {
    let generator = ReferenceGenerator(defect: defect)
    var runner = Runner(generator: generator, analyzer: analyzer)
    runner.filmstripLength = 0
    do {
      let clip = try await generator.generate(GenerationRequest(scenario: scenario, seed: seed))
      return (runner.analyze(clip, scenario: scenario, seed: seed), digest(clip))
    } catch {
      return (runner.generationFailed(scenario, seed: seed, error: error), nil)
    }
  }

  /// FNV-1a over every frame's pixels: equal for clips that are the same frame for frame.
  private func digest(_ clip: Clip) -> UInt64 {
    clip.frames.reduce(fnv1aOffsetBasis) { fnv1a($1.pixels, continuing: $0) }
  }

  /// `body` of every element, at most `concurrency` at once, in the original order.
  private func boundedMap<T: Sendable, R: Sendable>(_ items: [T], _ body: @escaping @Sendable (T) async -> R) async -> [R] {
    let gate = Gate(max(1, concurrency))
    return await withTaskGroup(of: (Int, R).self) { group in
      for (i, item) in items.enumerated() {
        group.addTask {
          await gate.enter()
          let r = await body(item)
          await gate.leave()
          return (i, r)
        }
      }
      var out = [R?](repeating: nil, count: items.count)
      for await (i, r) in group { out[i] = r }
      return out.map { $0! }
    }
  }
}

/// The score a family of checks gives a sample: the least, over its checks, of the analyzer's
/// overall score. The temporal analyzer has no overall score; its judged ones stand in.
func familyScores(_ sample: SampleRecord) -> [String: Double] {
  let overall: [String: Set<String>] = [
    "physics": ["plausibility"], "permanence": ["permanence"], "consistency": ["3D consistency"],
    "temporal": ["brightness_flicker", "frozen_fraction", "speed_swing"],
  ]
  var out: [String: Double] = [:]
  for result in sample.results {
    let names = overall[result.analyzer] ?? []
    for m in result.measurements where names.contains(m.name) {
      guard let s = m.score, s.isFinite else { continue }
      out[result.analyzer] = min(out[result.analyzer] ?? s, s)
    }
  }
  return out
}

/// The reference clip of a (scenario, seed) through its checks.
public struct ReferenceOutcome: Sendable, Hashable, Codable {
  public var scenarioID: String
  public var seed: UInt64
  public var checks: [String]
  public var status: SampleRecord.Status
  public var failure: String?
  /// Violation findings, which on the reference are false positives.
  public var violations: [String]
  /// Family (check kind) → score; a family whose analyzers gave no score is absent.
  public var scores: [String: Double]
  /// `check.measurement` for every measurement with a value, e.g. `physics.gravity`.
  public var measured: Set<String>
  /// Digest of the clip's frames (nil when it could not be made), to tell a defect that
  /// leaves the clip as it was.
  public var clipDigest: UInt64?

  init(scenario: Scenario, sample: SampleRecord, clipDigest: UInt64?) {
    self.clipDigest = clipDigest
    measured = Set(sample.results.flatMap { r in r.measurements.filter { $0.value != nil }.map { "\(r.analyzer).\($0.name)" } })
    scenarioID = sample.scenarioID
    seed = sample.seed
    checks = Array(Set(scenario.checks.map(\.kind.rawValue))).sorted()
    status = sample.status
    failure = sample.failure
    violations = sample.results.flatMap { r in
      r.findings.filter { $0.severity == .violation }.map { "\(r.analyzer): \($0.message)" }
    }
    scores = familyScores(sample)
  }
}

/// One defect at one strength on one (scenario, seed).
public struct DefectTrial: Sendable, Hashable, Codable {
  public var defect: String
  public var strength: Double
  public var scenarioID: String
  public var seed: UInt64
  /// The checks the defect violates that the scenario asks for.
  public var checks: [String]
  public var status: SampleRecord.Status
  public var failure: String?
  /// A violation from one of `checks` was found.
  public var caught: Bool
  /// The violation findings of `checks`.
  public var violations: [String]
  public var referenceScores: [String: Double]
  public var scores: [String: Double]
  /// The largest drop, over `checks`, from the reference's score to the defect clip's; nil
  /// when no check scored both.
  public var margin: Double?
  /// False when the defect left the reference clip frame for frame: nothing to catch.
  public var changesClip = true
}

/// A defect's ladder on one (scenario, seed), strongest first.
public struct DefectSensitivity: Sendable, Hashable, Codable {
  public var trials: [DefectTrial]

  public var caughtAtDefault: Bool { trials.first?.caught ?? false }
  /// False when the defect at its default strength leaves the reference clip as it was.
  public var changesClip: Bool { trials.first?.changesClip ?? true }
  /// The weakest strength caught with every stronger one caught too; nil when the default is missed.
  public var weakestCaught: Double? { trials.prefix { $0.caught }.last?.strength }
}

/// Whether a family's score ranks every reference clip above every defect clip (at default
/// strength, across scenarios): the fraction of (reference, defect) pairs in the right order,
/// ties half, which is the area under the ROC curve. A clip the family gave no score counts
/// as a wrongly ordered pair.
public struct FamilyRanking: Sendable, Hashable, Codable {
  public var family: String
  public var referenceCount: Int
  public var defectCount: Int
  public var accuracy: Double
  /// The lowest reference score and the highest defect score: apart when the ranking is perfect.
  public var lowestReference: Double?
  public var highestDefect: Double?

  public init(family: String, references: [Double?], defects: [Double?]) {
    self.family = family
    referenceCount = references.count
    defectCount = defects.count
    var right = 0.0
    for r in references {
      for d in defects {
        guard let r, let d else { continue }
        right += r > d ? 1 : r == d ? 0.5 : 0
      }
    }
    accuracy = references.isEmpty || defects.isEmpty ? 1 : right / Double(references.count * defects.count)
    lowestReference = references.compactMap { $0 }.min()
    highestDefect = defects.compactMap { $0 }.max()
  }
}

public struct DefectSweepResult: Sendable, Hashable, Codable {
  public var references: [ReferenceOutcome]
  public var sensitivities: [DefectSensitivity]
  public var rankings: [FamilyRanking]
  public var clearMargin: Double
  public var seconds: Double
}

/// Counts finished work for progress lines.
private actor Counter {
  private var n = 0
  func next() -> Int {
    n += 1
    return n
  }
}

private func format(_ x: Double) -> String { String(format: "%g", x) }
