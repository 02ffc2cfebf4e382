import Analysis
import Foundation
import Media
import Testing

/// External validation data in `../shared/data` (or `PLUMB_SHARED_DATA`).
enum SharedData {
  struct Missing: Error, CustomStringConvertible {
    let path: String
    var description: String {
      "shared validation data not found at \(path) (set PLUMB_SHARED_DATA or place the data at <package>/../shared/data)"
    }
  }

  /// The data root, from the environment or relative to the package root.
  static var root: String {
    if let env = ProcessInfo.processInfo.environment["PLUMB_SHARED_DATA"], !env.isEmpty { return env }
    let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    return package.deletingLastPathComponent().appendingPathComponent("shared/data").path
  }

  /// The path of `relative` under the data root; throws a clear error when it is absent.
  static func path(_ relative: String) throws -> String {
    let path = (root as NSString).appendingPathComponent(relative)
    guard FileManager.default.fileExists(atPath: path) else { throw Missing(path: path) }
    return path
  }

  static func grey(_ relative: String) throws -> GreyImage {
    GreyImage(try PNGCodec.read(path: path(relative)))
  }

  /// A Middlebury .flo file: float32 tag 202021.25, int32 width and height, then u, v
  /// interleaved, little-endian. Unknown vectors (|u| or |v| > 1e9) come back as nil.
  static func middleburyFlow(_ relative: String) throws -> (width: Int, height: Int, vectors: [SIMD2<Float>?]) {
    let data = try Data(contentsOf: URL(fileURLWithPath: path(relative)))
    func u32(_ at: Int) -> UInt32 {
      UInt32(data[at]) | UInt32(data[at + 1]) << 8 | UInt32(data[at + 2]) << 16 | UInt32(data[at + 3]) << 24
    }
    try #require(data.count >= 12 && Float(bitPattern: u32(0)) == 202021.25, "\(relative): not a .flo file")
    let width = Int(u32(4)), height = Int(u32(8))
    try #require(data.count == 12 + 8 * width * height, "\(relative): truncated")
    let vectors: [SIMD2<Float>?] = (0..<(width * height)).map { i in
      let u = Float(bitPattern: u32(12 + 8 * i)), v = Float(bitPattern: u32(16 + 8 * i))
      return abs(u) > 1e9 || abs(v) > 1e9 ? nil : SIMD2(u, v)
    }
    return (width, height, vectors)
  }
}
