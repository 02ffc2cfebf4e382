import Analysis
import Foundation

/// Line and scatter charts as inline SVG, so a report needs no script and no network.
enum SVGPlot {
  static let palette = ["#1f5fbf", "#d9480f", "#2b8a3e", "#7048e8"]

  /// Draws each series on shared axes: the first as points, the rest as lines.
  static func chart(_ series: [Series], title: String, width: Int = 480, height: Int = 260) -> String {
    let points = series.flatMap { zip($0.x, $0.y) }.filter { $0.0.isFinite && $0.1.isFinite }
    guard let first = series.first, !points.isEmpty else { return "" }
    let left = 56.0, right = 12.0, top = 24.0, bottom = 40.0
    let plotWidth = Double(width) - left - right
    let plotHeight = Double(height) - top - bottom
    let xTicks = niceTicks(points.map(\.0))
    let yTicks = niceTicks(points.map(\.1))
    let (x0, x1) = (xTicks.first!, xTicks.last!)
    let (y0, y1) = (yTicks.first!, yTicks.last!)
    func px(_ x: Double) -> Double { left + (x - x0) / max(x1 - x0, 1e-12) * plotWidth }
    func py(_ y: Double) -> Double { top + (1 - (y - y0) / max(y1 - y0, 1e-12)) * plotHeight }
    func f(_ v: Double) -> String { String(format: "%.1f", v) }

    var svg = """
      <svg class="plot" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(width) \(height)" \
      width="\(width)" height="\(height)" role="img" aria-label="\(escapeHTML(title))">
      <text x="\(f(left))" y="14" class="plot-title">\(escapeHTML(title))</text>

      """
    for tick in xTicks {
      svg += "<line x1=\"\(f(px(tick)))\" y1=\"\(f(top))\" x2=\"\(f(px(tick)))\" y2=\"\(f(top + plotHeight))\" class=\"grid\"/>"
      svg += "<text x=\"\(f(px(tick)))\" y=\"\(f(top + plotHeight + 14))\" class=\"tick\" text-anchor=\"middle\">\(formatNumber(tick))</text>\n"
    }
    for tick in yTicks {
      svg += "<line x1=\"\(f(left))\" y1=\"\(f(py(tick)))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(py(tick)))\" class=\"grid\"/>"
      svg += "<text x=\"\(f(left - 6))\" y=\"\(f(py(tick) + 4))\" class=\"tick\" text-anchor=\"end\">\(formatNumber(tick))</text>\n"
    }
    svg += "<text x=\"\(f(left + plotWidth / 2))\" y=\"\(height - 6)\" class=\"axis\" text-anchor=\"middle\">\(escapeHTML(first.xUnit))</text>\n"
    svg += "<text x=\"14\" y=\"\(f(top + plotHeight / 2))\" class=\"axis\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(f(top + plotHeight / 2)))\">\(escapeHTML(first.yUnit))</text>\n"

    for (n, s) in series.enumerated() {
      let colour = palette[n % palette.count]
      let pairs = zip(s.x, s.y).filter { $0.0.isFinite && $0.1.isFinite }
      if n == 0 {
        for (x, y) in pairs {
          svg += "<circle cx=\"\(f(px(x)))\" cy=\"\(f(py(y)))\" r=\"2.5\" fill=\"\(colour)\"/>"
        }
      } else {
        let path = pairs.map { "\(f(px($0.0))),\(f(py($0.1)))" }.joined(separator: " ")
        svg += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
      }
      let legendX = left + plotWidth - 150
      let legendY = top + 14 + Double(n) * 16
      svg += "\n<rect x=\"\(f(legendX))\" y=\"\(f(legendY - 9))\" width=\"10\" height=\"10\" fill=\"\(colour)\"/>"
      svg += "<text x=\"\(f(legendX + 14))\" y=\"\(f(legendY))\" class=\"legend\">\(escapeHTML(s.name))</text>\n"
    }
    svg += "</svg>"
    return svg
  }

  /// Round tick values (1, 2 or 5 × 10^k apart) that cover the data.
  static func niceTicks(_ values: [Double], count: Int = 5) -> [Double] {
    var low = values.min() ?? 0
    var high = values.max() ?? 1
    if high - low < 1e-9 {
      low -= 0.5
      high += 0.5
    }
    let raw = (high - low) / Double(count)
    let power = pow(10, floor(log10(raw)))
    let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw } ?? 10 * power
    let start = floor(low / step) * step
    let end = ceil(high / step) * step
    return stride(from: start, through: end + step / 2, by: step).map { ($0 / step).rounded() * step }
  }
}
