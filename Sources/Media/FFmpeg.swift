import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where the `ffmpeg` and `ffprobe` programs are: found on a search path, run with argv only
/// (never a shell), so file names from outside are never interpreted.
public struct FFmpeg: Sendable {
  /// Folders searched in order; the process's PATH by default.
  public var searchPath: [String]

  public init(searchPath: [String]? = nil) {
    self.searchPath =
      searchPath
      ?? (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
      .split(separator: ":").map(String.init)
  }

  /// The executable `tool` (`ffmpeg` or `ffprobe`), or an error for `path` that says how to
  /// install it.
  func locate(_ tool: String, for path: String) throws -> URL {
    for folder in searchPath where !folder.isEmpty {
      let candidate = (folder as NSString).appendingPathComponent(tool)
      if FileManager.default.isExecutableFile(atPath: candidate) {
        return URL(fileURLWithPath: candidate)
      }
    }
    throw MediaError(
      path: path,
      reason: "needs \(tool) to be decoded, and \(tool) is not on PATH; install ffmpeg "
        + "(Debian, Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg) or convert the "
        + "video to Y4M or a folder of PNG frames")
  }

  /// What ffprobe reports about the first video stream of `path`.
  public func probe(_ path: String) throws -> VideoProbe {
    guard FileManager.default.isReadableFile(atPath: path) else {
      throw MediaError(path: path, reason: "cannot be opened for reading")
    }
    let arguments = [
      "-v", "error", "-select_streams", "v:0", "-show_entries",
      "stream=width,height,avg_frame_rate,r_frame_rate,nb_frames,duration:"
        + "stream_side_data=rotation:format=duration",
      "-of", "json", "--", path,
    ]
    let output = try run(locate("ffprobe", for: path), arguments, for: path)
    guard output.status == 0 else {
      throw MediaError(path: path, reason: "is not a video ffmpeg can read (ffprobe: \(lastLine(output.stderr)))")
    }
    return try VideoProbe(json: output.stdout, path: path)
  }

  /// Runs a short-lived tool to completion, collecting both outputs.
  private func run(_ tool: URL, _ arguments: [String], for path: String) throws -> (
    status: Int32, stdout: Data, stderr: Data
  ) {
    let child = try Child(tool, arguments, for: path)
    let stdout = child.stdout.readDataToEndOfFile()
    child.process.waitUntilExit()
    return (child.process.terminationStatus, stdout, child.stderr.finish())
  }
}

/// A started tool: argv only, stdin from /dev/null, stdout a pipe for the caller, stderr
/// drained on another thread.
struct Child {
  let process = Process()
  let stdout: FileHandle
  let stderr: StreamDrain

  init(_ tool: URL, _ arguments: [String], for path: String) throws {
    process.executableURL = tool
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    do { try process.run() } catch {
      throw MediaError(path: path, reason: "cannot start \(tool.path) (\(describe(error)))")
    }
    stdout = out.fileHandleForReading
    stderr = StreamDrain(err.fileHandleForReading)
  }
}

/// The first video stream of a file, as ffprobe describes it.
public struct VideoProbe: Sendable, Hashable {
  /// Stored frame size, before the display rotation.
  public var width: Int
  public var height: Int
  /// The container's frame rate: the average rate when it states one, else the base rate.
  public var frameRate: FrameRate?
  public var frameCount: Int?
  public var duration: Double?
  /// Clockwise rotation the container asks players to apply (its display matrix): 0, 90,
  /// 180 or 270.
  public var displayRotation: Int

  init(json: Data, path: String) throws {
    let root = try? JSONSerialization.jsonObject(with: json) as? [String: Any]
    guard let stream = (root?["streams"] as? [[String: Any]])?.first else {
      throw MediaError(path: path, reason: "has no video stream")
    }
    func text(_ key: String, in object: [String: Any]?) -> String? {
      (object?[key]).map { "\($0)" }
    }
    guard let width = stream["width"] as? Int, let height = stream["height"] as? Int,
      width > 0, height > 0
    else {
      throw MediaError(path: path, reason: "has a video stream without a frame size")
    }
    self.width = width
    self.height = height
    frameRate =
      text("avg_frame_rate", in: stream).flatMap(FrameRate.init(parsing:))
      ?? text("r_frame_rate", in: stream).flatMap(FrameRate.init(parsing:))
    frameCount = text("nb_frames", in: stream).flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil }
    duration =
      (text("duration", in: stream) ?? text("duration", in: root?["format"] as? [String: Any]))
      .flatMap(Double.init)
    let sideData = stream["side_data_list"] as? [[String: Any]] ?? []
    // ffprobe gives the display matrix's angle counter-clockwise; players turn the frame
    // the other way to show it upright.
    let angle = sideData.compactMap { text("rotation", in: $0).flatMap(Double.init) }.first ?? 0
    displayRotation = ((-Int(angle.rounded()) % 360) + 360) % 360
  }
}

/// Reads a video through an `ffmpeg` subprocess that writes raw RGB frames to a pipe, one
/// frame-sized read at a time, so memory stays at one frame however long the clip.
///
/// ffmpeg's messages are collected on another thread so it never blocks on a full stderr
/// pipe. Closing early, or releasing the reader, stops and reaps the process.
public final class FFmpegReader: FrameSource {
  public private(set) var info: VideoInfo
  private let process: Process
  private let stdout: FileHandle
  private let stderr: StreamDrain
  private var finished = false
  private var index = 0

