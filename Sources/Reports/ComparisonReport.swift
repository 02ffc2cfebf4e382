import Analysis
import Foundation
import Runs

/// The comparison page: a leaderboard of the runs, a radar of family scores, and each
/// metric's paired difference against the baseline with its interval and verdict.
public enum ComparisonReport {
  /// Mean score of every scored measurement in a family, per run; the leaderboard's cells.
  public static func familyScores(_ run: RunRecord) -> [String: Double] {
    var sums: [String: (Double, Int)] = [:]
    for sample in run.samples where sample.status != .failed {
      let family = String(sample.scenarioID.split(separator: "/").first ?? "")
      for result in sample.results {
        for score in result.measurements.compactMap(\.score) where score.isFinite {
          let key = result.analyzer == "temporal" ? "temporal quality" : family
          sums[key, default: (0, 0)].0 += score
          sums[key, default: (0, 0)].1 += 1
        }
      }
    }
    return sums.mapValues { $0.0 / Double($0.1) }
  }

  @discardableResult
  public static func write(
    baseline: RunRecord, candidates: [(RunRecord, [MetricComparison])], to directory: String
  ) throws -> String {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let path = (directory as NSString).appendingPathComponent("compare.html")
    try Data(html(baseline: baseline, candidates: candidates).utf8)
      .write(to: URL(fileURLWithPath: path), options: .atomic)
    return path
  }

  public static func html(baseline: RunRecord, candidates: [(RunRecord, [MetricComparison])]) -> String {
    let runs = [baseline] + candidates.map(\.0)
    let scores = runs.map(familyScores)
    let families = Set(scores.flatMap(\.keys)).sorted()
    var page = """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>Plumbline comparison</title><style>\(pageStylesheet)\(stylesheet)</style></head><body>
      <h1>Checkpoint comparison</h1>
      <p>Baseline <b>\(escapeHTML(baseline.generator))</b> (run <code>\(escapeHTML(baseline.id))</code>)
      against \(candidates.map { "<b>\(escapeHTML($0.0.generator))</b>" }.joined(separator: ", ")).
      Scores are 1 at best; differences are candidate − baseline with a 95% paired bootstrap
      interval over scenarios and seeds.</p>
      <h2>Leaderboard</h2>
      <table class="sortable" id="leaderboard"><thead><tr><th>checkpoint</th><th>run</th>
      \(families.map { "<th data-sort=\"number\">\(escapeHTML($0))</th>" }.joined())<th data-sort="number">mean</th></tr></thead><tbody>

      """
    for (run, score) in zip(runs, scores) {
      let values = families.map { score[$0] }
      let present = values.compactMap { $0 }
      let overall = present.isEmpty ? nil : present.reduce(0, +) / Double(present.count)
      page += "<tr><td>\(escapeHTML(run.generator))</td><td><code>\(escapeHTML(run.id))</code></td>"
      page += (values + [overall]).map { v in
        "<td class=\"num\" data-value=\"\(v.map { "\($0)" } ?? "")\">\(v.map { String(format: "%.3f", $0) } ?? "—")</td>"
      }.joined()
      page += "</tr>\n"
    }
    page += "</tbody></table>\n"
    page += radar(families: families, runs: runs, scores: scores)
    for (run, rows) in candidates {
      page += "<h2>\(escapeHTML(run.generator)) against \(escapeHTML(baseline.generator))</h2>\n"
      page += "<table><thead><tr><th>metric</th><th>family</th><th>pairs</th><th>baseline</th><th>candidate</th><th>difference [95% CI]</th><th>verdict</th><th>most changed</th></tr></thead><tbody>\n"
      for row in rows {
        let changed = row.largestChanges.map {
          "\(escapeHTML($0.scenarioID)) seed \($0.seed): \(String(format: "%.3f → %.3f", $0.baseline, $0.candidate))"
        }.joined(separator: "<br>")
        page += """
          <tr><td>\(escapeHTML(row.metric))</td><td>\(escapeHTML(row.family))</td><td class="num">\(row.pairs)</td>\
          <td class="num">\(String(format: "%.3f", row.baselineMean))</td><td class="num">\(String(format: "%.3f", row.candidateMean))</td>\
          <td class="num">\(String(format: "%+.3f [%+.3f, %+.3f]", row.difference, row.lower, row.upper))</td>\
          <td class="verdict \(row.verdict == .worse ? "worse" : row.verdict == .better ? "better" : "same")">\(row.verdict.rawValue)</td><td>\(changed)</td></tr>

          """
      }
      page += "</tbody></table>\n"
    }
    page += "<script>\(sortScript)\(pageReadyScript)</script></body></html>\n"
    return page
  }

