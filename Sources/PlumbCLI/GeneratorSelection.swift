import ArgumentParser
import Foundation
import Generators

/// Which generator makes the clips, and how: the options `plumb run` shares with any command
/// that generates.
struct GeneratorSelection: ParsableArguments {
  @Option(help: "The generator: 'reference', or a name from the generators file.")
  var generator = "reference"

  @Option(
    name: .customLong("generators"),
    help: "Generators file naming command, http and folder generators (default: generators.yaml, when present).")
  var generatorsFile: String?

  @Option(help: "Generations in flight at once (default: 1 for command and http generators, one per core for the reference engine).")
  var jobs: Int?

  @Option(name: .customLong("cache"), help: "Folder for cached clips and generator logs.")
  var cacheRoot = ".plumb-cache"

  @Flag(help: "Generate clips again even when the cache holds them.")
  var regenerate = false

  @Flag(name: .customLong("no-cache"), help: "Neither read nor write the clip cache.")
  var noCache = false

  init() {}

  /// Just a file, for commands that read configurations without generating.
  init(generatorsFile: String?) {
    self.generatorsFile = generatorsFile
  }

  func validate() throws {
    if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
    if regenerate && noCache { throw ValidationError("--regenerate and --no-cache do not go together") }
  }

  /// The generators file: the one named, else `generators.yaml` when it exists, else none.
  func loadFile() throws -> GeneratorsFile? {
    if let generatorsFile { return try GeneratorsFile.load(path: generatorsFile) }
    let fallback = "generators.yaml"
    return FileManager.default.fileExists(atPath: fallback) ? try GeneratorsFile.load(path: fallback) : nil
  }

  /// The generator named `name` (by default the one `--generator` gives) and how many of its
  /// generations may run at once. Also makes Ctrl-C take down the programs it will start.
  func make(name: String? = nil) throws -> (generator: any Generator, jobs: Int) {
    let options = GeneratorOptions(cacheRoot: cacheRoot, useCache: !noCache, regenerate: regenerate)
    let made = try GeneratorRegistry.make(name ?? generator, file: try loadFile(), options: options)
    InterruptHandling.install()
    return (made, jobs ?? GeneratorRegistry.defaultConcurrency(for: made))
  }
}

/// On Ctrl-C or SIGTERM, kills the generator programs still running (they sit in process
/// groups of their own, out of the terminal's reach) before exiting with the shell's status for
/// the signal. The report already holds every sample that finished.
enum InterruptHandling {
  nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

  static func install() {
    guard sources.isEmpty else { return }
    for signal in [SIGINT, SIGTERM] {
      Foundation.signal(signal, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: signal, queue: .global())
      source.setEventHandler {
        LiveGroups.shared.killAll()
        Terminal.clearStatus()
        Terminal.note("interrupted; the report keeps the samples that finished")
        exit(128 + signal)
      }
      source.resume()
      sources.append(source)
    }
  }
}
