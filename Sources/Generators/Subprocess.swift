import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How a child program ended.
enum SubprocessOutcome: Sendable, Equatable {
  case exited(Int32)
  case signalled(Int32)
  /// Still running at the deadline: its whole process group was killed and it was reaped.
  case timedOut
}

/// Runs a program from an argv list, never through a shell, in a process group of its own, so a
/// timeout can kill it together with anything it started.
///
/// Standard output and standard error both go to `logPath` (appended); standard input reads
/// `stdinPath`, or /dev/null.
struct Subprocess: Sendable {
  var arguments: [String]
  /// Added to (and overriding) this process's environment.
  var environment: [String: String] = [:]
  var stdinPath: String?
  var logPath: String

  /// The child's pid once started, for callers that watch it (tests check it is gone).
  var onStart: @Sendable (pid_t) -> Void = { _ in }

  /// Starts the program and waits for it, at most `timeout` seconds.
  func run(timeout: Double) async throws -> SubprocessOutcome {
    let pid = try spawn()
    LiveGroups.shared.insert(pid)
    defer { LiveGroups.shared.remove(pid) }
    onStart(pid)
    let clock = ContinuousClock()
    let deadline = clock.now + .milliseconds(Int64(timeout * 1000))
    var pause = 2  // ms; short first polls make quick programs cheap, then back off
    while true {
      var status: Int32 = 0
      let done = waitpid(pid, &status, WNOHANG)
      if done == pid { return Self.outcome(status) }
      if done < 0 && errno != EINTR {
        throw GeneratorError(
          "cannot wait for '\(arguments[0])': \(String(cString: strerror(errno)))")
      }
      if clock.now >= deadline || Task.isCancelled {
        await killGroup(pid)
        if Task.isCancelled { throw CancellationError() }
        return .timedOut
      }
      try? await Task.sleep(for: .milliseconds(pause))
      pause = min(pause * 2, 50)
    }
  }

  /// SIGKILL to the group, then a blocking wait so no zombie stays behind. The group id is the
  /// child's pid (POSIX_SPAWN_SETPGROUP with 0). Grandchildren die asynchronously and are
  /// reaped by init, so wait (up to a second) until none of the group is still running.
  private func killGroup(_ pid: pid_t) async {
    kill(-pid, SIGKILL)
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    for _ in 0..<100 where Self.groupIsRunning(pid) {
      try? await Task.sleep(for: .milliseconds(10))
    }
  }

  /// Whether a process of group `pgid` is alive and not a zombie, from /proc (Linux); false
  /// where /proc is missing.
  private static func groupIsRunning(_ pgid: pid_t) -> Bool {
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else {
      return false
    }
    return entries.contains { name in
      guard Int32(name) != nil,
        let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
      else { return false }
      // Fields after the command: state, ppid, pgrp, …
      let fields = stat[stat.index(after: close)...].split(separator: " ")
      return fields.count > 2 && fields[2] == "\(pgid)" && fields[0] != "Z" && fields[0] != "X"
    }
  }

  private static func outcome(_ status: Int32) -> SubprocessOutcome {
    // WIFEXITED / WTERMSIG are macros Swift cannot import.
    let signal = status & 0x7f
    return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
  }

  private func spawn() throws -> pid_t {
    guard let program = arguments.first, !program.isEmpty else {
      throw GeneratorError("the command is empty")
    }
    #if canImport(Glibc)
      var actions = posix_spawn_file_actions_t()
      var attributes = posix_spawnattr_t()
    #else
      var actions: posix_spawn_file_actions_t?
      var attributes: posix_spawnattr_t?
    #endif
    posix_spawn_file_actions_init(&actions)
    posix_spawnattr_init(&attributes)
    defer {
      posix_spawn_file_actions_destroy(&actions)
      posix_spawnattr_destroy(&attributes)
    }
    posix_spawn_file_actions_addopen(&actions, 0, stdinPath ?? "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    posix_spawnattr_setpgroup(&attributes, 0)
    // The spawning thread may block signals (Dispatch's threads do) and a child inherits the
    // mask: unblock all, and give every signal its default action, so that SIGTERM and
    // Ctrl-C reach the program as they would from a terminal.
    var none = sigset_t()
    var all = sigset_t()
    sigemptyset(&none)
    sigfillset(&all)
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setflags(
      &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

    var merged = ProcessInfo.processInfo.environment
    for (key, value) in environment { merged[key] = value }
    let envStrings = merged.map { "\($0.key)=\($0.value)" }.sorted()

    let cArgs = arguments.map { strdup($0) } + [nil]
    let cEnv = envStrings.map { strdup($0) } + [nil]
    defer {
      for pointer in cArgs + cEnv { free(pointer) }
    }
    var pid: pid_t = 0
    let result = posix_spawnp(&pid, program, &actions, &attributes, cArgs, cEnv)
    guard result == 0 else {
      throw GeneratorError("cannot start '\(program)': \(String(cString: strerror(result)))")
    }
    return pid
  }
}

/// The process groups of programs running now, so that an interrupted `plumb` can take them
/// down with it: they have groups of their own, so a terminal's Ctrl-C does not reach them.
public final class LiveGroups: @unchecked Sendable {
  public static let shared = LiveGroups()
  private let lock = NSLock()
  private var groups: Set<pid_t> = []

  func insert(_ group: pid_t) { _ = lock.withLock { groups.insert(group) } }
  func remove(_ group: pid_t) { _ = lock.withLock { groups.remove(group) } }

  /// SIGKILL to every running program's group. Safe to call from a signal source's handler.
  public func killAll() {
    for group in lock.withLock({ groups }) { kill(-group, SIGKILL) }
  }
}