  /// One polygon per run over the family axes, 0 at the centre and 1 at the rim.
  static func radar(families: [String], runs: [RunRecord], scores: [[String: Double]]) -> String {
    guard families.count >= 3 else { return "" }
    let size = 320.0, centre = 160.0, radius = 110.0
    func point(_ axis: Int, _ value: Double) -> (Double, Double) {
      let angle = -Double.pi / 2 + 2 * Double.pi * Double(axis) / Double(families.count)
      return (centre + radius * value * cos(angle), centre + radius * value * sin(angle))
    }
    var svg = "<svg class=\"radar\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(size) + 200) \(Int(size))\" width=\"\(Int(size) + 200)\" height=\"\(Int(size))\" role=\"img\" aria-label=\"family scores\">"
    for ring in [0.25, 0.5, 0.75, 1.0] {
      let pts = families.indices.map { point($0, ring) }.map { String(format: "%.1f,%.1f", $0.0, $0.1) }
      svg += "<polygon points=\"\(pts.joined(separator: " "))\" fill=\"none\" stroke=\"#d8dce6\"/>"
    }
    for (i, family) in families.enumerated() {
      let (x, y) = point(i, 1.12)
      svg += "<line x1=\"\(centre)\" y1=\"\(centre)\" x2=\"\(String(format: "%.1f", point(i, 1).0))\" y2=\"\(String(format: "%.1f", point(i, 1).1))\" stroke=\"#d8dce6\"/>"
      svg += "<text x=\"\(String(format: "%.1f", x))\" y=\"\(String(format: "%.1f", y))\" text-anchor=\"middle\" class=\"tick\">\(escapeHTML(family))</text>"
    }
    for (n, (run, score)) in zip(runs, scores).enumerated() {
      let colour = SVGPlot.palette[n % SVGPlot.palette.count]
      let pts = families.enumerated().map { point($0.offset, score[$0.element] ?? 0) }
        .map { String(format: "%.1f,%.1f", $0.0, $0.1) }
      svg += "<polygon points=\"\(pts.joined(separator: " "))\" fill=\"\(colour)\" fill-opacity=\"0.15\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
      svg += "<rect x=\"\(Int(size) + 10)\" y=\"\(20 + n * 18)\" width=\"10\" height=\"10\" fill=\"\(colour)\"/><text x=\"\(Int(size) + 26)\" y=\"\(29 + n * 18)\" class=\"legend\">\(escapeHTML(run.generator))</text>"
    }
    return svg + "</svg>\n"
  }

  /// Click a header to sort; numbers sort as numbers, and a second click reverses.
  static let sortScript = """
    document.querySelectorAll('table.sortable th').forEach(function(th, column) {
      th.style.cursor = 'pointer';
      th.addEventListener('click', function() {
        var body = th.closest('table').tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var numeric = th.dataset.sort === 'number';
        var descending = th.dataset.order !== 'desc';
        th.dataset.order = descending ? 'desc' : 'asc';
        rows.sort(function(a, b) {
          var x = a.cells[column], y = b.cells[column];
          var d = numeric ? (parseFloat(x.dataset.value) || -1) - (parseFloat(y.dataset.value) || -1)
                          : x.textContent.localeCompare(y.textContent);
          return descending ? -d : d;
        });
        rows.forEach(function(r) { body.appendChild(r); });
      });
    });
    """

  static let stylesheet = """
    .worse{color:#c92a2a;font-weight:600}.better{color:#2b8a3e;font-weight:600}.same{color:#5c6577}
    .radar .tick,.radar .legend{font-size:12px;fill:#454d5e}
    """
}
