import Foundation
import Runs

/// A folder that can be published as a static site: an index page linking each run's report
/// and, for two or more runs, the comparison of the others against the first.
public enum Site {
  /// Writes the site into `directory` and returns the index page's path.
  @discardableResult
  public static func write(runs: [RunRecord], to directory: String) throws -> String {
    precondition(!runs.isEmpty, "a site needs at least one run")
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    for run in runs {
      try RunReport.write(run, to: (directory as NSString).appendingPathComponent("runs/\(slug(run.id))"))
    }
    var comparison: String?
    if runs.count > 1 {
      let baseline = runs[0]
      let candidates = runs.dropFirst().map { ($0, RunComparison().compare(baseline: baseline, candidate: $0)) }
      try ComparisonReport.write(
        baseline: baseline, candidates: candidates,
        to: (directory as NSString).appendingPathComponent("compare"))
      comparison = "compare/compare.html"
    }
    let index = (directory as NSString).appendingPathComponent("index.html")
    try Data(indexPage(runs, comparison: comparison).utf8).write(to: URL(fileURLWithPath: index), options: .atomic)
    return index
  }

  static func indexPage(_ runs: [RunRecord], comparison: String?) -> String {
    var rows = ""
    for run in runs {
      let scores = ComparisonReport.familyScores(run)
      let mean = scores.isEmpty ? "—" : String(format: "%.3f", scores.values.reduce(0, +) / Double(scores.count))
      rows += """
        <tr><td><a href="runs/\(slug(run.id))/report.html">\(escapeHTML(run.id))</a></td>\
        <td>\(escapeHTML(run.generator))</td><td class="num">\(run.samples.count)</td>\
        <td>\(escapeHTML(run.tally))</td><td class="num">\(mean)</td></tr>

        """
    }
    let compareLink = comparison.map {
      "<h2>Comparison</h2><p><a href=\"\($0)\">Every run against \(escapeHTML(runs[0].generator)) (\(escapeHTML(runs[0].id)))</a></p>"
    } ?? ""
    return """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>Plumbline reports</title><style>\(pageStylesheet)</style></head><body>
      <h1>Plumbline reports</h1>
      <h2>Runs</h2><table><thead><tr><th>run</th><th>generator</th><th>samples</th><th>outcome</th><th>mean score</th></tr></thead><tbody>
      \(rows)</tbody></table>
      \(compareLink)
      <script>\(pageReadyScript)</script></body></html>

      """
  }
}
