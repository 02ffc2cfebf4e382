import Foundation

/// A clip stored as numbered PNG files in one folder (`frame_00000.png`, `frame_00001.png`, …).
public enum FrameFolder {
  /// Writes every frame of `clip` into `directory`, creating it if needed.
  public static func write(_ clip: Clip, to directory: String) throws {
    do {
      try FileManager.default.createDirectory(
        atPath: directory, withIntermediateDirectories: true)
    } catch {
      throw MediaError(path: directory, reason: "cannot create folder (\(describe(error)))")
    }
    for (index, frame) in clip.frames.enumerated() {
      try PNGCodec.write(frame, path: path(in: directory, frame: index))
    }
  }

  /// The file name of frame `index`.
  public static func path(in directory: String, frame index: Int) -> String {
    (directory as NSString).appendingPathComponent(String(format: "frame_%05d.png", index))
  }

  /// Reads the PNG files of `directory` in the numeric order of the digits in their names.
  ///
  /// Files whose names carry no digits are ignored; all frames must share one size.
  public static func read(_ directory: String, fps: Double) throws -> Clip {
    try FrameFolderReader(directory: directory, fps: fps).collect()
  }

  /// The numbered PNG files of `directory`, in frame order.
  static func frameFiles(in directory: String) throws -> [String] {
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: directory)
    } catch {
      throw MediaError(path: directory, reason: "cannot list folder (\(describe(error)))")
    }
    let numbered = names.compactMap { name -> (Int, String)? in
      guard name.lowercased().hasSuffix(".png") else { return nil }
      let digits = name.dropLast(4).reversed().prefix { $0.isNumber }.reversed()
      guard let number = Int(String(digits)) else { return nil }
      return (number, name)
    }.sorted { $0.0 < $1.0 }
    guard !numbered.isEmpty else {
      throw MediaError(path: directory, reason: "holds no numbered PNG frames (frame_00000.png, …)")
    }
    return numbered.map { (directory as NSString).appendingPathComponent($0.1) }
  }
}

/// Reads a folder of numbered PNG frames one file at a time.
public final class FrameFolderReader: FrameSource {
  public private(set) var info: VideoInfo
  private let files: [String]
  private var index = 0

  /// Lists `directory` and reads its first frame for the size. A folder states no rate, so
  /// `fps` is the rate.
  public init(directory: String, fps: Double) throws {
    files = try FrameFolder.frameFiles(in: directory)
    let first = try PNGCodec.read(path: files[0])
    info = VideoInfo(
      path: directory, format: "png folder", originalWidth: first.width,
      originalHeight: first.height, width: first.width, height: first.height, rotation: 0,
      containerFrameRate: nil, fps: fps, frameCount: files.count,
      duration: Double(files.count) / fps)
  }

  public func next() throws -> RGBImage? {
    guard index < files.count else { return nil }
    let file = files[index]
    let frame = try PNGCodec.read(path: file)
    guard frame.width == info.width, frame.height == info.height else {
      throw MediaError(
        path: file,
        reason: "is \(frame.width)×\(frame.height), expected \(info.width)×\(info.height) "
          + "like the frames before it")
    }
    index += 1
    return frame
  }

  public func close() { index = files.count }
}
