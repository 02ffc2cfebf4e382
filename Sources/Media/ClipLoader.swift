import Foundation

/// A clip read from a file or folder, with what its container said about it.
public struct LoadedClip: Sendable {
  public var clip: Clip
  public var info: VideoInfo

  /// The rate the container claims, if it claims one.
  public var containerFPS: Double? { info.containerFPS }
  /// The rate the clip is analysed at (the user's when given).
  public var fps: Double { clip.fps }
}

/// The one way into Media for video from outside: picks a reader by extension or folder.
///
/// - a folder: numbered PNG frames;
/// - `.y4m`: read natively;
/// - `.mp4`, `.webm`, `.avi`, `.mov`, `.mkv`, `.gif` and any other extension: ffmpeg.
///
/// `fps` states the true frame rate and overrides the container's (slow-motion footage is often
/// stored at a playback rate, not the rate it was filmed at). `rotation` turns the stored
/// frames clockwise by 90, 180 or 270 degrees and replaces any rotation the container asks
/// for. `longSide` scales frames down to an analysis resolution (aspect kept, even sides).
public enum ClipLoader {
  /// The rate of a PNG folder when the user gives none.
  public static let defaultFolderFPS = 30.0

  public static let ffmpegExtensions: Set<String> = ["mp4", "webm", "avi", "mov", "mkv", "gif", "m4v"]

  /// A streaming source for `path`.
  public static func open(
    path: String, fps: Double? = nil, longSide: Int? = nil, rotation: Int? = nil,
    ffmpeg: FFmpeg = FFmpeg()
  ) throws -> any FrameSource {
    if let fps, !(fps > 0 && fps.isFinite) {
      throw MediaError(path: path, reason: "cannot be read at \(fps) fps; the rate must be positive")
    }
    if let rotation, rotation % 90 != 0 {
      throw MediaError(path: path, reason: "cannot be rotated by \(rotation)°; use 0, 90, 180 or 270")
    }
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
      throw MediaError(path: path, reason: "does not exist")
    }
    if isFolder.boolValue {
      let source = try FrameFolderReader(directory: path, fps: fps ?? defaultFolderFPS)
      return try TransformedSource(source, longSide: longSide, rotation: rotation)
    }
    if (path as NSString).pathExtension.lowercased() == "y4m" {
      return try TransformedSource(Y4MReader(path: path, fps: fps), longSide: longSide, rotation: rotation)
    }
    return try FFmpegReader(path: path, fps: fps, longSide: longSide, rotation: rotation, ffmpeg: ffmpeg)
  }

  /// Every frame of `path` in memory. For long clips give a `longSide`, or stream with `open`.
  public static func load(
    path: String, fps: Double? = nil, longSide: Int? = nil, rotation: Int? = nil,
    ffmpeg: FFmpeg = FFmpeg()
  ) throws -> LoadedClip {
    let source = try open(path: path, fps: fps, longSide: longSide, rotation: rotation, ffmpeg: ffmpeg)
    let clip = try source.collect()
    var info = source.info
    info.frameCount = clip.frames.count
    return LoadedClip(clip: clip, info: info)
  }
}

/// Rotation and scaling in Swift, for sources that do not decode through ffmpeg.
final class TransformedSource: FrameSource {
  private let base: any FrameSource
  private(set) var info: VideoInfo

  init(_ base: any FrameSource, longSide: Int?, rotation: Int?) throws {
    self.base = base
    var info = base.info
    info.rotation = ((rotation ?? 0) % 360 + 360) % 360
    let (w, h) = info.rotation % 180 == 0 ? (info.width, info.height) : (info.height, info.width)
    (info.width, info.height) = analysisSize(width: w, height: h, longSide: longSide)
    self.info = info
  }

  func next() throws -> RGBImage? {
    try base.next().map {
      $0.rotated(clockwise: info.rotation).downsampled(width: info.width, height: info.height)
    }
  }

  func close() { base.close() }
}
