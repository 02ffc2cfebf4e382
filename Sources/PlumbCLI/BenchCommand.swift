import Analysis
import ArgumentParser
import Engine
import Foundation
import Media
import Scenarios

/// `plumb bench`: speed measured side by side, never as a timed test. Every figure is the
/// median of several runs, because these machines are shared and noisy.
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Measure rendering, analysis and optical-flow speed (medians of several runs).",
    subcommands: [Render.self, Analyze.self, Flow.self])

  struct Common: ParsableArguments {
    @Option(help: "Runs per measurement; the median is reported.") var runs = 5
    @OptionGroup var catalog: CatalogOptions
  }

  /// Engine frames per second on one core and on all, with PNG encoding timed apart.
  struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Reference-engine rendering speed.")
    @OptionGroup var common: Common
    @Option(help: "Frame width and height.") var size = 512
    @Option(help: "Frames per clip.") var frames = 60
    @Argument(help: "Scenarios (default: one per family).")
    var scenarios = ["falling-cups/drop-1m", "occlusion/ball-behind-wall", "camera-orbits/orbit-360"]

    func run() throws {
      let cores = ProcessInfo.processInfo.activeProcessorCount
      // On one worker, frames per CPU-second is what one core delivers even when other
      // processes share the machine; on all cores only wall time says what a user waits.
      print("scenario\tframes\t1 core (frames per CPU-s)\t\(cores) cores (frames per wall-s)\tPNG encode (frames per CPU-s)")
      for scenario in try common.catalog.select(scenarios).scenarios {
        var sized = scenario
        sized.clip = ClipSpec(seconds: Double(frames) / scenario.clip.fps, fps: scenario.clip.fps, width: size, height: size)
        var clip: Clip?
        func render(workers: Int) throws -> Timing {
          let options = RenderOptions(workers: workers)
          return try median(runs: common.runs) {
            clip = try ReferenceRenderer(scenario: sized, options: options).renderClip()
          }
        }
        let one = try render(workers: 1).cpu
        let all = try render(workers: cores).wall
        let encode = try median(runs: common.runs) {
          for frame in clip?.frames ?? [] { _ = try PNGCodec.encode(frame) }
        }.cpu
        print("\(scenario.id)\t\(frames)\t\(rate(Double(frames) / one))\t\(rate(Double(frames) / all))\t\(rate(Double(frames) / encode))")
      }
    }
  }

  /// The analyzers a scenario asks for, on a clip of the reference engine.
  struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Analysis speed of a scenario's checks.")
    @OptionGroup var common: Common
    @Option(help: "Frame width and height.") var size = 512
    @Option(help: "Frames per clip.") var frames = 120
    @Argument(help: "Scenarios (default: one per family).")
    var scenarios = ["falling-cups/drop-1m", "occlusion/ball-behind-wall", "camera-orbits/orbit-360"]

    func run() throws {
      print("scenario\tframes\tchecks\tanalysis (frames/s)\tpeak memory (MiB)")
      for scenario in try common.catalog.select(scenarios).scenarios {
        var sized = scenario
        sized.clip = ClipSpec(seconds: Double(frames) / scenario.clip.fps, fps: scenario.clip.fps, width: size, height: size)
        let clip = try ReferenceRenderer(scenario: sized).renderClip()
        let analyzers = sized.checks.compactMap { check in AnalyzerWiring.analyzer(check.kind).map { (check, $0) } }
        let seconds = try median(runs: common.runs) {
          for (check, analyzer) in analyzers { _ = try analyzer.analyze(clip, scenario: sized, check: check) }
        }.wall
        let names = analyzers.map(\.0.kind.rawValue).joined(separator: ",")
        print("\(scenario.id)\t\(frames)\t\(names)\t\(rate(Double(frames) / seconds))\t\(peakMemoryMiB())")
      }
    }
  }

  /// Our dense flow against OpenCV's Farnebäck on Middlebury RubberWhale, in one run.
  struct Flow: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Dense optical flow against OpenCV's Farnebäck on RubberWhale: time and endpoint error.",
      discussion: "OpenCV runs through python3 with opencv-python-headless (pip install opencv-python-headless).")
    @Option(help: "Runs per measurement; the median is reported.") var runs = 5
    @Option(help: "The folder of the external data (its flow/rubberwhale/).") var data = "../shared/data"

    func run() throws {
      let folder = (data as NSString).appendingPathComponent("flow/rubberwhale")
      let first = GreyImage(try PNGCodec.read(path: folder + "/frame10.png"))
      let second = GreyImage(try PNGCodec.read(path: folder + "/frame11.png"))
      let truth = try readFlo(folder + "/flow10.flo")
      // The default settings, and a faster setting that trades accuracy for time.
      var fast = FarnebackFlow()
      fast.levels = 3
      fast.iterations = 2
      var results: [(String, Double, Double)] = []
      for (name, method) in [("plumbline Farnebäck (default)", FarnebackFlow()), ("plumbline Farnebäck (3 levels, 2 iterations)", fast)] {
        var field = FlowField(width: 1, height: 1)
        let time = try median(runs: runs) { field = method.flow(from: first, to: second) }.wall
        results.append((name, time, endpointError(field.vectors, truth)))
      }

      let script = """
        import cv2, numpy as np, sys, time
        a = cv2.imread(sys.argv[1], cv2.IMREAD_GRAYSCALE); b = cv2.imread(sys.argv[2], cv2.IMREAD_GRAYSCALE)
        cv2.setNumThreads(1)
        times = []
        for _ in range(int(sys.argv[4])):
            t = time.perf_counter(); f = cv2.calcOpticalFlowFarneback(a, b, None, 0.5, 4, 15, 4, 7, 1.5, 0); times.append(time.perf_counter() - t)
        raw = np.fromfile(sys.argv[3], dtype=np.float32); w, h = raw[1:3].view(np.int32); gt = raw[3:].reshape(h, w, 2)
        known = (np.abs(gt) < 1e9).all(axis=2)
        print(np.median(times), np.linalg.norm(f - gt, axis=2)[known].mean())
        """
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      process.arguments = ["python3", "-c", script, folder + "/frame10.png", folder + "/frame11.png", folder + "/flow10.flo", "\(runs)"]
      let pipe = Pipe()
      process.standardOutput = pipe
      try process.run()
      let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      let numbers = output.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }

      print("method\ttime (ms, median of \(runs))\tmean endpoint error (px)\ttime ratio to OpenCV")
      let opencv = process.terminationStatus == 0 && numbers.count == 2 ? numbers[0] : nil
      for (name, time, error) in results {
        let ratio = opencv.map { String(format: "%.2f", time / $0) } ?? "—"
        print("\(name)\t\(ms(time))\t\(String(format: "%.3f", error))\t\(ratio)")
      }
      if let opencv {
        print("OpenCV Farnebäck (1 thread; 4 levels, window 15, 4 iterations, poly 7/1.5)\t\(ms(opencv))\t\(String(format: "%.3f", numbers[1]))\t1.00")
      } else {
        Terminal.note("OpenCV not measured: python3 with opencv-python-headless is needed (pip install opencv-python-headless)")
      }
    }

    /// Middlebury .flo: float32 tag 202021.25, int32 width and height, then u, v interleaved.
    private func readFlo(_ path: String) throws -> [Float] {
      let data = try Data(contentsOf: URL(fileURLWithPath: path))
      return data.withUnsafeBytes { raw in Array(raw.bindMemory(to: Float.self).dropFirst(3)) }
    }

    private func endpointError(_ flow: [Float], _ truth: [Float]) -> Double {
      var sum = 0.0
      var count = 0
      for i in stride(from: 0, to: min(flow.count, truth.count), by: 2)
      where abs(truth[i]) < 1e9 && abs(truth[i + 1]) < 1e9 {
        sum += Double(hypot(flow[i] - truth[i], flow[i + 1] - truth[i + 1]))
        count += 1
      }
      return count == 0 ? .nan : sum / Double(count)
    }
  }
}

/// Seconds of wall-clock and of CPU (user + system, all threads of this process).
private struct Timing {
  var wall: Double
  var cpu: Double
}

/// The medians of wall and CPU time over `runs` calls of `body`.
private func median(runs: Int, _ body: () throws -> Void) throws -> Timing {
  func cpuNow() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
    return user + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
  }
  var walls: [Double] = []
  var cpus: [Double] = []
  for _ in 0..<max(1, runs) {
    let start = DispatchTime.now().uptimeNanoseconds
    let cpuStart = cpuNow()
    try body()
    walls.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    cpus.append(cpuNow() - cpuStart)
  }
  return Timing(wall: walls.sorted()[walls.count / 2], cpu: cpus.sorted()[cpus.count / 2])
}

private func rate(_ value: Double) -> String { String(format: "%.1f", value) }
private func ms(_ seconds: Double) -> String { String(format: "%.1f", seconds * 1000) }

/// The process's peak resident memory so far.
private func peakMemoryMiB() -> String {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return String(format: "%.0f", Double(usage.ru_maxrss) / 1024)  // Linux reports KiB
}
