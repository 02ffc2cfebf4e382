import Analysis
import Foundation
import Scenarios
import Testing

@testable import Runs

func temporaryStorePath() throws -> String {
  let folder = (NSTemporaryDirectory() as NSString)
    .appendingPathComponent("plumb-store-\(UUID().uuidString)")
  try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
  return (folder as NSString).appendingPathComponent("plumb.db")
}

func sampleScenario(_ id: String) -> Scenario {
  Scenario(
    id: id, prompt: "A <b>red</b> cup falls.",
    clip: ClipSpec(seconds: 1, fps: 10, width: 32, height: 32),
    camera: CameraSpec(fieldOfViewDegrees: 40, position: Vector3(0, 1, 3), lookAt: Vector3(0, 1, 0)),
    world: WorldSpec(
      floor: FloorSpec(color: SceneColor(red: 0.5, green: 0.5, blue: 0.5)),
      background: SceneColor(red: 0.7, green: 0.8, blue: 0.9),
      objects: [
        ObjectSpec(
          name: "cup", shape: .cup(radius: 0.04, height: 0.1, wall: 0.006),
          color: SceneColor(red: 0.8, green: 0.1, blue: 0.1), position: Vector3(0, 1, 0))
      ]),
    checks: [CheckSpec(kind: .physics, object: "cup")])
}

func measuredSample(_ id: String, seed: UInt64, g: Double) -> SampleRecord {
  let result = AnalysisResult(
    analyzer: "physics", subject: "cup",
    measurements: [Measurement(name: "gravity", value: g, unit: "m/s²", reference: 9.81, score: 0.9)],
    findings: [], evidence: Evidence())
  return SampleRecord(
    scenarioID: id, prompt: "p", seed: seed, status: .passed, fps: 10, frameCount: 10, width: 32,
    height: 32, results: [result])
}

@Suite struct RunStoreTests {
  @Test func keepsRunsPlansAndSamplesAcrossReopening() throws {
    let path = try temporaryStorePath()
    let plan = RunPlan(
      generator: "reference", suite: "default",
      scenarios: [sampleScenario("falling-cups/a"), sampleScenario("falling-cups/b")], seeds: [0, 1])
    do {
      let store = try RunStore(path: path)
      try store.createRun(id: "run-1", plan: plan, startedAt: Date(timeIntervalSince1970: 1000))
      try store.save(measuredSample("falling-cups/b", seed: 0, g: 9.7), position: 2, runID: "run-1")
      try store.save(measuredSample("falling-cups/a", seed: 1, g: 9.8), position: 1, runID: "run-1")
    }
    let reopened = try RunStore(path: path)
    #expect(try reopened.plan(runID: "run-1") == plan)
    let run = try #require(try reopened.run(id: "run-1"))
    #expect(run.samples.map(\.scenarioID) == ["falling-cups/a", "falling-cups/b"])
    #expect(run.samples.first?.results.first?.measurement("gravity")?.value == 9.8)
    #expect(run.finishedAt == nil)
    let summary = try #require(try reopened.runs().first)
    #expect(summary.planned == 4)
    #expect(summary.done == 2)
    #expect(try reopened.run(id: "no-such-run") == nil)
  }

  @Test func savingASampleAgainReplacesIt() throws {
    let store = try RunStore(path: try temporaryStorePath())
    try store.createRun(
      id: "r", plan: RunPlan(generator: "reference", scenarios: [sampleScenario("x/y")], seeds: [0]))
    try store.save(measuredSample("x/y", seed: 0, g: 1), position: 0, runID: "r")
    try store.save(measuredSample("x/y", seed: 0, g: 2), position: 0, runID: "r")
    let samples = try #require(try store.run(id: "r")).samples
    #expect(samples.count == 1)
    #expect(samples.first?.results.first?.measurement("gravity")?.value == 2)
  }

  @Test func refusesAFileThatIsNotADatabase() throws {
    let path = try temporaryStorePath()
    let text = Data(String(repeating: "not a database ", count: 100).utf8)
    try text.write(to: URL(fileURLWithPath: path))
    let error = #expect(throws: StoreError.self) { try RunStore(path: path) }
    #expect(
      error?.description
        == "\(path): is not a readable Plumbline run store (file is not a database); refusing to touch it: move it aside or pass another --store"
    )
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == text)
  }

  @Test func refusesAStoreFromANewerPlumbline() throws {
    let path = try temporaryStorePath()
    _ = try RunStore(path: path)
    let connection = try SQLiteConnection(path: path, create: false)
    try connection.execute("PRAGMA user_version = 99")
    let error = #expect(throws: StoreError.self) { try RunStore(path: path) }
    #expect(
      error?.description
        == "\(path): was written by a newer Plumbline (store version 99; this one reads up to 1); refusing to change it"
    )
  }

  @Test func refusesAnotherApplicationsDatabase() throws {
    let path = try temporaryStorePath()
    try SQLiteConnection(path: path, create: true).execute("CREATE TABLE notes(body TEXT)")
    let error = #expect(throws: StoreError.self) { try RunStore(path: path) }
    #expect(error?.message.hasPrefix("is an SQLite database that Plumbline did not write") == true)
  }

  @Test func aSecondWriterOfTheSameRunIsRefused() throws {
    let path = try temporaryStorePath()
    let first = try RunLock(storePath: path, runID: "run-7")
    let error = #expect(throws: StoreError.self) { try RunLock(storePath: path, runID: "run-7") }
    #expect(
      error?.message
        == "run 'run-7' is being written by another plumb process (pid \(getpid())); wait for it to finish or stop it first"
    )
    _ = try RunLock(storePath: path, runID: "run-8")
    withExtendedLifetime(first) {}
  }

  @Test func aReleasedLockCanBeTakenAgain() throws {
    let path = try temporaryStorePath()
    do { _ = try RunLock(storePath: path, runID: "r") }
    _ = try RunLock(storePath: path, runID: "r")
  }
}
