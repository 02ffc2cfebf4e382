import Analysis
import Foundation
import Runs

/// Writes a run's report folder: `report.html` for people, `results.json` and `results.csv`
/// for programs and spreadsheets.
public enum RunReport {
  /// Writes the three files into `directory` (created if needed) and returns the HTML's path.
  @discardableResult
  public static func write(_ run: RunRecord, to directory: String) throws -> String {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let folder = URL(fileURLWithPath: directory)
    try resultsJSON(run).write(to: folder.appendingPathComponent("results.json"), options: .atomic)
    try Data(RunExport.csv(run).utf8)
      .write(to: folder.appendingPathComponent("results.csv"), options: .atomic)
    let htmlPath = (directory as NSString).appendingPathComponent("report.html")
    try Data(html(run).utf8).write(to: URL(fileURLWithPath: htmlPath), options: .atomic)
    return htmlPath
  }

  /// Every measurement with its unit, every finding, every failure; thumbnails are left to
  /// the HTML so the JSON stays small.
  public static func resultsJSON(_ run: RunRecord) throws -> Data {
    try RecordJSON.encoder(pretty: true).encode(run.withoutFilmstrips)
  }

  /// The stable in-page link target of a sample, so deep links survive report rewrites.
  public static func anchor(_ sample: SampleRecord) -> String {
    "sample-" + slug(sample.scenarioID) + "-seed-\(sample.seed)"
  }

  /// The self-contained page: inline CSS, inline SVG, thumbnails as data URIs; its small
  /// script only adds the frame scrubber, and the page reads fully without it.
  public static func html(_ run: RunRecord) -> String {
    var page = """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>Plumbline run \(escapeHTML(run.id))</title>
      <style>\(pageStylesheet)\(stylesheet)</style></head><body>
      <header><h1>Plumbline run <code>\(escapeHTML(run.id))</code></h1>
      <p>Generator <b>\(escapeHTML(run.generator))</b> · \(run.samples.count) samples ·
      <span class="passed">\(run.passedCount) passed</span> ·
      <span class="violated">\(run.violatedCount) with violations</span> ·
      <span class="failed">\(run.failedCount) failed</span> ·
      started \(escapeHTML(timestamp(run.startedAt))) · Plumbline \(escapeHTML(run.plumblineVersion))</p>
      <p class="downloads">Download: <a href="results.json" download>results.json</a> ·
      <a href="results.csv" download>results.csv</a></p>
      </header>

      """
    let families = Dictionary(grouping: run.samples, by: { family(of: $0.scenarioID) })
    page += familyTable(families)
    for name in families.keys.sorted() {
      page += samplesTable(name, families[name]!)
    }
    for sample in run.samples {
      page += sampleSection(sample)
    }
    page += "<script>\(scrubberScript)\(pageReadyScript)</script>\n</body></html>\n"
    return page
  }

  static func family(of scenarioID: String) -> String {
    String(scenarioID.split(separator: "/").first ?? "")
  }

  /// Mean of the scores of one sample, or nil when nothing was scored.
  static func meanScore(_ samples: [SampleRecord]) -> Double? {
    let scores = samples.flatMap { $0.results.flatMap { $0.measurements.compactMap(\.score) } }
      .filter(\.isFinite)
    return scores.isEmpty ? nil : scores.reduce(0, +) / Double(scores.count)
  }

  /// One sentence per family that a reader can stop at.
  static func verdict(_ samples: [SampleRecord]) -> String {
    let failed = samples.filter { $0.status == .failed }
    let violated = samples.filter { $0.status == .violated }
    var parts: [String] = []
    let unjudged = samples.filter { $0.status == .unjudged }
    let judged = samples.count - failed.count - unjudged.count
    if violated.isEmpty && judged > 0 {
      parts.append(judged == 1 ? "The judged sample holds every check." : "All \(judged) judged samples hold every check.")
    }
    if let first = violated.first,
      let message = first.results.flatMap(\.findings).first(where: { $0.severity == .violation })?.message
    {
      parts.append("\(violated.count) of \(samples.count) samples break what must hold, e.g. \(first.scenarioID): \(message).")
    }
    if !failed.isEmpty {
      parts.append("\(failed.count) could not be generated or analysed.")
    }
    if !unjudged.isEmpty {
      parts.append("\(unjudged.count) not judged: no analyzer yet for their checks.")
    }
    return parts.joined(separator: " ")
  }

