import Foundation

/// A named generator configuration (a "checkpoint"): how to reach one model at one set of
/// weights. Read from a generators file; see docs/generators-file.md.
public enum GeneratorConfiguration: Sendable, Hashable, Codable {
  case command(CommandSettings)
  case http(HTTPSettings)
  case folder(FolderSettings)

  /// The configuration as the clip cache keys it: every field that can change the clips, and no
  /// secret. Environment values whose names look secret are replaced by a marker; the HTTP
  /// token is never part of the configuration (only the name of its variable is).
  public var cacheIdentity: Data {
    var copy = self
    if case .command(var settings) = copy {
      for key in settings.environment.keys where Self.looksSecret(key) {
        settings.environment[key] = "<secret>"
      }
      // How long we wait or how often we retry does not change what a model draws.
      settings.timeout = 0
      settings.retries = 0
      copy = .command(settings)
    }
    if case .http(var settings) = copy {
      settings.timeout = 0
      settings.requestTimeout = 0
      settings.pollInterval = 0
      settings.retries = 0
      settings.backoff = 0
      settings.maxBytes = 0
      copy = .http(settings)
    }
    return (try? canonicalJSON(copy)) ?? Data()
  }

  static func looksSecret(_ name: String) -> Bool {
    let upper = name.uppercased()
    return ["TOKEN", "SECRET", "PASSWORD", "KEY", "CREDENTIAL"].contains { upper.contains($0) }
  }
}

/// Runs a program per sample. `arguments` may hold placeholders, replaced per sample:
/// `{request}` (path of the request JSON), `{out}` (folder to write frames or one video into),
/// `{prompt}`, `{seed}`, `{width}`, `{height}`, `{frames}`, `{fps}`, `{scenario}`. Without
/// `{request}` in the arguments, the request JSON arrives on standard input.
public struct CommandSettings: Sendable, Hashable, Codable {
  public var arguments: [String]
  public var environment: [String: String]
  /// Seconds before the program (and everything it started) is killed.
  public var timeout: Double
  /// Further attempts after a crash or timeout.
  public var retries: Int

  public init(
    arguments: [String], environment: [String: String] = [:], timeout: Double = 600,
    retries: Int = 0
  ) {
    self.arguments = arguments
    self.environment = environment
    self.timeout = timeout
    self.retries = retries
  }
}

/// A server speaking the OpenAI-compatible Videos API (docs/generator-http-api.yaml).
public struct HTTPSettings: Sendable, Hashable, Codable {
  /// Base URL; requests go to `<url>/v1/videos…`.
  public var url: String
  public var model: String
  /// Name of the environment variable holding the bearer token; the token itself is read when
  /// a request is sent and written nowhere.
  public var tokenEnvironment: String?
  /// Seconds for the whole job: submit, poll, download.
  public var timeout: Double
  /// Seconds for one HTTP exchange.
  public var requestTimeout: Double
  /// Seconds between status polls.
  public var pollInterval: Double
  /// Further attempts of one exchange after a 429, 5xx or network error.
  public var retries: Int
  /// First backoff in seconds; doubles on each retry (a Retry-After header wins).
  public var backoff: Double
  /// Largest response body accepted, in bytes.
  public var maxBytes: Int
  /// Extra JSON fields sent with every job (strings, numbers, booleans).
  public var extra: [String: String]

  public init(
    url: String, model: String, tokenEnvironment: String? = nil, timeout: Double = 3600,
    requestTimeout: Double = 60, pollInterval: Double = 5, retries: Int = 5, backoff: Double = 1,
    maxBytes: Int = 2 << 30, extra: [String: String] = [:]
  ) {
    self.url = url
    self.model = model
    self.tokenEnvironment = tokenEnvironment
    self.timeout = timeout
    self.requestTimeout = requestTimeout
    self.pollInterval = pollInterval
    self.retries = retries
    self.backoff = backoff
    self.maxBytes = maxBytes
    self.extra = extra
  }
}

/// Clips made elsewhere; see `FolderGenerator` for how they are found.
public struct FolderSettings: Sendable, Hashable, Codable {
  public var root: String

  public init(root: String) {
    self.root = root
  }
}
