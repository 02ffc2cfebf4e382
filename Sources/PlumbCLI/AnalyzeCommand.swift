import Analysis
import ArgumentParser
import Foundation
import Generators
import Media
import Reports
import Runs
import Scenarios

/// `plumb analyze`: a video made elsewhere, judged against a scenario, ending in a report.
struct AnalyzeCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "analyze",
    abstract: "Analyse a video file against a scenario and write an HTML report.",
    discussion: """
      VIDEO may be an MP4, WebM, AVI, MOV, MKV or GIF file (decoded with ffmpeg), a Y4M file, \
      or a folder of numbered PNG frames. Slow-motion footage is often stored at a playback \
      rate: give the rate it was filmed at with --fps, or gravity comes out wrong by the \
      square of the ratio. Prints the report's path; exits 1 when the analysis failed.
      """)

  @Argument(help: "The video file or folder of PNG frames.")
  var video: String

  @Option(help: "The scenario the video shows: a scenario file or a scenario id.")
  var scenario: String

  @Option(help: "The true frame rate; overrides the container's.")
  var fps: Double?

  @Option(help: "Scale frames down so the longer side has at most this many pixels.")
  var longSide = 512

  @Option(help: "Turn the stored frames clockwise by 90, 180 or 270 degrees (replaces the container's rotation).")
  var rotate: Int?

  @Option(help: "Folder that receives the report folder.")
  var out = "reports"

  @OptionGroup var catalog: CatalogOptions

  func validate() throws {
    if let fps, !(fps > 0 && fps.isFinite) { throw ValidationError("--fps must be positive, got \(fps)") }
    if longSide < 16 { throw ValidationError("--long-side must be at least 16, got \(longSide)") }
    if let rotate, ![0, 90, 180, 270].contains(rotate) {
      throw ValidationError("--rotate must be 0, 90, 180 or 270, got \(rotate)")
    }
  }

  func run() async throws {
    let scenario = try loadScenario()
    Terminal.note("reading \(video)…")
    let loaded = try ClipLoader.load(path: video, fps: fps, longSide: longSide, rotation: rotate)
    Terminal.note(describe(loaded))

    let name = "file:" + (video as NSString).lastPathComponent
    let runner = Runner(generator: FileClip(name: name, clip: loaded.clip), analyzer: AnalyzerWiring.analyzer)
    var record = RunRecord(
      id: RunIdentifier.make(generator: name, in: out), generator: name, startedAt: Date())
    Terminal.note("analysing against \(scenario.id)…")
    let sample = runner.analyze(loaded.clip, scenario: scenario, seed: 0)
    record.samples = [sample]
    record.finishedAt = Date()
    let reportPath = try RunReport.write(record, to: (out as NSString).appendingPathComponent(record.id))
    for line in outcome(sample) { Terminal.note(line) }
    print(reportPath)
    if sample.status == .failed { throw ExitCode(1) }
  }

  /// A scenario file when one exists at that path, else a scenario id in the catalog.
  private func loadScenario() throws -> Scenario {
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: scenario, isDirectory: &isFolder), !isFolder.boolValue {
      return try ScenarioLoader.load(path: scenario)
    }
    let selection = try catalog.select([scenario])
    guard selection.scenarios.count == 1 else {
      throw ValidationError("--scenario \(scenario) names \(selection.scenarios.count) scenarios; give one")
    }
    return selection.scenarios[0]
  }

  /// One line per measured value and per violation, for the terminal.
  private func outcome(_ sample: SampleRecord) -> [String] {
    if let failure = sample.failure { return ["FAILED: \(failure)"] }
    var lines = sample.results.flatMap { result in
      result.measurements.compactMap { m in
        m.value.map { "\(result.analyzer) \(m.name): \(String(format: "%.3g", $0)) \(m.unit)" }
      }
    }
    lines += sample.results.flatMap(\.findings).filter { $0.severity == .violation }.map { "violation: \($0.message)" }
    lines += sample.skippedChecks.map { "skipped: no analyzer for \($0) checks yet" }
    lines.append(sample.status == .passed ? "passed" : "\(sample.status.rawValue)")
    return lines
  }

  private func describe(_ loaded: LoadedClip) -> String {
    let info = loaded.info
    let container =
      info.containerFrameRate.map { rate in
        let fps = String(format: "%.3f", rate.fps)
        return rate.denominator == 1 ? "\(fps) fps" : "\(fps) fps (\(rate))"
      } ?? "no rate"
    let used = fps == nil ? "the container's" : "stated with --fps"
    let turned = info.rotation == 0 ? "" : ", turned \(info.rotation)°"
    return "container \(container); analysing at \(String(format: "%.3f", loaded.fps)) fps (\(used)); "
      + "\(info.originalWidth)×\(info.originalHeight)\(turned) → \(info.width)×\(info.height), "
      + "\(loaded.clip.frames.count) frames"
  }
}

/// A clip read from a file, standing where a generator would: its name is what the report
/// shows as the generator.
private struct FileClip: Generator {
  let name: String
  let clip: Clip

  func generate(_ request: GenerationRequest) async throws -> Clip { clip }
}