  /// Starts decoding `path`. `rotation` (clockwise degrees, a multiple of 90) replaces the
  /// container's display rotation when given; `longSide` scales frames down (see
  /// `analysisSize`); `fps` replaces the container's rate.
  public init(
    path: String, fps: Double? = nil, longSide: Int? = nil, rotation: Int? = nil,
    ffmpeg: FFmpeg = FFmpeg()
  ) throws {
    let tool = try ffmpeg.locate("ffmpeg", for: path)
    let probe = try ffmpeg.probe(path)
    let turn = ((rotation ?? probe.displayRotation) % 360 + 360) % 360
    guard turn % 90 == 0 else {
      throw MediaError(path: path, reason: "cannot be rotated by \(turn)°; use 0, 90, 180 or 270")
    }
    let (upright, across) =
      turn % 180 == 0 ? (probe.width, probe.height) : (probe.height, probe.width)
    let size = analysisSize(width: upright, height: across, longSide: longSide)
    var filters: [String] =
      switch turn {
      case 90: ["transpose=clock"]
      case 180: ["hflip", "vflip"]
      case 270: ["transpose=cclock"]
      default: []
      }
    if size != (upright, across) { filters.append("scale=\(size.width):\(size.height):flags=area") }
    // -noautorotate: the rotation is ours to apply (above), so a user's --rotate replaces
    // the container's instead of adding to it. passthrough: one output frame per decoded
    // frame, never duplicated or dropped to fit a rate.
    var arguments = ["-nostdin", "-hide_banner", "-loglevel", "error", "-noautorotate", "-i", path]
    if !filters.isEmpty { arguments += ["-vf", filters.joined(separator: ",")] }
    arguments += ["-map", "0:v:0", "-an", "-sn", "-dn", "-fps_mode", "passthrough",
                  "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]
    guard let rate = probe.frameRate ?? fps.map(FrameRate.init(approximating:)) else {
      throw MediaError(path: path, reason: "states no frame rate; give the true rate (--fps)")
    }
    info = VideoInfo(
      path: path, format: "ffmpeg", originalWidth: probe.width, originalHeight: probe.height,
      width: size.width, height: size.height, rotation: turn,
      containerFrameRate: probe.frameRate, fps: fps ?? rate.fps, frameCount: probe.frameCount,
      duration: probe.duration)

    let child = try Child(tool, arguments, for: path)
    process = child.process
    stdout = child.stdout
    stderr = child.stderr
  }

  deinit { close() }

  public func next() throws -> RGBImage? {
    guard !finished else { return nil }
    var pixels = [UInt8](repeating: 0, count: info.width * info.height * 3)
    let got: Int
    do {
      got = try pixels.withUnsafeMutableBytes { try ByteReader(fd: stdout.fileDescriptor).readFully($0) }
    } catch {
      close()
      throw MediaError(path: info.path, reason: "ffmpeg's output cannot be read (\(describe(error)))")
    }
    if got == pixels.count {
      index += 1
      return RGBImage(width: info.width, height: info.height, pixels: pixels)
    }
    // The stream ended: ffmpeg has finished, or failed.
    finished = true
    process.waitUntilExit()
    try? stdout.close()
    let messages = stderr.finish()
    let failed = process.terminationStatus != 0 || got != 0
    let shortOfCount = info.frameCount.map { index < $0 } ?? false
    if failed || index == 0 || (shortOfCount && !messages.isEmpty) {
      let of = info.frameCount.map { " of \($0)" } ?? ""
      let why = messages.isEmpty ? "ffmpeg exited with status \(process.terminationStatus)" : "ffmpeg: \(lastLine(messages))"
      throw MediaError(path: info.path, reason: "frame \(index)\(of) could not be decoded (\(why))")
    }
    return nil
  }

  /// Stops ffmpeg if it still runs and waits for it, so no zombie is left behind.
  public func close() {
    guard !finished else { return }
    finished = true
    if process.isRunning { process.terminate() }
    // Closing our end makes an ffmpeg blocked on a full pipe fail its write and exit.
    try? stdout.close()
    process.waitUntilExit()
    _ = stderr.finish()
  }
}

/// Reads a pipe to its end on a background thread, keeping the last 64 KiB, so the writer
/// never blocks on a full pipe whatever it prints.
final class StreamDrain: @unchecked Sendable {
  private let lock = NSLock()
  private let done = DispatchSemaphore(value: 0)
  // Guarded by `lock`; the thread writes, `finish` reads after `done`.
  private var data = Data()
  private var result: Data?
  static let keep = 64 * 1024

  init(_ handle: FileHandle) {
    Thread.detachNewThread { [self] in
      while true {
        let chunk = handle.availableData
        if chunk.isEmpty { break }
        lock.lock()
        data.append(chunk)
        if data.count > 2 * Self.keep { data = data.suffix(Self.keep) }
        lock.unlock()
      }
      try? handle.close()
      done.signal()
    }
  }

  /// Waits for the writer to close its end and returns what it wrote (the last 64 KiB).
  func finish() -> Data {
    lock.lock()
    if let result {
      lock.unlock()
      return result
    }
    lock.unlock()
    done.wait()
    lock.lock()
    defer { lock.unlock() }
    result = data.suffix(Self.keep)
    return result!
  }
}

/// The line of a tool's messages that says what went wrong: the last decoding error when
/// there is one (ffmpeg ends with generic lines such as "Error marking filters as finished"),
/// else the last line; component tags like `[h264 @ 0x…]` are removed.
func lastLine(_ data: Data) -> String {
  let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).map { line in
    var text = Substring(line)
    if text.hasPrefix("["), let close = text.firstIndex(of: "]") { text = text[text.index(after: close)...] }
    return text.trimmingCharacters(in: .whitespaces)
  }.filter { !$0.isEmpty }
  if let decoding = lines.last(where: { $0.hasPrefix("Error while decoding") }),
    let reason = decoding.range(of: ": ", options: .backwards)
  {
    return String(decoding[reason.upperBound...])
  }
  return lines.last ?? "no message"
}
