// Reports: turn run records into files people read (HTML) and programs read (JSON).
// Reports read only the records, never a generator or a clip.

/// Text from outside (prompts, names, error messages) made safe for HTML text and attributes.
func escapeHTML(_ text: String) -> String {
  var out = ""
  out.reserveCapacity(text.utf8.count)
  for character in text {
    switch character {
    case "&": out += "&amp;"
    case "<": out += "&lt;"
    case ">": out += "&gt;"
    case "\"": out += "&quot;"
    case "'": out += "&#39;"
    default: out.append(character)
    }
  }
  return out
}

/// A number for people: whole numbers as they are (frames, counts), others with about three
/// significant digits, kept even when they are zeros (4.00 m/s² says more than 4).
func formatNumber(_ value: Double) -> String {
  guard value.isFinite else { return "—" }
  if value == value.rounded() && abs(value) < 1e6 { return String(Int(value)) }
  let magnitude = abs(value)
  let digits = magnitude >= 100 ? 1 : magnitude >= 1 ? 2 : 3
  return String(format: "%.\(digits)f", value)
}

/// Sets `data-ready` on the body once every script before it ran, and `data-errors` on any
/// uncaught script error, so a browser test can tell a page that drew from one that broke.
let pageReadyScript = """
  window.addEventListener('error', function(e) {
    document.body.dataset.errors = (document.body.dataset.errors || '') + e.message + ';';
  });
  document.body.dataset.ready = '1';

  """

/// The look every Plumbline page shares.
let pageStylesheet = """
  body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1rem 1.5rem;color:#1d2330}
  h1{font-size:1.5rem}h2{font-size:1.2rem;border-top:1px solid #d8dce6;padding-top:1rem}
  code{font-size:.95em}table{border-collapse:collapse;margin:.5rem 0}
  th,td{padding:.25rem .6rem;border-bottom:1px solid #e4e7ee;text-align:left;vertical-align:top}
  td.num{text-align:right;font-variant-numeric:tabular-nums}
  .passed{color:#2b8a3e}.violated{color:#c92a2a}.failed{color:#a61e4d}
  .plot .grid{stroke:#e4e7ee}.plot .tick,.plot .legend{font-size:11px;fill:#454d5e}
  .plot .axis,.plot .plot-title{font-size:12px;fill:#1d2330}
  footer{margin-top:2rem;color:#5c6577;font-size:.9rem}

  """

/// A name safe in URLs and element ids: letters and digits kept, everything else a dash.
func slug(_ text: String) -> String {
  text.map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
}
