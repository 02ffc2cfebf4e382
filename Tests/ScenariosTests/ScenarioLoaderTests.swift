import Testing

@testable import Scenarios

/// A scenario using every key of the format, so parsing it exercises each reader.
let fullScenario = """
  id: falling-cups/drop-1m
  prompt: "A red cup falls from a table onto a wooden floor"
  clip:
    seconds: 2.0
    fps: 30
    width: 512
    height: 384
  camera:
    fov: 40
    position: [0, 0.6, 3.0]
    look_at: [0, 0.6, 0]
  world:
    gravity: 9.81
    background: "#bcd4e6"
    floor:
      color: [0.5, 0.25, 0]
      restitution: 0.2
      friction: 0.6
    objects:
      - name: cup
        shape: cup
        radius: 0.04
        height: 0.10
        wall: 0.005
        color: red
        position: [0, 1.05, 0]
        velocity: [0.5, 0, 0]
        restitution: 0.4
        friction: 0.3
      - name: table
        shape: box
        size: [1.2, 1.0, 0.6]
        color: "#806040"
        position: [0, 0.5, 0]
        static: true
      - name: ball
        shape: sphere
        radius: 0.05
        color: blue
        position: [0.3, 0.05, 0]
      - name: can
        shape: cylinder
        radius: 0.03
        height: 0.12
        color: grey
        position: [-0.3, 0.06, 0]
  checks:
    - physics
    - physics: {object: ball}
  """

/// The first lines of a valid scenario, for tests that only vary the world.
let header = """
  id: test/case
  prompt: a ball
  clip: {seconds: 1, fps: 10, width: 64, height: 64}
  camera: {fov: 40, position: [0, 1, 3], look_at: [0, 0, 0]}

  """

/// The full error text a parse throws, or nil when it parses.
func errorText(_ yaml: String, file: String = "s.yaml") -> String? {
  thrownText { _ = try ScenarioLoader.parse(yaml: yaml, file: file) }
}

/// The description of the error `body` throws, or nil when it throws none.
func thrownText(_ body: () throws -> Void) -> String? {
  do {
    try body()
    return nil
  } catch {
    return "\(error)"
  }
}

@Test func fullScenarioParsesIntoEveryField() throws {
  let scenario = try ScenarioLoader.parse(yaml: fullScenario, file: "full.yaml")
  let expected = Scenario(
    id: "falling-cups/drop-1m",
    prompt: "A red cup falls from a table onto a wooden floor",
    clip: ClipSpec(seconds: 2, fps: 30, width: 512, height: 384),
    camera: CameraSpec(
      fieldOfViewDegrees: 40, position: Vector3(0, 0.6, 3), lookAt: Vector3(0, 0.6, 0)),
    world: WorldSpec(
      gravity: 9.81,
      floor: FloorSpec(
        color: SceneColor(red: 0.5, green: 0.25, blue: 0), restitution: 0.2, friction: 0.6),
      background: SceneColor(red: 0xbc / 255.0, green: 0xd4 / 255.0, blue: 0xe6 / 255.0),
      objects: [
        ObjectSpec(
          name: "cup", shape: .cup(radius: 0.04, height: 0.10, wall: 0.005),
          color: SceneColor(red: 0.85, green: 0.1, blue: 0.1), position: Vector3(0, 1.05, 0),
          velocity: Vector3(0.5, 0, 0), restitution: 0.4, friction: 0.3),
        ObjectSpec(
          name: "table", shape: .box(width: 1.2, height: 1.0, depth: 0.6),
          color: SceneColor(red: 0x80 / 255.0, green: 0x60 / 255.0, blue: 0x40 / 255.0),
          position: Vector3(0, 0.5, 0), isStatic: true),
        ObjectSpec(
          name: "ball", shape: .sphere(radius: 0.05),
          color: SceneColor(red: 0.1, green: 0.25, blue: 0.85), position: Vector3(0.3, 0.05, 0)),
        ObjectSpec(
          name: "can", shape: .cylinder(radius: 0.03, height: 0.12),
          color: SceneColor(red: 0.5, green: 0.5, blue: 0.5), position: Vector3(-0.3, 0.06, 0)),
      ]),
    checks: [CheckSpec(kind: .physics), CheckSpec(kind: .physics, object: "ball")])
  #expect(scenario == expected)
}

