import Foundation

extension DefectSweepResult {
  /// The (defect, scenario, seed) ladders missed at the default strength.
  public var missed: [DefectSensitivity] { sensitivities.filter { !$0.caughtAtDefault } }

  /// The sweep as Markdown: references, then each ladder, then the ranking per family.
  public func markdown(title: String) -> String {
    var lines = [
      "# \(title)", "",
      "\(sensitivities.count) (defect, scenario, seed) ladders, \(missed.count) missed at default strength; "
        + "\(references.filter { $0.status != .passed }.count) of \(references.count) reference clips not passed; "
        + "\(String(format: "%.0f", seconds)) s.", "",
      "## Reference engine", "",
      "| scenario | seed | status | scores | violations |",
      "|---|---|---|---|---|",
    ]
    for r in references {
      lines.append(
        "| \(r.scenarioID) | \(r.seed) | \(r.status.rawValue) | \(scores(r.scores)) | \(cell((r.violations + [r.failure].compactMap { $0 }).joined(separator: "; "))) |")
    }
    lines += [
      "", "## Defects",
      "",
      "Caught: a violation from a check the defect breaks. Weakest caught: the weakest strength caught, each rung half as strong as the one before (for gravity, half as far from 1) from the "
        + "default until one is missed. Margin: reference score − defect score at default strength (clear when ≥ \(number(clearMargin))).",
      "",
      "| defect | scenario | seed | checks | default | caught at default | weakest caught | reference → defect score | margin | finding at default |",
      "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in sensitivities {
      guard let t = s.trials.first else { continue }
      let pairs = t.checks.map { c in "\(c) \(number(t.referenceScores[c])) → \(number(t.scores[c]))" }
      let margin = t.margin.map { number($0) + ($0 >= clearMargin ? "" : " (not clear)") } ?? "—"
      lines.append(
        "| \(t.defect) | \(t.scenarioID) | \(t.seed) | \(t.checks.joined(separator: ", ")) | \(number(t.strength)) | "
          + "\(t.caught ? "yes" : "**no**") | \(s.weakestCaught.map(number) ?? "—") | \(pairs.joined(separator: "; ")) | "
          + "\(margin) | \(cell(t.violations.first ?? t.failure ?? "")) |")
    }
    lines += [
      "", "## Ranking at default strength", "",
      "Pairs (reference clip, defect clip) of every scenario asking for the check, ordered right (ties half): 1 is perfect.",
      "",
      "| check | reference clips | defect clips | pairwise accuracy (AUC) | lowest reference | highest defect |",
      "|---|---|---|---|---|---|",
    ]
    for r in rankings {
      lines.append(
        "| \(r.family) | \(r.referenceCount) | \(r.defectCount) | \(String(format: "%.3f", r.accuracy)) | "
          + "\(number(r.lowestReference)) | \(number(r.highestDefect)) |")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private func scores(_ s: [String: Double]) -> String {
    s.keys.sorted().map { "\($0) \(number(s[$0]))" }.joined(separator: ", ")
  }

  private func number(_ x: Double?) -> String { x.map { String(format: "%.3g", $0) } ?? "—" }

  /// Table-safe text: no pipes or line breaks, at most 160 characters.
  private func cell(_ text: String) -> String {
    let flat = text.replacingOccurrences(of: "|", with: "/").replacingOccurrences(of: "\n", with: " ")
    return flat.count > 160 ? String(flat.prefix(159)) + "…" : flat
  }
}
