import Foundation

/// An exclusive claim on one run, so two processes never write the same run.
///
/// It is an advisory `flock` on a file beside the store: the kernel drops it when the
/// process exits, however it exits, so a killed run never leaves a stale lock behind.
public final class RunLock {
  public let path: String
  private let descriptor: Int32

  /// Claims `runID` in the store at `storePath`, or throws naming the process that holds it.
  public init(storePath: String, runID: String) throws {
    let folder = (storePath as NSString).deletingLastPathComponent
    let locks = ((folder.isEmpty ? "." : folder) as NSString).appendingPathComponent(".locks")
    try FileManager.default.createDirectory(atPath: locks, withIntermediateDirectories: true)
    path = (locks as NSString).appendingPathComponent("\(runID).lock")
    descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw StoreError(path: path, message: "cannot create the run's lock file (\(String(cString: strerror(errno))))")
    }
    guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
      let holder = (try? String(contentsOfFile: path, encoding: .utf8))?
        .trimmingCharacters(in: .whitespacesAndNewlines)
      close(descriptor)
      let who = holder.map { " (pid \($0))" } ?? ""
      throw StoreError(
        path: storePath,
        message: "run '\(runID)' is being written by another plumb process\(who); "
          + "wait for it to finish or stop it first")
    }
    _ = ftruncate(descriptor, 0)
    let pid = "\(getpid())\n"
    _ = pid.withCString { write(descriptor, $0, strlen($0)) }
  }

  deinit {
    flock(descriptor, LOCK_UN)
    close(descriptor)
  }
}
