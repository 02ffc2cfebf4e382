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
