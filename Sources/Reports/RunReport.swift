import Analysis
import Foundation
import Runs

/// Writes a run's report folder: `report.html` for people, `results.json` for programs.
public enum RunReport {
  /// Writes both files into `directory` (created if needed) and returns the HTML's path.
  @discardableResult
  public static func write(_ run: RunRecord, to directory: String) throws -> String {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try resultsJSON(run).write(
      to: URL(fileURLWithPath: directory).appendingPathComponent("results.json"), options: .atomic)
    let htmlPath = (directory as NSString).appendingPathComponent("report.html")
    try Data(html(run).utf8).write(to: URL(fileURLWithPath: htmlPath), options: .atomic)
    return htmlPath
  }

  /// Every measurement with its unit, every finding, every failure; thumbnails are left to
  /// the HTML so the JSON stays small.
  public static func resultsJSON(_ run: RunRecord) throws -> Data {
    var slim = run
    for i in slim.samples.indices { slim.samples[i].filmstrip = [] }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return try encoder.encode(slim)
  }

  /// The self-contained page: inline CSS, inline SVG, thumbnails as data URIs, no script.
  public static func html(_ run: RunRecord) -> String {
    var page = """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>Plumbline run \(escapeHTML(run.id))</title>
      <style>\(stylesheet)</style></head><body>
      <header><h1>Plumbline run <code>\(escapeHTML(run.id))</code></h1>
      <p>Generator <b>\(escapeHTML(run.generator))</b> · \(run.samples.count) samples ·
      <span class="passed">\(run.passedCount) passed</span> ·
      <span class="violated">\(run.violatedCount) with violations</span> ·
      <span class="failed">\(run.failedCount) failed</span> ·
      started \(escapeHTML(timestamp(run.startedAt))) · Plumbline \(escapeHTML(run.plumblineVersion))</p>
      </header>

      """
    page += summaryTable(run)
    for (index, sample) in run.samples.enumerated() {
      page += sampleSection(sample, anchor: anchor(index, sample))
    }
    page += "<footer>Machine-readable results: <a href=\"results.json\">results.json</a></footer>\n"
    page += "</body></html>\n"
    return page
  }

  private static func anchor(_ index: Int, _ sample: SampleRecord) -> String {
    let slug = sample.scenarioID.map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
    return "s\(index)-\(slug)-seed\(sample.seed)"
  }

  private static func summaryTable(_ run: RunRecord) -> String {
    var rows = ""
    for (index, sample) in run.samples.enumerated() {
      let headline = sample.results.flatMap(\.measurements).first
      let value = headline.map { m in
        "\(escapeHTML(m.name)) = \(m.value.map(formatNumber) ?? "—") \(escapeHTML(m.unit))"
      } ?? ""
      let findings = sample.results.flatMap(\.findings).filter { $0.severity == .violation }.count
      rows += """
        <tr><td><a href="#\(anchor(index, sample))">\(escapeHTML(sample.scenarioID))</a></td>
        <td>\(sample.seed)</td><td class="\(sample.status.rawValue)">\(sample.status.rawValue)</td>
        <td>\(value)</td><td>\(findings)</td></tr>

        """
    }
    return """
      <section><h2>Samples</h2><table class="summary">
      <thead><tr><th>scenario</th><th>seed</th><th>status</th><th>headline measurement</th><th>violations</th></tr></thead>
      <tbody>
      \(rows)</tbody></table></section>

      """
  }

