// Generators: everything that turns a GenerationRequest into a Clip. The reference engine is
// one generator among others; nothing downstream knows which one made a clip.
import Media
import Scenarios

/// What a generator is asked for. Everything a model needs travels here, so that a
/// generator never reads scenario files itself.
public struct GenerationRequest: Sendable, Hashable, Codable {
  public var scenarioID: String
  public var prompt: String
  public var seed: UInt64
  public var width: Int
  public var height: Int
  public var fps: Double
  public var frameCount: Int
  /// The full scene, for generators that simulate it (the reference engine) rather than
  /// read the prompt.
  public var scenario: Scenario

  public init(scenario: Scenario, seed: UInt64) {
    self.scenarioID = scenario.id
    self.prompt = scenario.prompt
    self.seed = seed
    self.width = scenario.clip.width
    self.height = scenario.clip.height
    self.fps = scenario.clip.fps
    self.frameCount = scenario.clip.frameCount
    self.scenario = scenario
  }
}

/// Anything that makes a clip from a request.
public protocol Generator: Sendable {
  /// The name the run records and reports show, e.g. `reference` or `reference:vanish`.
  var name: String { get }
  func generate(_ request: GenerationRequest) async throws -> Clip
  /// The clip and where it came from; a generator that reads clips back from a cache says
  /// so, for progress displays. By default every clip is freshly generated.
  func clip(for request: GenerationRequest) async throws -> (clip: Clip, origin: ClipOrigin)
}

/// Whether a clip was made for this request or read back from the clip cache.
public enum ClipOrigin: Sendable, Hashable {
  case generated, cached
}

extension Generator {
  public func clip(for request: GenerationRequest) async throws -> (clip: Clip, origin: ClipOrigin) {
    (try await generate(request), .generated)
  }
}

/// A generator name on the command line that no adapter understands.
public struct UnknownGeneratorError: Error, CustomStringConvertible {
  public let name: String
  public let known: [String]
  /// The generators file that was searched, if any.
  public var file: String? = nil
  public var description: String {
    let searched = file.map { " in \($0) or built in" } ?? ""
    return "unknown generator '\(name)'\(searched) (known: \(known.joined(separator: ", ")))"
  }
}

/// Builds a generator from its command-line name.
public enum GeneratorRegistry {
  /// The built-in names as an error lists them: the reference engine, and the pattern of
  /// its controlled defects (`ReferenceGenerator.defectNames` lists each).
  public static let known = ["reference", "reference:<defect>[=strength]"]

  /// `reference`, or `reference:<defect>[=strength]` such as `reference:gravity=0.5`.
  public static func make(_ name: String) throws -> any Generator {
    if let reference = try ReferenceGenerator.parse(name) { return reference }
    throw UnknownGeneratorError(name: name, known: known)
  }
}
