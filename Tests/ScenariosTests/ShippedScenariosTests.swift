import Foundation
import Testing

@testable import Scenarios

// The scenario files and suites the package ships under scenarios/, checked on every test run so
// that a change to the format or to a file cannot leave them broken.

/// The package's scenarios folder, found from this source file: Tests/ScenariosTests/ → root.
let shippedRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  .appendingPathComponent("scenarios").path

@Test func everyShippedFileValidatesIncludingTheSuites() {
  let results = ScenarioValidator.validate(paths: [shippedRoot])
  let invalid = results.filter { !$0.isValid }
  #expect(invalid.isEmpty, "\(invalid.map(\.description).joined(separator: "\n"))")
  // 17 scenarios and 2 suites; a count of 0 would mean the folder was not found.
  #expect(results.count == 19)
}

@Test func shippedScenariosCoverEveryFamilyWithIdsMatchingTheirPaths() throws {
  let catalog = try ScenarioCatalog(root: shippedRoot)
  var perFamily: [String: Int] = [:]
  for file in catalog.files {
    perFamily[String(file.scenario.id.split(separator: "/")[0]), default: 0] += 1
    #expect(file.path == shippedRoot + "/" + file.scenario.id + ".yaml")
  }
  #expect(perFamily == ["falling-cups": 8, "occlusion": 5, "camera-orbits": 4])
}

@Test func eachFamilyAsksForItsOwnChecks() throws {
  let catalog = try ScenarioCatalog(root: shippedRoot)
  for scenario in catalog.scenarios {
    let kinds = Set(scenario.checks.map(\.kind))
    #expect(kinds.contains(.temporal), "\(scenario.id)")
    switch scenario.id.split(separator: "/")[0] {
    case "falling-cups":
      #expect(kinds.contains(.physics), "\(scenario.id)")
    case "occlusion":
      #expect(kinds.contains(.permanence), "\(scenario.id)")
    default:
      #expect(kinds.contains(.consistency), "\(scenario.id)")
      #expect(scenario.camera.path != nil, "\(scenario.id) has a camera that never moves")
    }
  }
}

/// The height in pixels of `object` seen from the camera's starting place, and whether its centre
/// is in the frame: pinhole projection with the vertical field of view, depth along the view axis.
func startingView(of object: ObjectSpec, in scenario: Scenario) -> (pixels: Double, inFrame: Bool) {
  func minus(_ a: Vector3, _ b: Vector3) -> [Double] { [a.x - b.x, a.y - b.y, a.z - b.z] }
  func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).map(*).reduce(0, +) }
  func unit(_ a: [Double]) -> [Double] { a.map { $0 / dot(a, a).squareRoot() } }
  func cross(_ a: [Double], _ b: [Double]) -> [Double] {
    [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
  }
  let camera = scenario.camera
  let forward = unit(minus(camera.lookAt, camera.position))
  let right = unit(cross(forward, [0, 1, 0]))
  let up = cross(right, forward)
  let offset = minus(object.position, camera.position)
  let depth = dot(offset, forward)
  let height = Double(scenario.clip.height)
  let focal = height / 2 / tan(camera.fieldOfViewDegrees * .pi / 360)
  let u = Double(scenario.clip.width) / 2 + focal * dot(offset, right) / depth
  let v = height / 2 - focal * dot(offset, up) / depth
  let inFrame =
    depth > 0 && (0...Double(scenario.clip.width)).contains(u) && (0...height).contains(v)
  return (focal * object.shape.height / depth, inFrame)
}

@Test func everyJudgedObjectStartsInViewAndLargeEnoughToTrack() throws {
  // Trackers need about 20 px of object; the figure is the design rule the files were laid out
  // with, and the projection is exact for the object's centre.
  let catalog = try ScenarioCatalog(root: shippedRoot)
  for scenario in catalog.scenarios {
    for check in scenario.checks where check.kind != .consistency && check.kind != .temporal {
      let subject = try #require(scenario.subject(of: check), "\(scenario.id)")
      let view = startingView(of: subject, in: scenario)
      #expect(view.inFrame, "\(scenario.id): \(subject.name) starts outside the frame")
      #expect(view.pixels >= 20, "\(scenario.id): \(subject.name) is \(view.pixels) px tall")
    }
  }
}

@Test func shippedSuitesSelectEveryFamily() throws {
  let catalog = try ScenarioCatalog(root: shippedRoot)
  let all = try catalog.scenarios(
    in: SuiteLoader.load(path: shippedRoot + "/suites/default.yaml"))
  #expect(Set(all.map(\.id)) == Set(catalog.scenarios.map(\.id)))
  let smoke = try catalog.scenarios(in: SuiteLoader.load(path: shippedRoot + "/suites/smoke.yaml"))
  #expect(
    smoke.map { $0.id.split(separator: "/")[0] } == ["falling-cups", "occlusion", "camera-orbits"])
  // Fast: each smoke clip is at most 3 s.
  #expect(smoke.allSatisfy { $0.clip.seconds <= 3 })
}
