import Foundation
import Testing

/// The external validation data (`../shared/data` beside the package, or PLUMB_SHARED_DATA).
///
/// When it is absent the tests that need it record an issue that says where it was looked for,
/// so a machine without the data fails loudly instead of passing checks it never ran.
enum SharedData {
  static let folder: String = {
    if let path = ProcessInfo.processInfo.environment["PLUMB_SHARED_DATA"], !path.isEmpty {
      return path
    }
    // #filePath is …/Tests/AnalysisTests/RealFootageSupport.swift; the package root is two up.
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    return root.deletingLastPathComponent().appendingPathComponent("shared/data").path
  }()

  /// The path of `relative` inside the data folder, or nil after recording why it is missing.
  static func file(_ relative: String, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
    let path = (folder as NSString).appendingPathComponent(relative)
    guard FileManager.default.fileExists(atPath: path) else {
      Issue.record(
        "external data \(relative) not found at \(path): set PLUMB_SHARED_DATA to the folder of shared/data (see its README)",
        sourceLocation: sourceLocation)
      return nil
    }
    return path
  }
}