@Test func omittedOptionalKeysTakeTheirDocumentedDefaults() throws {
  let scenario = try ScenarioLoader.parse(
    yaml: header + """
      world:
        objects:
          - {name: cup, shape: cup, radius: 0.04, height: 0.1, color: red, position: [0, 1, 0]}
      """, file: "d.yaml")
  #expect(scenario.world.gravity == 9.81)
  #expect(scenario.world.floor == FloorSpec(color: SceneColor(red: 0.5, green: 0.5, blue: 0.5)))
  #expect(scenario.world.background == SceneColor(hex: "#bcd4e6"))
  #expect(scenario.world.objects[0].shape == .cup(radius: 0.04, height: 0.1, wall: 0.006))
  #expect(scenario.world.objects[0].velocity == .zero)
  #expect(scenario.world.objects[0].isStatic == false)
  #expect(scenario.checks == [])
}

@Test func floorNoneMeansNoFloor() throws {
  let scenario = try ScenarioLoader.parse(
    yaml: header + """
      world:
        floor: none
        objects: [{name: b, shape: sphere, radius: 1, color: red, position: [0, 1, 0]}]
      """, file: "f.yaml")
  #expect(scenario.world.floor == nil)
}

@Test func misspeltKeyIsReportedWithPlaceAndSuggestion() {
  let yaml =
    header + """
      world:
        objects:
          - name: cup
            shape: sphere
            radius: 0.04
            color: red
            position: [0, 1, 0]
            velocty: [0, 0, 0]
      """
  #expect(
    errorText(yaml, file: "scenarios/falling-cups/drop.yaml")
      == "scenarios/falling-cups/drop.yaml:12:7: unknown key 'velocty' in object 'cup' (did you mean 'velocity'?)"
  )
}

@Test func unknownKeyFarFromAnyKnownKeyGetsNoSuggestion() {
  #expect(
    errorText(
      header.replacingOccurrences(of: "id: test/case", with: "id: test/case\nauthor: me")
        + "world: {objects: [{name: b, shape: sphere, radius: 1, color: red, position: [0, 1, 0]}]}"
    )
      == "s.yaml:2:1: unknown key 'author'")
}

@Test func wrongTypeNamesTheKeyAndWhatWasFound() {
  let yaml = """
    id: test/case
    prompt: p
    clip:
      seconds: 1
      fps: fast
      width: 64
      height: 64
    camera: {fov: 40, position: [0, 1, 3], look_at: [0, 0, 0]}
    world: {objects: [{name: b, shape: sphere, radius: 1, color: red, position: [0, 1, 0]}]}
    """
  #expect(errorText(yaml) == "s.yaml:5:8: expected a number for 'fps', found 'fast'")
}

@Test func quotedNumberIsTextNotANumber() {
  let yaml =
    header + """
      world: {gravity: "9.81", objects: [{name: b, shape: sphere, radius: 1, color: red, position: [0, 1, 0]}]}
      """
  #expect(errorText(yaml) == "s.yaml:5:18: expected a number for 'gravity', found '9.81'")
}

@Test func missingKeyIsReportedAtTheMappingThatShouldHoldIt() {
  let yaml = """
    id: test/case
    clip: {seconds: 1, fps: 10, width: 64, height: 64}
    camera: {fov: 40, position: [0, 1, 3], look_at: [0, 0, 0]}
    world: {objects: [{name: b, shape: sphere, radius: 1, color: red, position: [0, 1, 0]}]}
    """
  #expect(errorText(yaml) == "s.yaml:1:1: missing required key 'prompt'")
}

@Test func missingKeyInsideAMappingNamesTheMapping() {
  let yaml =
    header.replacingOccurrences(of: "fps: 10, ", with: "") + """
      world: {objects: [{name: b, shape: sphere, radius: 1, color: red, position: [0, 1, 0]}]}
      """
  #expect(errorText(yaml) == "s.yaml:3:7: missing required key 'fps' in 'clip'")
}

