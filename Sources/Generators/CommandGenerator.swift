import Foundation
import Media

/// Runs a program per sample (see `CommandSettings` for the placeholders). The program gets
/// the request as JSON and writes numbered PNG frames or one video file into `{out}`.
///
/// Standard output and error of every attempt are appended to
/// `<workRoot>/logs/<generator>/<scenario-id with / as __>_s<seed>.log`.
public struct CommandGenerator: Generator {
  public let name: String
  public let settings: CommandSettings
  /// Holds the logs and, while a program runs, its scratch folder.
  public let workRoot: String
  /// Sees the pid of every program started; tests use it to check nothing is left running.
  public var onStart: @Sendable (Int32) -> Void = { _ in }

  public init(name: String, settings: CommandSettings, workRoot: String) {
    self.name = name
    self.settings = settings
    // Absolute, so the paths in the program's arguments hold wherever it changes directory.
    self.workRoot =
      workRoot.hasPrefix("/")
      ? workRoot
      : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(workRoot)
  }

  /// Where the program's output for one sample is logged.
  public func logPath(for request: GenerationRequest) -> String {
    [workRoot, "logs", fileSlug(name), sampleSlug(request) + ".log"].reduce("") {
      ($0 as NSString).appendingPathComponent($1)
    }
  }

  public func generate(_ request: GenerationRequest) async throws -> Clip {
    let prepared = try PreparedRequest(request)
    let log = logPath(for: request)
    try FileManager.default.createDirectory(
      atPath: (log as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    let attempts = settings.retries + 1
    var failure = GeneratorError("not run")
    for number in 1...attempts {
      do {
        return try await attempt(prepared, request: request, log: log, number: number, of: attempts)
      } catch let error as GeneratorError {
        failure = error
        appendLog(log, "plumb: \(error.description)\n")
        if !error.isTransient { break }
      }
    }
    throw failure
  }

  private func attempt(
    _ prepared: PreparedRequest, request: GenerationRequest, log: String, number: Int,
    of attempts: Int
  ) async throws -> Clip {
    let parent = (workRoot as NSString).appendingPathComponent("work")
    try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
    let scratch = try TemporaryFolder(prefix: sampleSlug(request), in: parent)
    defer { scratch.remove() }
    let out = (scratch.path as NSString).appendingPathComponent("out")
    let conditioning = (scratch.path as NSString).appendingPathComponent("conditioning")
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    var document = prepared.document
    if !prepared.conditioning.isEmpty {
      try FrameFolder.write(Clip(frames: prepared.conditioning, fps: request.fps), to: conditioning)
      document.conditioningImages = prepared.conditioning.indices.map {
        FrameFolder.path(in: conditioning, frame: $0)
      }
    }
    let requestPath = (scratch.path as NSString).appendingPathComponent("request.json")
    try canonicalJSON(document).write(to: URL(fileURLWithPath: requestPath))

    let arguments = settings.arguments.map {
      substitute($0, request: request, requestPath: requestPath, out: out)
    }
    let usesFile = settings.arguments.contains { $0.contains("{request}") }
    appendLog(
      log,
      "plumb: attempt \(number) of \(attempts) at \(Date()): \(arguments.map(quoted).joined(separator: " "))\n"
    )
    let process = Subprocess(
      arguments: arguments, environment: settings.environment,
      stdinPath: usesFile ? nil : requestPath,
      logPath: log, onStart: onStart)
    let outcome = try await process.run(timeout: settings.timeout)
    let program = settings.arguments[0]
    switch outcome {
    case .exited(0):
      break
    case .exited(let status):
      throw GeneratorError(
        "'\(program)' exited with status \(status) (log: \(log))", transient: true)
    case .signalled(let signal):
      throw GeneratorError(
        "'\(program)' was killed by signal \(signal) (log: \(log))", transient: true)
    case .timedOut:
      throw GeneratorError(
        "'\(program)' timed out after \(settings.timeout.formatted()) s and was killed (log: \(log))",
        transient: true)
    }
    let clip: Clip
    do {
      clip = try await ClipDecoder.loadOutput(folder: out, fps: request.fps)
    } catch {
      throw GeneratorError("'\(program)' wrote no readable clip: \(error) (log: \(log))")
    }
    return try clip.verify(answers: request, source: "the output of '\(program)' (log: \(log))")
  }

  private func substitute(
    _ argument: String, request: GenerationRequest, requestPath: String, out: String
  ) -> String {
    // One pass over the text, so a prompt that contains "{out}" stays as written.
    let values: [String: String] = [
      "request": requestPath, "out": out, "prompt": request.prompt, "seed": String(request.seed),
      "width": String(request.width), "height": String(request.height),
      "frames": String(request.frameCount), "fps": request.fps.formatted(),
      "scenario": request.scenarioID,
    ]
    var result = ""
    var rest = Substring(argument)
    while let open = rest.firstIndex(of: "{") {
      result += rest[..<open]
      let after = rest[rest.index(after: open)...]
      if let close = after.firstIndex(of: "}"), let value = values[String(after[..<close])] {
        result += value
        rest = after[after.index(after: close)...]
      } else {
        result += "{"
        rest = after
      }
    }
    return result + rest
  }

  /// How a shell would need the argument written, for a log line a person can paste.
  private func quoted(_ argument: String) -> String {
    if !argument.isEmpty
      && argument.allSatisfy({ $0.isLetter || $0.isNumber || "-_./:={},".contains($0) })
    {
      return argument
    }
    return "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }

  private func appendLog(_ path: String, _ text: String) {
    guard
      let handle = FileHandle(forWritingAtPath: path)
        ?? {
          FileManager.default.createFile(atPath: path, contents: nil)
          return FileHandle(forWritingAtPath: path)
        }()
    else { return }
    handle.seekToEndOfFile()
    handle.write(Data(text.utf8))
    try? handle.close()
  }
}

extension Double {
  /// Shortest text that reads back as the same value: 600 → "600", 0.25 → "0.25".
  func formatted() -> String {
    self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self)
  }
}

/// `falling-cups/drop-1m` seed 2 → `falling-cups__drop-1m_s2`: one flat file name per sample.
func sampleSlug(_ request: GenerationRequest) -> String {
  "\(fileSlug(request.scenarioID))_s\(request.seed)"
}

func fileSlug(_ text: String) -> String {
  text.replacingOccurrences(of: "/", with: "__").map {
    $0.isLetter || $0.isNumber || "-_.".contains($0) ? String($0) : "-"
  }.joined()
}
