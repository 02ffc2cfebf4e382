import Analysis
import Foundation
import Generators
import Media
import Scenarios

/// What the runner reports while it works, for progress displays.
public enum RunEvent: Sendable {
  case started(total: Int)
  case generating(index: Int, total: Int, scenarioID: String, seed: UInt64)
  /// `cached` when the clip was read back from the clip cache rather than generated.
  case finished(index: Int, total: Int, sample: SampleRecord, cached: Bool)
}

/// Takes every (scenario, seed) through the generator and the scenario's checks.
///
/// A generator or analyzer that throws fails that one sample, with its reason recorded;
/// the run goes on.
public struct Runner: Sendable {
  public let generator: any Generator
  /// The analyzer for a kind of check; nil skips the check with a note in the sample.
  public let analyzer: @Sendable (CheckSpec.Kind) -> (any Analyzer)?
  /// Generations in flight at once.
  public var concurrency = 1
  /// Frames kept for the report's filmstrip, spread evenly over the clip.
  public var filmstripLength = 16
  /// Long side of a filmstrip thumbnail, in pixels.
  public var thumbnailSize = 192

  public init(
    generator: any Generator, analyzer: @escaping @Sendable (CheckSpec.Kind) -> (any Analyzer)?
  ) {
    self.generator = generator
    self.analyzer = analyzer
  }

  /// Runs every (scenario, seed), in that order.
  public func run(
    id: String, scenarios: [Scenario], seeds: [UInt64],
    onEvent: @Sendable (RunEvent) throws -> Void = { _ in }
  ) async throws -> RunRecord {
    let plan = RunPlan(generator: generator.name, scenarios: scenarios, seeds: seeds)
    return try await run(id: id, jobs: plan.numberedJobs, onEvent: onEvent)
  }

  /// Runs the given samples, at most `concurrency` generations at a time, analysing finished
  /// clips while later ones generate. `onEvent` sees progress and each finished sample in the
  /// order of `jobs` whatever order they finish in (event indices count within `jobs`), so
  /// the caller can save work as it completes.
  public func run(
    id: String, jobs: [RunJob], onEvent: @Sendable (RunEvent) throws -> Void = { _ in }
  ) async throws -> RunRecord {
    var record = RunRecord(id: id, generator: generator.name, startedAt: Date())
    try onEvent(.started(total: jobs.count))
    let gate = Gate(max(1, concurrency))
    // Twice the generation slots: each slot can have a clip in analysis while the next generates.
    let window = 2 * max(1, concurrency)
    try await withThrowingTaskGroup(of: (Int, Sample).self) { group in
      var launched = 0
      var pending: [Int: Sample] = [:]
      func launch() throws {
        let index = launched
        let (scenario, seed) = (jobs[index].scenario, jobs[index].seed)
        try onEvent(.generating(index: index, total: jobs.count, scenarioID: scenario.id, seed: seed))
        group.addTask { (index, await runSample(scenario, seed: seed, gate: gate)) }
        launched += 1
      }
      while launched < min(window, jobs.count) { try launch() }
      while let (index, sample) = try await group.next() {
        pending[index] = sample
        while let next = pending.removeValue(forKey: record.samples.count) {
          record.samples.append(next.record)
          try onEvent(
            .finished(
              index: record.samples.count - 1, total: jobs.count, sample: next.record,
              cached: next.origin == .cached))
        }
        if launched < jobs.count { try launch() }
      }
    }
    record.finishedAt = Date()
    return record
  }

  /// One scenario at one seed; never throws, failures become the sample's status.
  public func runSample(_ scenario: Scenario, seed: UInt64) async -> SampleRecord {
    await runSample(scenario, seed: seed, gate: Gate(1)).record
  }

  /// A finished sample and where its clip came from.
  private struct Sample: Sendable {
    var record: SampleRecord
    var origin: ClipOrigin = .generated
  }