  private static func familyTable(_ families: [String: [SampleRecord]]) -> String {
    var rows = ""
    for name in families.keys.sorted() {
      let samples = families[name]!
      let count = { (status: SampleRecord.Status) in samples.filter { $0.status == status }.count }
      rows += """
        <tr><td><a href="#family-\(slug(name))">\(escapeHTML(name))</a></td><td class="num">\(samples.count)</td>\
        <td class="num passed">\(count(.passed))</td><td class="num violated">\(count(.violated))</td>\
        <td class="num failed">\(count(.failed))</td><td class="num">\(meanScore(samples).map { String(format: "%.3f", $0) } ?? "—")</td>\
        <td>\(escapeHTML(verdict(samples)))</td></tr>

        """
    }
    return """
      <section><h2>Families</h2><table class="families">
      <thead><tr><th>family</th><th>samples</th><th>passed</th><th>violations</th><th>failed</th><th>mean score</th><th>verdict</th></tr></thead>
      <tbody>
      \(rows)</tbody></table></section>

      """
  }

  private static func samplesTable(_ family: String, _ samples: [SampleRecord]) -> String {
    var rows = ""
    for sample in samples {
      let headline = sample.results.compactMap { result -> String? in
        guard let m = result.measurements.first(where: { $0.score != nil }) ?? result.measurements.first
        else { return nil }
        let score = m.score.map { " (score \(String(format: "%.2f", $0)))" } ?? ""
        return "\(escapeHTML(result.analyzer)).\(escapeHTML(m.name)) = \(m.value.map(formatNumber) ?? "—") \(escapeHTML(m.unit))\(score)"
      }
      let detail = sample.failure.map { "<span class=\"failed\">\(escapeHTML($0))</span>" }
        ?? headline.joined(separator: "<br>")
      let violations = sample.results.flatMap(\.findings).filter { $0.severity == .violation }.count
      rows += """
        <tr><td><a href="#\(anchor(sample))">\(escapeHTML(sample.scenarioID))</a></td>\
        <td class="num">\(sample.seed)</td><td class="\(sample.status.rawValue)">\(sample.status.rawValue)</td>\
        <td>\(detail)</td><td class="num">\(violations)</td></tr>

        """
    }
    return """
      <section id="family-\(slug(family))"><h2>\(escapeHTML(family))</h2><table class="summary">
      <thead><tr><th>scenario</th><th>seed</th><th>status</th><th>measurements</th><th>violations</th></tr></thead>
      <tbody>
      \(rows)</tbody></table></section>

      """
  }

