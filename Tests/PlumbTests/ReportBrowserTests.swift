import Analysis
import Foundation
import Media
import Testing

@testable import Reports
@testable import Runs

/// Headless Chromium from Debian's packages, if this machine has it.
enum Chromium {
  static let path: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
    .first { FileManager.default.isExecutableFile(atPath: $0) }

  /// CI installs Chromium, so there a missing browser is a failure; elsewhere the test is
  /// skipped, because a developer may not have a browser installed.
  static let required = ProcessInfo.processInfo.environment["CI"] != nil

  /// Runs the browser on a file with `arguments` and returns its standard output.
  static func run(_ arguments: [String], file: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try #require(path))
    process.arguments = [
      "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
      "--user-data-dir=" + NSTemporaryDirectory() + "plumb-chromium-\(UUID().uuidString)",
    ] + arguments + ["file://" + file]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }
}

/// A run with a drawn clip, measurements, a violation and a hostile prompt.
func browserFixtureRun() throws -> RunRecord {
  var picture = RGBImage(width: 64, height: 64, fill: RGB(188, 212, 230))
  for y in 20..<30 { for x in 28..<36 { picture[x, y] = RGB(208, 32, 32) } }
  let frame = try PNGCodec.encode(picture)
  let result = AnalysisResult(
    analyzer: "physics", subject: "cup",
    measurements: [
      Measurement(name: "gravity", value: 6.1, unit: "m/s²", reference: 9.81, score: 0.02, scoreFormula: "exp(−|g−g_ref|/(0.1·g_ref))")
    ],
    findings: [Finding(severity: .violation, message: "the red cup falls at 6.10 m/s², the scenario's gravity is 9.81 m/s²", frames: [3])],
    evidence: Evidence(series: [
      Series(name: "height above lowest point", xUnit: "s", yUnit: "m", x: [0, 0.1, 0.2, 0.3], y: [1, 0.95, 0.8, 0.55]),
      Series(name: "fitted free fall", xUnit: "s", yUnit: "m", x: [0, 0.1, 0.2, 0.3], y: [1, 0.95, 0.8, 0.56]),
    ]))
  let sample = SampleRecord(
    scenarioID: "falling-cups/drop-1m", prompt: "A cup <script>document.body.dataset.injected='1'</script> falls",
    seed: 0, status: .violated, fps: 30, frameCount: 4, width: 64, height: 64, results: [result],
    filmstrip: (0..<4).map { Thumbnail(frame: $0, png: frame) })
  return RunRecord(id: "browser-test", generator: "reference:gravity=0.6", startedAt: Date(timeIntervalSince1970: 0), samples: [sample])
}

@Suite struct ReportBrowserTests {
  @Test(.enabled(if: Chromium.path != nil || Chromium.required, "needs chromium (apt-get install -y chromium)"))
  func runReportDrawsInARealBrowser() throws {
    let folder = (NSTemporaryDirectory() as NSString).appendingPathComponent("plumb-browser-\(UUID().uuidString)")
    let page = try RunReport.write(try browserFixtureRun(), to: folder)

    let dom = try Chromium.run(["--dump-dom"], file: page)
    // The page script ran to its end and nothing threw.
    #expect(dom.contains("<body data-ready=\"1\">"), "the page script did not finish")
    #expect(!dom.contains("data-errors"))
    // The hostile prompt stayed text: its script neither ran nor became an element.
    #expect(!dom.contains("data-injected"))
    #expect(dom.contains("&lt;script&gt;document.body.dataset.injected"))
    // Tables, the chart and the scrubber were drawn.
    #expect(dom.contains("<td class=\"num\">6.10</td><td>m/s²</td>"))
    #expect(dom.contains("<polyline points="))
    #expect(dom.contains("<div class=\"scrubber\"><img alt=\"frame 0\""))
    #expect(dom.contains("<figure class=\"marked\""))

    let shot = folder + "/shot.png"
    _ = try Chromium.run(["--screenshot=" + shot, "--window-size=1000,1400"], file: page)
    let image = try PNGCodec.read(path: shot)
    #expect(image.width == 1000)
    // A page that drew is not one flat colour: count the distinct colours in the shot.
    var colours = Set<RGB>()
    for y in stride(from: 0, to: image.height, by: 4) {
      for x in stride(from: 0, to: image.width, by: 4) { colours.insert(image[x, y]) }
    }
    #expect(colours.count > 50, "the screenshot has \(colours.count) colours")
  }

  @Test(.enabled(if: Chromium.path != nil || Chromium.required, "needs chromium (apt-get install -y chromium)"))
  func comparisonReportSortsWithoutScriptErrors() throws {
    let baseline = try browserFixtureRun()
    var candidate = baseline
    candidate.id = "candidate"
    candidate.samples[0].results[0].measurements[0].score = 0.9
    let rows = RunComparison().compare(baseline: baseline, candidate: candidate)
    let folder = (NSTemporaryDirectory() as NSString).appendingPathComponent("plumb-browser-\(UUID().uuidString)")
    let page = try ComparisonReport.write(baseline: baseline, candidates: [(candidate, rows)], to: folder)
    let dom = try Chromium.run(["--dump-dom"], file: page)
    #expect(dom.contains("<body data-ready=\"1\">"))
    #expect(!dom.contains("data-errors"))
    #expect(dom.contains("<table class=\"sortable\" id=\"leaderboard\">"))
    #expect(dom.contains("<td class=\"num\">+0.880 [+0.880, +0.880]</td>"))
  }
}
