// Runs: the runner takes scenarios through a generator and the analyzers, and keeps a record
// of every sample. Reports are written from these records alone.
import Analysis
import Foundation

/// A small frame of a clip, kept for the report's filmstrip.
public struct Thumbnail: Sendable, Hashable, Codable {
  /// 0-based frame index in the clip.
  public var frame: Int
  /// PNG bytes (base64 in JSON).
  public var png: Data

  public init(frame: Int, png: Data) {
    self.frame = frame
    self.png = png
  }
}

/// One scenario at one seed: what was generated and what the analyzers said.
public struct SampleRecord: Sendable, Hashable, Codable {
  public enum Status: String, Sendable, Hashable, Codable {
    /// Every check ran and found nothing that breaks what must hold.
    case passed
    /// Some check found a violation.
    case violated
    /// The clip could not be generated or analysed.
    case failed
    /// A clip was made, but no check it asks for has an analyzer in this version.
    case unjudged
  }

  public var scenarioID: String
  public var prompt: String
  public var seed: UInt64
  public var status: Status
  /// Why the sample failed to produce a clip or an analysis, when it did.
  public var failure: String?
  public var fps: Double
  public var frameCount: Int
  public var width: Int
  public var height: Int
  public var results: [AnalysisResult]
  /// Checks the scenario asks for that this version has no analyzer for.
  public var skippedChecks: [String] = []
  public var filmstrip: [Thumbnail]
  public var generationSeconds: Double
  public var analysisSeconds: Double

  public init(
    scenarioID: String, prompt: String, seed: UInt64, status: Status, failure: String? = nil,
    fps: Double = 0, frameCount: Int = 0, width: Int = 0, height: Int = 0,
    results: [AnalysisResult] = [], filmstrip: [Thumbnail] = [], generationSeconds: Double = 0,
    analysisSeconds: Double = 0
  ) {
    self.scenarioID = scenarioID
    self.prompt = prompt
    self.seed = seed
    self.status = status
    self.failure = failure
    self.fps = fps
    self.frameCount = frameCount
    self.width = width
    self.height = height
    self.results = results
    self.filmstrip = filmstrip
    self.generationSeconds = generationSeconds
    self.analysisSeconds = analysisSeconds
  }
}

/// A whole run: one generator over a list of scenarios and seeds.
public struct RunRecord: Sendable, Hashable, Codable {
  public var id: String
  public var generator: String
  public var plumblineVersion: String
  public var startedAt: Date
  public var finishedAt: Date?
  public var samples: [SampleRecord]

  public init(
    id: String, generator: String, plumblineVersion: String = Plumbline.version,
    startedAt: Date, finishedAt: Date? = nil, samples: [SampleRecord] = []
  ) {
    self.id = id
    self.generator = generator
    self.plumblineVersion = plumblineVersion
    self.startedAt = startedAt
    self.finishedAt = finishedAt
    self.samples = samples
  }

  public var passedCount: Int { samples.filter { $0.status == .passed }.count }
  public var violatedCount: Int { samples.filter { $0.status == .violated }.count }
  public var failedCount: Int { samples.filter { $0.status == .failed }.count }
  public var unjudgedCount: Int { samples.filter { $0.status == .unjudged }.count }

  /// "3 passed, 1 with violations, 0 failed" (and the unjudged, when there are any).
  public var tally: String {
    "\(passedCount) passed, \(violatedCount) with violations, \(failedCount) failed"
      + (unjudgedCount > 0 ? ", \(unjudgedCount) not judged" : "")
  }
}

public enum Plumbline {
  public static let version = "0.1.0"
}

/// How records become JSON everywhere (the store, results.json, exports): sorted keys, ISO
/// 8601 dates, and non-finite numbers as the strings "inf", "-inf" and "nan", which JSON
/// itself cannot hold.
public enum RecordJSON {
  public static func encoder(pretty: Bool = false) -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = pretty
      ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return encoder
  }

  public static func decoder() -> JSONDecoder {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return decoder
  }
}

extension RunRecord {
  /// The record without filmstrip thumbnails: what programs read; the pictures belong to
  /// the HTML.
  public var withoutFilmstrips: RunRecord {
    var slim = self
    for i in slim.samples.indices { slim.samples[i].filmstrip = [] }
    return slim
  }
}
