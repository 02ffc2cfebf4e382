import Foundation
import Testing

@testable import Runs

/// The `plumb` executable built next to this test bundle.
func plumbExecutable() throws -> String {
  let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  let candidates = [here, here.deletingLastPathComponent()].map { $0.appendingPathComponent("plumb").path }
  return try #require(
    candidates.first { FileManager.default.isExecutableFile(atPath: $0) },
    "plumb executable not found next to \(CommandLine.arguments[0])")
}

/// Starts `plumb` with `arguments`; output goes to `log`.
func launchPlumb(_ arguments: [String], log: String) throws -> Process {
  _ = FileManager.default.createFile(atPath: log, contents: nil)
  let process = Process()
  process.executableURL = URL(fileURLWithPath: try plumbExecutable())
  process.arguments = arguments
  let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
  process.standardOutput = handle
  process.standardError = handle
  try process.run()
  return process
}

@Suite struct ResumeTests {
  @Test func aKilledRunResumesToTheSameResultsWithoutRedoingFinishedSamples() async throws {
    let root = try temporaryFolder("scenarios")
    try writeDropScenario(in: root, id: "falling-cups/quick-drop", gravity: 9.81, prompt: "cup")
    try writeDropScenario(in: root, id: "falling-cups/slow-drop", gravity: 4.0, prompt: "cup")
    let out = try temporaryFolder("reports")
    let store = (out as NSString).appendingPathComponent("plumb.db")
    let common = ["--scenarios-root", root, "--out", out, "--seeds", "6", "--jobs", "1", "--quiet"]

    // Kill the run for real once two samples are stored.
    let first = try launchPlumb(["run", "falling-cups/"] + common, log: out + "/first.log")
    var runID: String?
    var before: [SampleRecord] = []
    let deadline = Date().addingTimeInterval(120)
    while Date() < deadline {
      // The store may be busy with the writer: a failed look is simply tried again.
      if let id = try? RunStore(path: store).runs().first?.id,
        let run = try? RunStore(path: store).run(id: id), run.samples.count >= 2
      {
        runID = id
        break
      }
      // A blocking sleep, not Task.sleep: with the other tests keeping the cooperative pool
      // busy, an awaiting poll wakes too late and the run finishes before it is killed.
      usleep(10_000)
    }
    kill(first.processIdentifier, SIGKILL)
    first.waitUntilExit()
    #expect(first.terminationReason == .uncaughtSignal)
    let id = try #require(runID, "the run stored no samples within two minutes")
    before = try #require(try RunStore(path: store).run(id: id)).samples
    #expect(before.count < 12, "the run finished before it could be killed")

    // Resume it: it must finish, keep the samples it had, and match an uninterrupted run.
    let resumed = try launchPlumb(["run", "--resume", id, "--out", out, "--quiet"], log: out + "/resume.log")
    resumed.waitUntilExit()
    let resumeLog = try String(contentsOfFile: out + "/resume.log", encoding: .utf8)
    #expect(resumed.terminationStatus == 0, "\(resumeLog)")
    let after = try #require(try RunStore(path: store).run(id: id))
    #expect(after.samples.count == 12)
    #expect(after.finishedAt != nil)
    for sample in before {
      // Timings are part of the record: a sample made again would differ in them.
      #expect(after.samples.first { $0.scenarioID == sample.scenarioID && $0.seed == sample.seed } == sample)
    }

    let whole = try launchPlumb(["run", "falling-cups/"] + common, log: out + "/whole.log")
    whole.waitUntilExit()
    let reference = try #require(try RunStore(path: store).runs().first { $0.id != id }?.id)
    let uninterrupted = try #require(try RunStore(path: store).run(id: reference))
    #expect(after.samples.map(\.scenarioID) == uninterrupted.samples.map(\.scenarioID))
    #expect(after.samples.map(\.seed) == uninterrupted.samples.map(\.seed))
    #expect(after.samples.map(\.results) == uninterrupted.samples.map(\.results))
  }

  @Test func aSecondProcessOnTheSameRunIsRefused() async throws {
    let root = try temporaryFolder("scenarios")
    try writeDropScenario(in: root, id: "falling-cups/quick-drop", gravity: 9.81, prompt: "cup")
    let out = try temporaryFolder("reports")
    let store = (out as NSString).appendingPathComponent("plumb.db")
    let first = try launchPlumb(
      ["run", "falling-cups/", "--scenarios-root", root, "--out", out, "--seeds", "200", "--quiet"],
      log: out + "/first.log")
    defer {
      kill(first.processIdentifier, SIGKILL)
      first.waitUntilExit()
    }
    var runID: String?
    for _ in 0..<12000 where runID == nil {
      runID = try? RunStore(path: store).runs().first?.id
      usleep(10_000)
    }
    let id = try #require(runID)
    let second = try launchPlumb(["run", "--resume", id, "--out", out], log: out + "/second.log")
    second.waitUntilExit()
    #expect(second.terminationStatus != 0)
    let log = try String(contentsOfFile: out + "/second.log", encoding: .utf8)
    #expect(log.contains("run '\(id)' is being written by another plumb process (pid \(first.processIdentifier))"), "\(log)")
  }
}