@Test func shapeSpecificKeysAreRequiredAndRejectedByShape() {
  let yaml =
    header + """
      world:
        objects:
          - name: cup
            shape: cup
            radius: 0.04
            color: red
            position: [0, 1, 0]
          - name: ball
            shape: sphere
            size: [0.1, 0.1, 0.1]
            color: red
            position: [0, 1, 0]
      """
  #expect(
    errorText(yaml) == """
      s.yaml:7:7: missing required key 'height' for shape 'cup'
      s.yaml:12:7: missing required key 'radius' for shape 'sphere'
      s.yaml:14:7: key 'size' does not apply to shape 'sphere' (use 'radius')
      """)
}

@Test func valuesOutsideTheirRangeAreReportedWithTheValueAsWritten() {
  let yaml = """
    id: test/case
    prompt: p
    clip: {seconds: 0, fps: 10, width: 8, height: 64}
    camera: {fov: 180, position: [0, 1, 3], look_at: [0, 1, 3]}
    world:
      gravity: -9.81
      objects:
        - {name: b, shape: sphere, radius: 0, color: [1, 2, 0], position: [0, 1, 0], restitution: 1.4}
        - {name: c, shape: cup, radius: 0.04, height: 0.1, wall: 0.05, color: red, position: [0, 1, 0]}
    """
  #expect(
    errorText(yaml) == """
      s.yaml:3:17: 'seconds' must be greater than 0 and at most 600, found 0
      s.yaml:3:36: 'width' must be between 16 and 8192, found 8
      s.yaml:4:15: 'fov' must be greater than 1 and less than 179 (degrees), found 180
      s.yaml:4:50: 'look_at' must differ from the camera 'position'
      s.yaml:6:12: 'gravity' must be at least 0, found -9.81
      s.yaml:8:40: 'radius' must be greater than 0, found 0
      s.yaml:8:54: 'color' must be between 0 and 1, found 2
      s.yaml:8:95: 'restitution' must be between 0 and 1, found 1.4
      s.yaml:9:62: 'wall' must be less than 'radius' (0.04), found 0.05
      """)
}

@Test func cameraLookingAtItselfIsRejected() {
  let yaml = """
    id: test/case
    prompt: p
    clip: {seconds: 1, fps: 10, width: 64, height: 64}
    camera: {fov: 40, position: [0, 1, 3], look_at: [0, 1, 3]}
    world: {objects: [{name: b, shape: sphere, radius: 1, color: red, position: [0, 1, 0]}]}
    """
  #expect(errorText(yaml) == "s.yaml:4:49: 'look_at' must differ from the camera 'position'")
}

@Test func everyProblemInAFileIsReportedInOrder() {
  let yaml = """
    id: Falling Cups
    prompt: ""
    clip: {seconds: 1, fps: 10, width: 64, hieght: 64}
    camera: [0, 1, 3]
    world:
      objects:
        - {name: cup, shape: sphere, radius: 1, color: redd, position: [0, 1]}
        - {name: cup, shape: cube, color: "#12345", position: [0, 1, 0]}
    checks:
      - physcs
      - physics: {object: mug}
      - physics: {subject: cup}
    """
  #expect(
    errorText(yaml) == """
      s.yaml:1:5: 'id' must be folder/name using lowercase letters, digits and '-', found 'Falling Cups'
      s.yaml:2:9: 'prompt' must not be empty
      s.yaml:3:7: missing required key 'height' in 'clip'
      s.yaml:3:40: unknown key 'hieght' in 'clip' (did you mean 'height'?)
      s.yaml:4:9: expected a mapping for 'camera', found a list
      s.yaml:7:52: unknown colour 'redd' for 'color' (did you mean 'red'?)
      s.yaml:7:68: expected 3 numbers [x, y, z] for 'position', found 2 items
      s.yaml:8:14: duplicate object name 'cup' (first used at line 7)
      s.yaml:8:26: unknown shape 'cube' in object 'cup' (one of box, sphere, cylinder, cup)
      s.yaml:8:39: expected a colour "#rrggbb" for 'color', found '#12345'
      s.yaml:10:5: unknown check 'physcs' (did you mean 'physics'?)
      s.yaml:11:23: check 'physics' names object 'mug', which is not in world.objects (objects: cup)
      s.yaml:12:15: unknown key 'subject' in check 'physics' (did you mean 'object'?)
      """)
}

