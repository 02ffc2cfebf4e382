import Analysis
import Foundation
import Runs

/// A run in the formats other tools read. Thumbnails stay out: they belong to the HTML.
public enum RunExport {
  public enum Format: String, CaseIterable, Sendable {
    case json, jsonl, csv
  }

  public static func data(_ run: RunRecord, as format: Format) throws -> Data {
    switch format {
    case .json: return try RunReport.resultsJSON(run)
    case .jsonl: return try jsonLines(run)
    case .csv: return Data(csv(run).utf8)
    }
  }

  /// One JSON object per line, one line per sample, each carrying its run's id.
  static func jsonLines(_ run: RunRecord) throws -> Data {
    struct Line: Encodable {
      var runID: String
      var generator: String
      var sample: SampleRecord
    }
    let encoder = RecordJSON.encoder()
    var out = Data()
    for sample in run.withoutFilmstrips.samples {
      out += try encoder.encode(Line(runID: run.id, generator: run.generator, sample: sample))
      out += Data("\n".utf8)
    }
    return out
  }

  /// One row per measurement (RFC 4180 quoting); a failed sample gets one row with its
  /// reason so that it is not silently missing from a spreadsheet.
  public static func csv(_ run: RunRecord) -> String {
    var rows = [
      [
        "run", "generator", "scenario", "seed", "status", "analyzer", "subject", "measurement",
        "value", "unit", "reference", "score", "failure",
      ]
    ]
    func number(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
    for sample in run.samples {
      let head = [run.id, run.generator, sample.scenarioID, "\(sample.seed)", sample.status.rawValue]
      if sample.results.isEmpty {
        rows.append(head + ["", "", "", "", "", "", "", sample.failure ?? ""])
      }
      for result in sample.results {
        for m in result.measurements {
          rows.append(
            head + [
              result.analyzer, result.subject ?? "", m.name, number(m.value), m.unit,
              number(m.reference), number(m.score), sample.failure ?? "",
            ])
        }
      }
    }
    return rows.map { $0.map(csvField).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
  }

  static func csvField(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
      return text
    }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