  private static func sampleSection(_ sample: SampleRecord, anchor: String) -> String {
    var html = """
      <section class="sample" id="\(anchor)">
      <h2>\(escapeHTML(sample.scenarioID)) <small>seed \(sample.seed)</small>
      <span class="badge \(sample.status.rawValue)">\(sample.status.rawValue)</span></h2>
      <p class="prompt">“\(escapeHTML(sample.prompt))”</p>

      """
    if sample.frameCount > 0 {
      html += "<p class=\"meta\">\(sample.frameCount) frames, \(sample.width)×\(sample.height) at \(formatNumber(sample.fps)) fps; generated in \(formatNumber(sample.generationSeconds)) s, analysed in \(formatNumber(sample.analysisSeconds)) s</p>\n"
    }
    if let failure = sample.failure {
      html += "<p class=\"failure\">\(escapeHTML(failure))</p>\n"
    }
    if !sample.skippedChecks.isEmpty {
      let names = sample.skippedChecks.map(escapeHTML).joined(separator: ", ")
      html += "<p class=\"meta\">Not judged: this version has no analyzer for \(names).</p>\n"
    }
    if !sample.filmstrip.isEmpty {
      html += "<div class=\"filmstrip\">"
      for thumb in sample.filmstrip {
        let time = sample.fps > 0 ? " · \(formatNumber(Double(thumb.frame) / sample.fps)) s" : ""
        html += "<figure><img alt=\"frame \(thumb.frame)\" src=\"data:image/png;base64,\(thumb.png.base64EncodedString())\"><figcaption>frame \(thumb.frame)\(time)</figcaption></figure>"
      }
      html += "</div>\n"
    }
    for result in sample.results {
      html += analysisBlock(result)
    }
    return html + "</section>\n"
  }

  private static func analysisBlock(_ result: AnalysisResult) -> String {
    let subject = result.subject.map { " of <b>\(escapeHTML($0))</b>" } ?? ""
    var html = "<div class=\"analysis\"><h3>\(escapeHTML(result.analyzer))\(subject)</h3>\n"
    html += "<table><thead><tr><th>measurement</th><th>value</th><th>unit</th><th>expected</th><th>score</th></tr></thead><tbody>\n"
    for m in result.measurements {
      let score = m.score.map { s in
        "<span title=\"\(escapeHTML(m.scoreFormula ?? ""))\">\(formatNumber(s))</span>"
      } ?? ""
      html += "<tr><td>\(escapeHTML(m.name))</td><td class=\"num\">\(m.value.map(formatNumber) ?? "—")</td><td>\(escapeHTML(m.unit))</td><td class=\"num\">\(m.reference.map(formatNumber) ?? "")</td><td class=\"num\">\(score)</td></tr>\n"
    }
    html += "</tbody></table>\n"
    if !result.findings.isEmpty {
      html += "<ul class=\"findings\">"
      for finding in result.findings {
        let frames = finding.frames.isEmpty
          ? "" : " <small>(frames \(finding.frames.map(String.init).joined(separator: ", ")))</small>"
        html += "<li class=\"\(finding.severity.rawValue)\">\(escapeHTML(finding.message))\(frames)</li>"
      }
      html += "</ul>\n"
    }
    if !result.evidence.series.isEmpty {
      html += SVGPlot.chart(result.evidence.series, title: result.evidence.series[0].name) + "\n"
    }
    return html + "</div>\n"
  }

  private static func timestamp(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: date)
  }

  private static let stylesheet = """
    body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1rem 1.5rem;color:#1d2330}
    h1{font-size:1.5rem}h2{font-size:1.2rem;border-top:1px solid #d8dce6;padding-top:1rem}
    code{font-size:.95em}table{border-collapse:collapse;margin:.5rem 0}
    th,td{padding:.25rem .6rem;border-bottom:1px solid #e4e7ee;text-align:left}
    td.num{text-align:right;font-variant-numeric:tabular-nums}
    .passed{color:#2b8a3e}.violated{color:#c92a2a}.failed{color:#a61e4d}
    .badge{font-size:.75rem;border:1px solid currentColor;border-radius:4px;padding:0 .35rem;margin-left:.5rem}
    .prompt{font-style:italic;color:#454d5e}.meta{color:#5c6577;font-size:.9rem}
    .failure{background:#fff0f3;border-left:4px solid #a61e4d;padding:.4rem .6rem}
    .filmstrip{display:flex;gap:4px;overflow-x:auto}.filmstrip figure{margin:0}
    .filmstrip img{display:block;height:96px;image-rendering:auto}
    figcaption{font-size:.75rem;color:#5c6577}
    .findings li.violation{color:#c92a2a}.findings li.warning{color:#b35c00}
    .plot .grid{stroke:#e4e7ee}.plot .tick,.plot .legend{font-size:11px;fill:#454d5e}
    .plot .axis,.plot .plot-title{font-size:12px;fill:#1d2330}
    footer{margin-top:2rem;color:#5c6577;font-size:.9rem}
    """
}
