import Foundation

/// Progress and diagnostics go to standard error so standard output carries only results
/// (the report path) that scripts can read.
enum Terminal {
  static let isInteractive = isatty(STDERR_FILENO) != 0

  static func note(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
  }

  /// Rewrites the current line on a terminal; prints nothing when logging to a file, where
  /// only finished samples are worth a line.
  static func status(_ text: String) {
    guard isInteractive else { return }
    FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
  }

  static func clearStatus() {
    guard isInteractive else { return }
    FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
  }
}