  private func runSample(_ scenario: Scenario, seed: UInt64, gate: Gate) async -> Sample {
    var sample = SampleRecord(
      scenarioID: scenario.id, prompt: scenario.prompt, seed: seed, status: .failed)
    let request = GenerationRequest(scenario: scenario, seed: seed)
    let clock = ContinuousClock()
    await gate.enter()
    let generationStart = clock.now
    let generated = await Result(catching: { try await generator.clip(for: request) })
    await gate.leave()
    let clip: Clip, origin: ClipOrigin
    switch generated {
    case .success(let made):
      (clip, origin) = made
    case .failure(let error):
      return Sample(record: generationFailed(scenario, seed: seed, error: error))
    }
    sample.generationSeconds = seconds(clock.now - generationStart)
    if let problem = mismatch(clip, request) {
      describe(clip, in: &sample)
      sample.failure = "generator '\(generator.name)' returned \(problem) for \(scenario.id) seed \(seed)"
      return Sample(record: sample, origin: origin)
    }
    return Sample(record: analyze(clip, scenario: scenario, seed: seed, sample: sample), origin: origin)
  }

  /// The sample of a generation that threw: failed, with the generator's error as the reason.
  public func generationFailed(_ scenario: Scenario, seed: UInt64, error: any Error) -> SampleRecord {
    SampleRecord(
      scenarioID: scenario.id, prompt: scenario.prompt, seed: seed, status: .failed,
      failure: "generator '\(generator.name)' failed on \(scenario.id) seed \(seed): \(error)")
  }

  /// Runs the scenario's checks on a clip that already exists (a generator's, or a video file
  /// given to `plumb analyze`) and completes `sample` with the clip's shape, its filmstrip and
  /// the results. Never throws: an analyzer that throws fails the sample with its reason.
  public func analyze(
    _ clip: Clip, scenario: Scenario, seed: UInt64, sample: SampleRecord? = nil
  ) -> SampleRecord {
    var sample =
      sample
      ?? SampleRecord(scenarioID: scenario.id, prompt: scenario.prompt, seed: seed, status: .failed)
    sample.status = .failed
    describe(clip, in: &sample)
    sample.filmstrip = filmstrip(of: clip)

    let clock = ContinuousClock()
    let analysisStart = clock.now
    for check in scenario.checks {
      guard let analyzer = analyzer(check.kind) else {
        sample.skippedChecks.append(check.kind.rawValue)
        continue
      }
      do {
        sample.results.append(try analyzer.analyze(clip, scenario: scenario, check: check))
      } catch {
        sample.failure = "analyzer '\(check.kind.rawValue)' failed on \(scenario.id) seed \(seed): \(error)"
        return sample
      }
    }
    sample.analysisSeconds = seconds(clock.now - analysisStart)
    sample.status =
      sample.results.isEmpty ? .unjudged : sample.results.allSatisfy(\.passed) ? .passed : .violated
    return sample
  }

  private func describe(_ clip: Clip, in sample: inout SampleRecord) {
    sample.fps = clip.fps
    sample.frameCount = clip.frames.count
    sample.width = clip.width
    sample.height = clip.height
  }

  /// Why a clip does not answer its request, or nil when it does.
  private func mismatch(_ clip: Clip, _ request: GenerationRequest) -> String? {
    if clip.frames.isEmpty { return "no frames" }
    if clip.frames.count != request.frameCount {
      return "\(clip.frames.count) frames, \(request.frameCount) were asked for"
    }
    if clip.width != request.width || clip.height != request.height {
      return "\(clip.width)×\(clip.height) frames, \(request.width)×\(request.height) were asked for"
    }
    return nil
  }

  private func filmstrip(of clip: Clip) -> [Thumbnail] {
    let count = min(filmstripLength, clip.frames.count)
    guard count > 0 else { return [] }
    let indices = (0..<count).map { i in
      count == 1 ? 0 : i * (clip.frames.count - 1) / (count - 1)
    }
    return indices.compactMap { index in
      let small = clip.frames[index].downsampled(longSide: thumbnailSize)
      return (try? PNGCodec.encode(small)).map { Thumbnail(frame: index, png: $0) }
    }
  }

  private func seconds(_ duration: Duration) -> Double {
    let parts = duration.components
    return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
  }
}

extension Result where Failure == any Error {
  init(catching body: () async throws -> Success) async {
    do { self = .success(try await body()) } catch { self = .failure(error) }
  }
}

/// A counting semaphore for tasks: at most `slots` holders at once, waiters served in order.
actor Gate {
  private var free: Int
  private var waiters: [CheckedContinuation<Void, Never>] = []

  init(_ slots: Int) { free = slots }

  func enter() async {
    if free > 0 {
      free -= 1
      return
    }
    await withCheckedContinuation { waiters.append($0) }
  }

  func leave() {
    if waiters.isEmpty { free += 1 } else { waiters.removeFirst().resume() }
  }
}