@Test func checkNamingAMissingObjectSuggestsTheClosestName() {
  let yaml =
    header + """
      world: {objects: [{name: ball, shape: sphere, radius: 1, color: red, position: [0, 1, 0]}]}
      checks:
        - physics: {object: bal}
      """
  #expect(
    errorText(yaml)
      == "s.yaml:7:23: check 'physics' names object 'bal', which is not in world.objects (did you mean 'ball'?)"
  )
}

@Test func invalidYAMLReportsTheParsersPlace() {
  let yaml = """
    id: test/case
    prompt: [unclosed
    clip: {}
    """
  // libyaml notices the unclosed list only at the next key; the context points at its start.
  #expect(
    errorText(yaml)
      == "s.yaml:3:5: invalid YAML: while parsing a flow sequence at line 2, column 9: did not find expected ',' or ']'"
  )
}

@Test func duplicateKeyIsReportedAsSuch() {
  let yaml = "id: a/b\nprompt: p\nid: a/c\n"
  #expect(errorText(yaml) == "s.yaml:1:1: key 'id' appears more than once in the same mapping")
}

@Test func emptyFileAndNonMappingAreExplained() {
  #expect(
    errorText("# nothing yet\n")
      == "s.yaml:1:1: the file is empty; expected a mapping with keys 'id', 'prompt', 'clip', 'camera' and 'world'"
  )
  #expect(
    errorText("- id: a/b\n")
      == "s.yaml:1:1: expected a mapping with keys 'id', 'prompt', 'clip', 'camera' and 'world', found a list"
  )
}

@Test func unreadableFileNamesThePath() {
  #expect(
    throws: ScenarioErrors([ScenarioError(file: "/nonexistent/x.yaml", message: "no such file")])
  ) {
    try ScenarioLoader.load(path: "/nonexistent/x.yaml")
  }
}

@Test func suggestionsNeedCloseSpellings() {
  #expect(suggestion(for: "velocty", among: ["velocity", "position"]) == "velocity")
  #expect(suggestion(for: "fsp", among: ["fps", "width"]) == "fps")
  #expect(suggestion(for: "colour", among: ["color", "shape"]) == "color")
  #expect(suggestion(for: "author", among: ["id", "prompt", "clip"]) == nil)
  #expect(suggestion(for: "falling-cups/fall", among: ["falling-cups/drop"]) == nil)
  #expect(editDistance("kitten", "sitting") == 3)
}

@Test func suiteFileReadAsAScenarioSaysSoInOneError() {
  #expect(
    errorText("name: default\nscenarios: [falling-cups/]\n")
      == "s.yaml:1:1: this is a suite file (it lists 'scenarios'), not a scenario; load it as a suite"
  )
}

/// A scripted path is linear between keyframes and held outside them.
@Suite struct KeyframePaths {
  static let lid = [
    Keyframe(time: 0.5, position: Vector3(0, 0.5, 0)), Keyframe(time: 1.1, position: Vector3(0, 0.08, 0)),
    Keyframe(time: 2.3, position: Vector3(0, 0.08, 0)), Keyframe(time: 2.9, position: Vector3(0, 0.5, 0)),
  ]

  @Test func positionIsLinearBetweenKeyframesAndHeldOutside() {
    #expect(Self.lid.position(at: 0) == Vector3(0, 0.5, 0))
    #expect(abs(Self.lid.position(at: 0.8).y - 0.29) < 1e-12)
    #expect(Self.lid.position(at: 5) == Vector3(0, 0.5, 0))
  }

  @Test func holdsStillOnlyWhereEveryPositionIsTheSame() {
    #expect(Self.lid.holdsStill(from: 1.1, to: 2.3))
    #expect(Self.lid.holdsStill(from: 0, to: 0.5))
    #expect(!Self.lid.holdsStill(from: 1.05, to: 2.0), "still moving at 1.05 s")
    #expect(!Self.lid.holdsStill(from: 1.2, to: 3.5), "lifted again from 2.3 s")
    #expect(!Self.lid.holdsStill(from: 0, to: 3.5), "down and up again: both ends at 0.5 m")
  }
}
