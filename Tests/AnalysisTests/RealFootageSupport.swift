import Foundation
import Testing

extension SharedData {
  /// The path of `relative` inside the data folder, or nil after recording why it is missing:
  /// a machine without the data fails loudly instead of passing checks it never ran.
  static func file(_ relative: String, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
    do {
      return try path(relative)
    } catch {
      Issue.record("\(error)", sourceLocation: sourceLocation)
      return nil
    }
  }
}
