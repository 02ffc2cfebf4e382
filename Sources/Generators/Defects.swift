import Engine

// Controlled defects as generators: `reference:<defect>[=strength]`. What each defect does is
// `Engine.Defect` (the catalogue with its documentation and defaults), applied through the
// renderer's `Distortion`; here they get their generator names.

extension ReferenceGenerator {
  /// The prefix of defect generator names.
  public static let defectPrefix = "reference:"

  /// Every defect generator name at its default strength, e.g. `reference:vanish`.
  public static var defectNames: [String] { Defect.Kind.allCases.map { defectPrefix + $0.rawValue } }

  /// The generator a name like `reference:gravity=0.5` selects; nil for names without the
  /// `reference:` prefix. Throws for an unknown defect (with a did-you-mean) or a bad strength.
  public static func parse(_ name: String) throws -> ReferenceGenerator? {
    if name == "reference" { return ReferenceGenerator() }
    guard name.hasPrefix(defectPrefix) else { return nil }
    return ReferenceGenerator(defect: try Defect.parse(String(name.dropFirst(defectPrefix.count))))
  }
}
