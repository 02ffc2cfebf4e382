import ArgumentParser
import Engine
import Foundation
import Generators
import Media
import Scenarios

/// `plumb render`: a scenario through the reference engine into PNG frames, optionally with
/// its ground truth; or, with `--bench`, how fast the engine renders it.
struct RenderCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "render",
    abstract: "Render scenarios with the reference engine into PNG frames and ground truth.",
    discussion: """
      Each argument may be a scenario file, a folder, a suite file or a scenario id, as for \
      `plumb run`. Frames go to OUT/frames/frame_NNNNN.png; with --ground-truth also \
      OUT/truth.json (cameras K, R, t; object poses; visible fractions), OUT/masks/ (object ids \
      as grey levels: 0 floor and background, i + 1 object i) and OUT/depth/ (float32 metres, \
      raw little-endian). With several scenarios each gets OUT/<scenario id>/. \
      --bench renders without writing and prints frames per second on one core and on all \
      cores, and PNG encoding separately (medians of --runs runs).
      """)

  @Argument(help: "Scenario files, folders, suite files or scenario ids.")
  var scenarios: [String]

  @Option(help: "Output folder.")
  var out: String?

  @Flag(name: .customLong("ground-truth"), help: "Also write masks, depth and truth.json.")
  var groundTruth = false

  @Option(help: "Seed (used by defects).")
  var seed: UInt64 = 0

  @Option(help: "A controlled defect, e.g. vanish, gravity=0.5 (known: \(Defect.Kind.allCases.map(\.rawValue).joined(separator: ", "))).")
  var defect: String?

  @Option(help: "Samples per pixel along each axis (1...8).")
  var supersampling = RenderOptions().supersampling

  @Flag(name: .customLong("no-shadows"), help: "Draw without shadows.")
  var noShadows = false

  @Flag(help: "Measure rendering and PNG encoding speed instead of writing files.")
  var bench = false

  @Option(help: "Runs per measurement with --bench; the median is printed.")
  var runs = 5

  @OptionGroup var catalog: CatalogOptions

  func validate() throws {
    if !bench && out == nil { throw ValidationError("--out is required unless --bench is given") }
    if runs < 1 { throw ValidationError("--runs must be at least 1, got \(runs)") }
    if !(1...8).contains(supersampling) { throw ValidationError("--supersampling must be in 1...8, got \(supersampling)") }
  }

  func run() async throws {
    let selection = try catalog.select(scenarios)
    let generator = ReferenceGenerator(defect: try defect.map(Defect.parse))
    let options = RenderOptions(supersampling: supersampling, shadows: !noShadows)
    for scenario in selection.scenarios {
      let renderer = try generator.renderer(for: GenerationRequest(scenario: scenario, seed: seed), options: options)
      if bench {
        try benchmark(renderer)
        continue
      }
      let folder = selection.scenarios.count == 1 ? out! : (out! as NSString).appendingPathComponent(scenario.id)
      if groundTruth {
        let rendered = try renderer.render()
        try FrameFolder.write(rendered.clip, to: (folder as NSString).appendingPathComponent("frames"))
        try GroundTruth(scenario: renderer.scenario, rendered: rendered).write(to: folder)
      } else {
        try FrameFolder.write(try renderer.renderClip(), to: (folder as NSString).appendingPathComponent("frames"))
      }
      Terminal.note("\(scenario.id) (\(generator.name)): \(scenario.clip.frameCount) frames")
      print(folder)
    }
  }

  /// Prints the median frames per second of rendering on one core, on every core, and of PNG
  /// encoding on one core. One-core figures count the process's CPU time, not wall time, so
  /// other work on the machine slows them less; the all-core figure is wall time.
  private func benchmark(_ renderer: ReferenceRenderer) throws {
    let clip = renderer.scenario.clip
    let count = Double(clip.frameCount)
    func median(cpu: Bool, _ body: () throws -> Void) rethrows -> Double {
      var seconds: [Double] = []
      for _ in 0..<runs {
        let start = cpu ? Self.cpuSeconds() : Self.wallSeconds()
        try body()
        seconds.append((cpu ? Self.cpuSeconds() : Self.wallSeconds()) - start)
      }
      return seconds.sorted()[seconds.count / 2]
    }
    var one = renderer.options
    one.workers = 1
    let single = ReferenceRenderer(scenario: renderer.scenario, options: one, distortion: renderer.distortion)
    var frames: Clip?
    let oneCore = try median(cpu: true) { frames = try single.renderClip() }
    let allCores = try median(cpu: false) { _ = try renderer.renderClip() }
    let encode = try median(cpu: true) { for frame in frames!.frames { _ = try PNGCodec.encode(frame) } }
    let cores = ProcessInfo.processInfo.activeProcessorCount
    print(
      String(
        format: "%@ %d×%d, %d frames, %d× supersampling, shadows %@: render %.0f frames/s on 1 core (%.2f ms/frame), %.0f frames/s on %d cores; PNG encode %.0f frames/s on 1 core (median of %d)",
        renderer.scenario.id, clip.width, clip.height, clip.frameCount, renderer.options.supersampling,
        renderer.options.shadows ? "on" : "off", count / oneCore, oneCore / count * 1000, count / allCores, cores,
        count / encode, runs))
  }

  private static func cpuSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
  }

  private static func wallSeconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
