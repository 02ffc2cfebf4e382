import Foundation
import Media

/// Clips made elsewhere, found by scenario id and seed under `root`. For `falling-cups/drop-1m`
/// seed 2 the first of these that exists is used:
///
/// 1. `<root>/falling-cups/drop-1m/seed-2.<ext>`, ext one of mp4, webm, gif, y4m
/// 2. `<root>/falling-cups/drop-1m/seed-2/` (a folder of numbered PNG frames)
/// 3. `<root>/falling-cups__drop-1m_s2.<ext>`
/// 4. `<root>/falling-cups__drop-1m_s2/`
///
/// The clip's frame rate is taken to be the scenario's.
public struct FolderGenerator: Generator {
  public let name: String
  public let root: String

  public static let extensions = ["mp4", "webm", "gif", "y4m"]

  public init(name: String, root: String) {
    self.name = name
    self.root = root
  }

  /// The candidate paths for one sample, in the order they are tried, relative to `root`.
  public static func candidates(scenarioID: String, seed: UInt64) -> [String] {
    let nested = "\(scenarioID)/seed-\(seed)"
    let flat = "\(scenarioID.replacingOccurrences(of: "/", with: "__"))_s\(seed)"
    return extensions.map { "\(nested).\($0)" } + [nested] + extensions.map { "\(flat).\($0)" } + [
      flat
    ]
  }

  /// The clip for a sample, or nil when none of the candidates exists.
  public func locate(scenarioID: String, seed: UInt64) -> String? {
    Self.candidates(scenarioID: scenarioID, seed: seed)
      .map { (root as NSString).appendingPathComponent($0) }
      .first { FileManager.default.fileExists(atPath: $0) }
  }

  /// One line per sample with no clip, naming where it was expected; empty when all are there.
  public func missing(_ samples: [(scenarioID: String, seed: UInt64)]) -> [String] {
    samples.filter { locate(scenarioID: $0.scenarioID, seed: $0.seed) == nil }.map {
      "\($0.scenarioID) seed \($0.seed): expected \(Self.expectation(scenarioID: $0.scenarioID, seed: $0.seed))"
    }
  }

  static func expectation(scenarioID: String, seed: UInt64) -> String {
    let flat = "\(scenarioID.replacingOccurrences(of: "/", with: "__"))_s\(seed)"
    let exts = extensions.joined(separator: ",")
    return
      "\(scenarioID)/seed-\(seed).{\(exts)} or \(flat).{\(exts)} (or a PNG folder of that name)"
  }

  public func generate(_ request: GenerationRequest) async throws -> Clip {
    guard let path = locate(scenarioID: request.scenarioID, seed: request.seed) else {
      throw GeneratorError(
        "no clip in \(root) for \(request.scenarioID) seed \(request.seed): expected "
          + Self.expectation(scenarioID: request.scenarioID, seed: request.seed))
    }
    return try await ClipDecoder.load(path: path, fps: request.fps).verify(
      answers: request, source: path)
  }
}
