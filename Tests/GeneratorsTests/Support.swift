import Foundation
import Generators
import Media
import Scenarios

#if canImport(Glibc)
  import Glibc
#endif

/// The repository root, found from this file's place, for the example programs.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent()
  .deletingLastPathComponent().path
let examples = (repositoryRoot as NSString).appendingPathComponent("examples")

/// Whether a program is on PATH; video files need ffmpeg until Media decodes them itself.
func onPath(_ program: String) -> Bool {
  (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
    FileManager.default.isExecutableFile(atPath: "\($0)/\(program)")
  }
}
let hasFFmpeg = onPath("ffmpeg")

/// A 32×32 clip of 4 frames at 8 fps: a ball over a floor, small enough to generate in
/// milliseconds.
func tinyScenario(
  id: String = "falling-cups/tiny", prompt: String = "a red ball falls", conditioning: Int? = nil
)
  -> Scenario
{
  Scenario(
    id: id, prompt: prompt, clip: ClipSpec(seconds: 0.5, fps: 8, width: 32, height: 32),
    camera: CameraSpec(
      fieldOfViewDegrees: 50, position: Vector3(0, 0.6, 2.5), lookAt: Vector3(0, 0.4, 0)),
    world: WorldSpec(
      floor: FloorSpec(color: SceneColor(red: 0.4, green: 0.4, blue: 0.4)),
      background: SceneColor(red: 0.8, green: 0.9, blue: 1),
      objects: [
        ObjectSpec(
          name: "ball", shape: .sphere(radius: 0.1),
          color: SceneColor(red: 0.9, green: 0.1, blue: 0.1),
          position: Vector3(0, 0.8, 0))
      ]),
    checks: [CheckSpec(kind: .physics)],
    conditioning: conditioning.map { ConditioningSpec(frames: $0) })
}

/// A fresh folder under the system's temporary directory, removed by `remove()`.
struct Scratch {
  let path: String

  init() throws {
    path = (NSTemporaryDirectory() as NSString).appendingPathComponent(
      "plumb-gen-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

  /// Writes a Python program and returns its path.
  func script(_ name: String, _ source: String) throws -> String {
    let header =
      "import json, os, sys\nsys.path.insert(0, \(pythonString(examples)))\nimport plumb_example\n"
    try (header + source).write(toFile: file(name), atomically: true, encoding: .utf8)
    return file(name)
  }

  func remove() { try? FileManager.default.removeItem(atPath: path) }
}

func pythonString(_ text: String) -> String {
  "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
    + "'"
}

/// Whether a process is gone or a zombie no one is running: `/proc/<pid>/stat` absent or in state Z.
func isNotRunning(_ pid: Int32) -> Bool {
  guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else {
    return kill(pid, 0) != 0
  }
  let state = stat.split(separator: ")").last?.split(separator: " ").first
  return state == "Z" || state == "X"
}

/// Collects values handed to a @Sendable callback.
final class Box<T: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: [T] = []
  func append(_ value: T) { lock.withLock { stored.append(value) } }
  var values: [T] { lock.withLock { stored } }
}

/// The example video server on a free port of 127.0.0.1, with an injected fault.
final class ExampleServer {
  let process = Process()
  let url: String

  /// `format` y4m needs no ffmpeg on either side; mp4 needs it on both.
  init(
    fault: String = "none", format: String = "y4m", extra: [String] = [],
    environment: [String: String] = [:]
  ) throws {
    let output = Pipe()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments =
      [
        "python3", (examples as NSString).appendingPathComponent("video_server.py"), "--port", "0",
        "--fault", fault, "--format", format,
      ]
      + extra
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    process.standardOutput = output
    // Clients that give up mid-answer make the server print tracebacks; they are expected here.
    process.standardError = FileHandle.nullDevice
    try process.run()
    // The server prints its address before serving; one line is all we read.
    var line = Data()
    while !line.contains(0x0A) {
      let chunk = output.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      line.append(chunk)
    }
    let text = String(decoding: line, as: UTF8.self)
    guard let range = text.range(of: "http://") else {
      kill(process.processIdentifier, SIGKILL)
      throw GeneratorError("the example server did not start: '\(text)'")
    }
    url = String(text[range.lowerBound...]).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// SIGKILL: children of a test process inherit its blocked signals, SIGTERM included.
  func stop() {
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
  }
}

/// Runs `body` with a port of 127.0.0.1 that refuses connections: bound but not listening,
/// so no other test's server can take it meanwhile.
func withRefusingPort<T>(_ body: (Int) async throws -> T) async rethrows -> T {
  let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  defer { close(fd) }
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_addr.s_addr = inet_addr("127.0.0.1")
  address.sin_port = 0
  var length = socklen_t(MemoryLayout<sockaddr_in>.size)
  _ = withUnsafeMutablePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
      bind(fd, $0, length)
      return getsockname(fd, $0, &length)
    }
  }
  return try await body(Int(UInt16(bigEndian: address.sin_port)))
}