  private static func sampleSection(_ sample: SampleRecord) -> String {
    let id = anchor(sample)
    var html = """
      <section class="sample" id="\(id)">
      <h2><a class="self" href="#\(id)">\(escapeHTML(sample.scenarioID))</a> <small>seed \(sample.seed)</small>
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
    html += filmstrip(sample)
    for result in sample.results {
      html += analysisBlock(result, fps: sample.fps)
    }
    return html + "</section>\n"
  }

  /// The thumbnails, with frames that a finding points at outlined, and a scrubber that the
  /// page script brings to life.
  private static func filmstrip(_ sample: SampleRecord) -> String {
    guard !sample.filmstrip.isEmpty else { return "" }
    let flagged = Set(sample.results.flatMap(\.findings).filter { $0.severity != .info }.flatMap(\.frames))
    let shown = sample.filmstrip.map(\.frame)
    // A finding's frame is marked on the nearest thumbnail, since not every frame is kept.
    let marked = Set(flagged.compactMap { frame in shown.min { abs($0 - frame) < abs($1 - frame) } })
    var html = "<div class=\"scrubber\" hidden><img alt=\"\"><input type=\"range\" min=\"0\" max=\"\(sample.filmstrip.count - 1)\" value=\"0\" aria-label=\"frame\"><output></output></div>\n"
    html += "<div class=\"filmstrip\">"
    for thumb in sample.filmstrip {
      let time = sample.fps > 0 ? " · \(formatNumber(Double(thumb.frame) / sample.fps)) s" : ""
      let mark = marked.contains(thumb.frame) ? " class=\"marked\" title=\"a finding points here\"" : ""
      html += "<figure\(mark)><img alt=\"frame \(thumb.frame)\" src=\"data:image/png;base64,\(thumb.png.base64EncodedString())\"><figcaption>frame \(thumb.frame)\(time)</figcaption></figure>"
    }
    return html + "</div>\n"
  }

  private static func analysisBlock(_ result: AnalysisResult, fps: Double) -> String {
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
    let formulas = result.measurements.compactMap { m in m.scoreFormula.map { (m.name, $0) } }
    if !formulas.isEmpty {
      html += "<details><summary>score formulas</summary><ul>"
      html += formulas.map { "<li><b>\(escapeHTML($0.0))</b>: \(escapeHTML($0.1))</li>" }.joined()
      html += "</ul></details>\n"
    }
    if !result.findings.isEmpty {
      html += "<ul class=\"findings\">"
      for finding in result.findings {
        let frames = finding.frames.isEmpty
          ? ""
          : " <small>(frames \(finding.frames.map(String.init).joined(separator: ", "))\(fps > 0 ? ", " + finding.frames.map { formatNumber(Double($0) / fps) + " s" }.joined(separator: ", ") : ""))</small>"
        html += "<li class=\"\(finding.severity.rawValue)\">\(escapeHTML(finding.message))\(frames)</li>"
      }
      html += "</ul>\n"
    }
    // Series sharing a unit share a chart, so a fit is drawn over what it fits.
    var groups: [(unit: String, series: [Series])] = []
    for series in result.evidence.series {
      if let i = groups.firstIndex(where: { $0.unit == series.yUnit && $0.series[0].xUnit == series.xUnit }) {
        groups[i].series.append(series)
      } else {
        groups.append((series.yUnit, [series]))
      }
    }
    if !groups.isEmpty {
      html += "<div class=\"plots\">"
      html += groups.map { SVGPlot.chart($0.series, title: $0.series[0].name) }.joined(separator: "\n")
      html += "</div>\n"
    }
    return html + "</div>\n"
  }

  private static func timestamp(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: date)
  }

  /// Shows the scrubber above each filmstrip: the range input steps through the thumbnails.
  static let scrubberScript = """
    document.querySelectorAll('.sample').forEach(function(section) {
      var strip = section.querySelectorAll('.filmstrip img');
      var scrubber = section.querySelector('.scrubber');
      if (!scrubber || strip.length === 0) return;
      var big = scrubber.querySelector('img'), range = scrubber.querySelector('input'),
          label = scrubber.querySelector('output');
      function show(i) {
        big.src = strip[i].src;
        big.alt = strip[i].alt;
        label.textContent = strip[i].nextElementSibling.textContent;
      }
      range.addEventListener('input', function() { show(+range.value); });
      strip.forEach(function(img, i) {
        img.addEventListener('click', function() { range.value = i; show(i); });
      });
      show(0);
      scrubber.hidden = false;
    });

    """

  private static let stylesheet = """
    .families td:last-child{max-width:34rem}
    .badge{font-size:.75rem;border:1px solid currentColor;border-radius:4px;padding:0 .35rem;margin-left:.5rem}
    .prompt{font-style:italic;color:#454d5e}.meta{color:#5c6577;font-size:.9rem}
    .failure{background:#fff0f3;border-left:4px solid #a61e4d;padding:.4rem .6rem}
    .filmstrip{display:flex;gap:4px;overflow-x:auto}.filmstrip figure{margin:0;border:2px solid transparent}
    .filmstrip figure.marked{border-color:#c92a2a}
    .filmstrip img{display:block;height:80px;cursor:pointer}
    .scrubber{display:flex;flex-direction:column;align-items:flex-start;gap:4px;margin:.5rem 0}
    .scrubber img{height:288px}.scrubber input{width:320px}
    figcaption{font-size:.75rem;color:#5c6577}
    .findings li.violation{color:#c92a2a}.findings li.warning{color:#b35c00}
    .plots{display:flex;flex-wrap:wrap;gap:1rem}
    a.self{color:inherit;text-decoration:none}
    """
}
