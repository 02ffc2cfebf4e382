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
    var frames: [RGBImage] = []
    frames.reserveCapacity(numbered.count)
    for (_, name) in numbered {
      let file = (directory as NSString).appendingPathComponent(name)
      let frame = try PNGCodec.read(path: file)
      if let first = frames.first, first.width != frame.width || first.height != frame.height {
        throw MediaError(
          path: file,
          reason: "is \(frame.width)×\(frame.height), expected \(first.width)×\(first.height) "
            + "like the frames before it")
      }
      frames.append(frame)
    }
    return Clip(frames: frames, fps: fps)
  }
}
