/// Why an external generator gave no usable clip. The message is what the sample records, so
/// it names the generator's own words (exit status, HTTP status, the file that was missing).
public struct GeneratorError: Error, CustomStringConvertible, Sendable, Equatable {
  public let description: String
  /// Worth trying again: a crash, timeout, 5xx or network error, as opposed to a request the
  /// generator will refuse every time.
  public let isTransient: Bool

  public init(_ description: String, transient: Bool = false) {
    self.description = description
    self.isTransient = transient
  }
}
