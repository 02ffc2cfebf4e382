import Foundation
import Media

/// The one place where generator output becomes a `Clip`: a folder of numbered PNG frames, or
/// a video file (MP4, WebM, GIF, Y4M), read by Media's `ClipLoader`.
public enum ClipDecoder {
  public static let videoExtensions: Set<String> = ["mp4", "webm", "gif", "y4m", "mov", "mkv"]

  /// Decodes `path` (a PNG folder or a video file). `fps` is the clip's true rate: the
  /// request's, since containers written by model code often claim another.
  public static func load(path: String, fps: Double) async throws -> Clip {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw GeneratorError("\(path): no such file or folder")
    }
    let ext = (path as NSString).pathExtension.lowercased()
    guard isDirectory.boolValue || videoExtensions.contains(ext) else {
      throw GeneratorError(
        "\(path): unsupported format '.\(ext)' (expected a PNG folder or "
          + videoExtensions.sorted().map { ".\($0)" }.joined(separator: ", ") + ")")
    }
    return try ClipLoader.load(path: path, fps: fps).clip
  }

  /// What a generator left in its output folder: numbered PNG frames, or exactly one video file.
  public static func loadOutput(folder: String, fps: Double) async throws -> Clip {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    if names.contains(where: { $0.lowercased().hasSuffix(".png") }) {
      return try FrameFolder.read(folder, fps: fps)
    }
    let videos = names.filter {
      videoExtensions.contains(($0 as NSString).pathExtension.lowercased())
    }.sorted()
    guard videos.count == 1 else {
      throw GeneratorError(
        videos.isEmpty
          ? "the output folder holds no PNG frames and no video file (found: \(names.isEmpty ? "nothing" : names.sorted().joined(separator: ", ")))"
          : "the output folder holds several videos (\(videos.joined(separator: ", "))); expected one"
      )
    }
    return try await load(path: (folder as NSString).appendingPathComponent(videos[0]), fps: fps)
  }
}

extension Clip {
  /// Throws unless the clip has the frame count and size `request` asks for; `source` says
  /// where it came from.
  func verify(answers request: GenerationRequest, source: String) throws -> Clip {
    if frames.count != request.frameCount {
      throw GeneratorError(
        "\(source) has \(frames.count) frames, \(request.frameCount) were asked for")
    }
    if width != request.width || height != request.height {
      throw GeneratorError(
        "\(source) has \(width)×\(height) frames, \(request.width)×\(request.height) were asked for"
      )
    }
    return self
  }
}

/// A uniquely named folder under the system's temporary directory (or `parent`).
struct TemporaryFolder {
  let path: String

  init(prefix: String, in parent: String = NSTemporaryDirectory()) throws {
    path = (parent as NSString).appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  func remove() { try? FileManager.default.removeItem(atPath: path) }
}
