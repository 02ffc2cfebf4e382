import ArgumentParser
import Engine
import Foundation
import Generators
import Media
import Scenarios

/// `plumb render`: a scenario through the reference engine into PNG frames, optionally with
/// its ground truth. (Its speed is measured by `plumb bench render`.)
struct RenderCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "render",
    abstract: "Render scenarios with the reference engine into PNG frames and ground truth.",
    discussion: """
      Each argument may be a scenario file, a folder, a suite file or a scenario id, as for \
      `plumb run`. Frames go to OUT/frames/frame_NNNNN.png; with --ground-truth also \
      OUT/truth.json (cameras K, R, t; object poses; visible fractions), OUT/masks/ (object ids \
      as grey levels: 0 floor and background, i + 1 object i) and OUT/depth/ (float32 metres, \
      raw little-endian). With several scenarios each gets OUT/<scenario id>/.
      """)

  @Argument(help: "Scenario files, folders, suite files or scenario ids.")
  var scenarios: [String]

  @Option(help: "Output folder.")
  var out: String

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

  @OptionGroup var catalog: CatalogOptions

  func validate() throws {
    if !(1...8).contains(supersampling) { throw ValidationError("--supersampling must be in 1...8, got \(supersampling)") }
  }

  func run() async throws {
    let selection = try catalog.select(scenarios)
    let generator = ReferenceGenerator(defect: try defect.map(Defect.parse))
    let options = RenderOptions(supersampling: supersampling, shadows: !noShadows)
    for scenario in selection.scenarios {
      let renderer = try generator.renderer(for: GenerationRequest(scenario: scenario, seed: seed), options: options)
      let folder = selection.scenarios.count == 1 ? out : (out as NSString).appendingPathComponent(scenario.id)
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
}
