import Testing

@testable import Scenarios

// The keys the reference simulator and the analyzers added to the format: camera paths,
// textures, orientation, spin, density, scripted paths, breakables, conditioning and the check
// kinds beyond physics. Each error test compares the whole text, place included, because the
// place and the wording are what a person acts on.

/// A scenario using every simulator key, with values that differ from every default.
let simulatorScenario = """
  id: camera-orbits/everything
  prompt: A cup on a checkered table while the camera circles it
  clip: {seconds: 2, fps: 30, width: 640, height: 360}
  camera:
    fov: 45
    position: [0, 1.2, 2.5]
    look_at: [0, 0.5, 0]
    path:
      orbit: {center: [0, 0.5, 0], degrees: -90}
  world:
    floor:
      color: grey
      texture:
        tiles: {size: 0.25, color: "#333333"}
    objects:
      - name: table
        shape: box
        size: [1.0, 0.4, 0.6]
        color: "#c08040"
        position: [0, 0.2, 0]
        static: true
        rotation: [0, 30, 0]
        texture:
          wood: {scale: 0.05, color: "#5a3a1a"}
      - name: cup
        shape: cup
        radius: 0.04
        height: 0.1
        color: red
        position: [0, 1.05, 0]
        spin: [0, 0, 90]
        density: 2400
        breakable: {threshold: 2.5, pieces: 8}
        texture:
          checker: {size: 0.02, color: white}
      - name: screen
        shape: box
        size: [0.3, 0.4, 0.02]
        color: black
        position: [-1, 0.6, 0.4]
        path:
          - {t: 0, position: [-1, 0.6, 0.4]}
          - {t: 1.5, position: [1, 0.6, 0.4]}
  checks:
    - consistency
    - permanence: {object: cup}
    - temporal
    - physics-iq: {object: cup}
  conditioning: {frames: 12}
  """

@Test func everySimulatorKeyParsesIntoItsField() throws {
  let scenario = try ScenarioLoader.parse(yaml: simulatorScenario, file: "everything.yaml")
  let grey = SceneColor(red: 0.5, green: 0.5, blue: 0.5)
  let expected = Scenario(
    id: "camera-orbits/everything",
    prompt: "A cup on a checkered table while the camera circles it",
    clip: ClipSpec(seconds: 2, fps: 30, width: 640, height: 360),
    camera: CameraSpec(
      fieldOfViewDegrees: 45, position: Vector3(0, 1.2, 2.5), lookAt: Vector3(0, 0.5, 0),
      path: .orbit(center: Vector3(0, 0.5, 0), degrees: -90)),
    world: WorldSpec(
      floor: FloorSpec(
        color: grey, texture: .tiles(size: 0.25, other: SceneColor(hex: "#333333")!)),
      background: ScenarioLoader.defaultBackground,
      objects: [
        ObjectSpec(
          name: "table", shape: .box(width: 1, height: 0.4, depth: 0.6),
          color: SceneColor(hex: "#c08040")!, position: Vector3(0, 0.2, 0), isStatic: true,
          rotationDegrees: Vector3(0, 30, 0),
          texture: .wood(scale: 0.05, other: SceneColor(hex: "#5a3a1a")!)),
        ObjectSpec(
          name: "cup", shape: .cup(radius: 0.04, height: 0.1, wall: 0.006),
          color: SceneColor.named["red"]!, position: Vector3(0, 1.05, 0),
          spinDegrees: Vector3(0, 0, 90), density: 2400,
          breakable: Breakable(threshold: 2.5, pieces: 8),
          texture: .checker(size: 0.02, other: SceneColor(red: 1, green: 1, blue: 1))),
        ObjectSpec(
          name: "screen", shape: .box(width: 0.3, height: 0.4, depth: 0.02),
          color: SceneColor(red: 0, green: 0, blue: 0), position: Vector3(-1, 0.6, 0.4),
          path: [
            Keyframe(time: 0, position: Vector3(-1, 0.6, 0.4)),
            Keyframe(time: 1.5, position: Vector3(1, 0.6, 0.4)),
          ]),
      ]),
    checks: [
      CheckSpec(kind: .consistency), CheckSpec(kind: .permanence, object: "cup"),
      CheckSpec(kind: .temporal), CheckSpec(kind: .physicsIQ, object: "cup"),
    ],
    conditioning: ConditioningSpec(frames: 12))
  #expect(scenario == expected)
  // The screen is scripted, so a check without an object is about the cup, the first body
  // that physics moves.
  #expect(scenario.subject(of: CheckSpec(kind: .permanence))?.name == "cup")
}

@Test func simulatorKeysLeftOutTakeTheirDocumentedDefaults() throws {
  let scenario = try ScenarioLoader.parse(
    yaml: header + """
      world:
        objects:
          - {name: cup, shape: cup, radius: 0.04, height: 0.1, color: red, position: [0, 1, 0]}
      """, file: "d.yaml")
  let cup = scenario.world.objects[0]
  #expect(scenario.camera.path == nil)
  #expect(scenario.world.floor?.texture == nil)
  #expect(scenario.conditioning == nil)
  #expect(cup.rotationDegrees == .zero)
  #expect(cup.spinDegrees == .zero)
  #expect(cup.density == 1000)
  #expect(cup.path == nil)
  #expect(cup.breakable == nil)
  #expect(cup.texture == nil)
}

@Test func dollyPanAndOrbitWithoutCenterParse() throws {
  func path(_ yaml: String) throws -> CameraPath? {
    try ScenarioLoader.parse(
      yaml: """
        id: test/case
        prompt: p
        clip: {seconds: 1, fps: 10, width: 64, height: 64}
        camera: {fov: 40, position: [0, 1, 3], look_at: [0, 0.5, 0], path: \(yaml)}
        world: {objects: [{name: b, shape: sphere, radius: 1, color: red, position: [0, 1, 0]}]}
        """, file: "p.yaml"
    ).camera.path
  }
  #expect(try path("{dolly: {to: [0, 0.8, 1.5]}}") == .dolly(to: Vector3(0, 0.8, 1.5)))
  #expect(try path("{pan: {degrees: 30}}") == .pan(degrees: 30))
  #expect(try path("{orbit: {degrees: 360}}") == .orbit(center: Vector3(0, 0.5, 0), degrees: 360))
}

@Test func cameraPathErrorsNameThePathAndWhatIsWrong() {
  func camera(_ path: String) -> String? {
    errorText(
      """
      id: test/case
      prompt: p
      clip: {seconds: 1, fps: 10, width: 64, height: 64}
      camera: {fov: 40, position: [0, 1, 3], look_at: [0, 0.5, 0], path: \(path)}
      world: {objects: [{name: b, shape: sphere, radius: 1, color: red, position: [0, 1, 0]}]}
      """)
  }
  #expect(
    camera("orbit")
      == "s.yaml:4:68: expected a camera path such as {orbit: {center: [0, 0.5, 0], degrees: 360}} for 'path', found 'orbit'"
  )
  #expect(
    camera("{orbt: {degrees: 90}}")
      == "s.yaml:4:69: unknown camera path 'orbt' (did you mean 'orbit'?)")
  #expect(
    camera("{orbit: {degrees: 90}, pan: {degrees: 10}}")
      == "s.yaml:4:91: found both 'orbit' and 'pan'; give only one camera path")
  #expect(
    camera("{orbit: {degrees: 0}}")
      == "s.yaml:4:86: 'degrees' must be between -1080 and 1080 and not 0, found 0")
  #expect(
    camera("{orbit: {degrees: 1440}}")
      == "s.yaml:4:86: 'degrees' must be between -1080 and 1080 and not 0, found 1440")
  #expect(
    camera("{orbit: {center: [0, 0, 0], degrees: 90}}")
      == "s.yaml:4:85: 'center' must be the camera's 'look_at' [0, 0.5, 0], since an orbit always looks at its centre; found [0, 0, 0] (or leave 'center' out)"
  )
  #expect(
    camera("{orbit: {degrees: 90, radius: 2}}")
      == "s.yaml:4:90: unknown key 'radius' in camera path 'orbit'")
  #expect(
    camera("{pan: {degrees: -400}}")
      == "s.yaml:4:84: 'degrees' must be between -360 and 360 and not 0, found -400")
  #expect(
    camera("{dolly: {}}") == "s.yaml:4:76: missing required key 'to' in camera path 'dolly'")
  #expect(
    camera("{dolly: {to: [0, 1, 3]}}")
      == "s.yaml:4:81: 'to' is the camera 'position' [0, 1, 3]; a dolly must move somewhere else")
  #expect(
    camera("{dolly: {to: [0, 0.5, 0]}}")
      == "s.yaml:4:81: 'to' must differ from the camera 'look_at' [0, 0.5, 0]; the camera would end inside the point it looks at"
  )
}

@Test func orbitNeedsTheCameraOffItsVerticalAxis() {
  let yaml = """
    id: test/case
    prompt: p
    clip: {seconds: 1, fps: 10, width: 64, height: 64}
    camera:
      fov: 40
      position: [0, 3, 0]
      look_at: [0, 0, 0]
      path: {orbit: {degrees: 90}}
    world: {objects: [{name: b, shape: sphere, radius: 1, color: red, position: [0, 1, 0]}]}
    """
  #expect(
    errorText(yaml)
      == "s.yaml:8:17: an orbit needs the camera 'position' away from the vertical line through its 'center' [0, 0, 0]; the radius would be 0"
  )
}

@Test func textureErrorsNameTheOwnerAndTheTexture() {
  let yaml =
    header + """
      world:
        floor:
          texture: {chequer: {size: 0.1, color: white}}
        objects:
          - name: table
            shape: box
            size: [1, 0.5, 1]
            color: orange
            position: [0, 0.25, 0]
            static: true
            texture: {wood: {size: 0.05, color: black}}
          - name: cup
            shape: cup
            radius: 0.04
            height: 0.1
            color: red
            position: [0, 0.55, 0]
            texture: {checker: {size: 0, colour: white}, tiles: {size: 0.1, color: white}}
          - name: box
            shape: box
            size: [0.1, 0.1, 0.1]
            color: red
            position: [0.3, 0.05, 0]
            texture: {}
      """
  #expect(
    errorText(yaml) == """
      s.yaml:7:15: unknown texture 'chequer' for 'floor' (did you mean 'checker'?)
      s.yaml:15:23: missing required key 'scale' in texture 'wood' for object 'table'
      s.yaml:15:24: unknown key 'size' in texture 'wood' for object 'table'
      s.yaml:22:26: missing required key 'color' in texture 'checker' for object 'cup'
      s.yaml:22:33: 'size' must be greater than 0, found 0
      s.yaml:22:36: unknown key 'colour' in texture 'checker' for object 'cup' (did you mean 'color'?)
      s.yaml:22:52: found both 'checker' and 'tiles'; give only one texture for object 'cup'
      s.yaml:28:16: expected a texture such as {checker: {size: 0.1, color: white}} for 'texture', found an empty mapping
      """)
}

@Test func keyframesMustBeTimedInIncreasingOrder() {
  let yaml =
    header + """
      world:
        objects:
          - name: lid
            shape: box
            size: [0.2, 0.02, 0.2]
            color: blue
            position: [0, 0.5, 0]
            path:
              - {t: 0.5, position: [0, 0.5, 0]}
              - {t: 0.5, position: [0, 0.1, 0]}
              - {t: -1, position: [0, 0.5, 0]}
              - {time: 2, position: [0, 0.5]}
              - [0, 0.5, 0]
          - name: slider
            shape: sphere
            radius: 0.05
            color: red
            position: [0, 0.05, 0]
            path: [{t: 0, position: [0, 0.05, 0]}]
          - name: pusher
            shape: box
            size: [0.1, 0.1, 0.1]
            color: blue
            position: [0, 0.05, 0]
            path: [{t: 0.5, position: [-1, 0.05, 0]}, {t: 1, position: [0, 0.05, 0]}]
      """
  #expect(
    errorText(yaml) == """
      s.yaml:14:15: 't' must be greater than 0.5 (the previous keyframe's), found 0.5
      s.yaml:15:15: 't' must be at least 0, found -1
      s.yaml:16:11: missing required key 't' in keyframe #4 of object 'lid'
      s.yaml:16:12: unknown key 'time' in keyframe #4 of object 'lid'
      s.yaml:16:31: expected 3 numbers [x, y, z] for 'position', found 2 items
      s.yaml:17:11: expected a keyframe such as {t: 0, position: [0, 0.5, 0]}, found a list
      s.yaml:23:13: 'path' of object 'slider' must list at least 2 keyframes such as {t: 0, position: [0, 0.5, 0]}, found 1
      s.yaml:28:17: 'position' of object 'pusher' must be where its path starts, [-1, 0.05, 0]; found [0, 0.05, 0]
      """)
}

@Test func motionKeysThatContradictEachOtherAreRejected() {
  let yaml =
    header + """
      world:
        objects:
          - name: wall
            shape: box
            size: [1, 1, 0.1]
            color: grey
            position: [0, 0.5, 0]
            static: true
            velocity: [1, 0, 0]
            spin: [0, 10, 0]
            breakable: {threshold: 1, pieces: 4}
            path: [{t: 0, position: [0, 0.5, 0]}, {t: 1, position: [1, 0.5, 0]}]
          - name: lid
            shape: box
            size: [0.2, 0.02, 0.2]
            color: blue
            position: [0, 0.5, 0]
            velocity: [0, -1, 0]
            spin: [0, 90, 0]
            path: [{t: 0, position: [0, 0.5, 0]}, {t: 1, position: [0, 0.1, 0]}]
      """
  #expect(
    errorText(yaml) == """
      s.yaml:13:7: key 'velocity' cannot be used with 'static: true' in object 'wall' (a static object never moves)
      s.yaml:14:7: key 'spin' cannot be used with 'static: true' in object 'wall' (a static object never moves)
      s.yaml:15:7: key 'breakable' cannot be used with 'static: true' in object 'wall' (static objects cannot break)
      s.yaml:16:7: key 'path' cannot be used with 'static: true' in object 'wall' (a static object never moves; drop 'static' to script it)
      s.yaml:22:7: key 'velocity' cannot be used with 'path' in object 'lid' (the path sets its motion)
      s.yaml:23:7: key 'spin' cannot be used with 'path' in object 'lid' (a path moves the object without turning it)
      """)
}

@Test func breakableNeedsAShapeThatCanBreakAndSaneValues() {
  let yaml =
    header + """
      world:
        objects:
          - name: ball
            shape: sphere
            radius: 0.05
            color: red
            position: [0, 1, 0]
            breakable: {threshold: 2, pieces: 6}
          - name: cup
            shape: cup
            radius: 0.04
            height: 0.1
            color: red
            position: [0.3, 1, 0]
            density: 0
            breakable: {threshold: 0, pieces: 40, shards: 3}
          - name: vase
            shape: cylinder
            radius: 0.04
            height: 0.2
            color: blue
            position: [-0.3, 1, 0]
            breakable: yes please
      """
  #expect(
    errorText(yaml) == """
      s.yaml:12:7: key 'breakable' does not apply to shape 'sphere' in object 'ball' (only cup, box, cylinder can break)
      s.yaml:19:16: 'density' must be greater than 0, found 0
      s.yaml:20:30: 'threshold' must be greater than 0, found 0
      s.yaml:20:41: 'pieces' must be between 2 and 32, found 40
      s.yaml:20:45: unknown key 'shards' in 'breakable' of object 'cup'
      s.yaml:27:18: expected a mapping such as {threshold: 2.0, pieces: 6} for 'breakable', found 'yes please'
      """)
}

@Test func conditioningMustLeaveFramesToGenerate() throws {
  // The header's clip is 1 s at 10 fps: 10 frames, so 9 conditioning frames at most.
  let world =
    "world: {objects: [{name: b, shape: sphere, radius: 1, color: red, position: [0, 1, 0]}]}\n"
  #expect(
    errorText(header + world + "conditioning: {frames: 10}")
      == "s.yaml:6:24: 'frames' must be less than the clip's 10 frames (1 s at 10 fps), so some are left to generate; found 10"
  )
  #expect(
    errorText(header + world + "conditioning: {frames: 0}")
      == "s.yaml:6:24: 'frames' must be at least 1, found 0")
  #expect(
    errorText(header + world + "conditioning: {frame: 1}")
      == """
      s.yaml:6:15: missing required key 'frames' in 'conditioning'
      s.yaml:6:16: unknown key 'frame' in 'conditioning' (did you mean 'frames'?)
      """)
  #expect(
    try ScenarioLoader.parse(yaml: header + world + "conditioning: {frames: 9}", file: "c.yaml")
      .conditioning == ConditioningSpec(frames: 9))
}

@Test func everyCheckKindIsAcceptedAndMisspellingsSuggestTheNearest() throws {
  let world =
    "world: {objects: [{name: b, shape: sphere, radius: 1, color: red, position: [0, 1, 0]}]}\n"
  let names = CheckSpec.Kind.allCases.map(\.rawValue)
  let scenario = try ScenarioLoader.parse(
    yaml: header + world + "checks: [\(names.joined(separator: ", "))]", file: "k.yaml")
  #expect(scenario.checks.map(\.kind) == CheckSpec.Kind.allCases)
  #expect(
    errorText(
      header + world + "checks: [permanance, physicsiq, consistancy, temporal: {object: c}]")
        == """
        s.yaml:6:10: unknown check 'permanance' (did you mean 'permanence'?)
        s.yaml:6:22: unknown check 'physicsiq' (did you mean 'physics-iq'?)
        s.yaml:6:33: unknown check 'consistancy' (did you mean 'consistency'?)
        s.yaml:6:65: check 'temporal' names object 'c', which is not in world.objects (did you mean 'b'?)
        """)
}

@Test func checkOfOneObjectNeedsANameWhenNothingMovesUnderPhysics() {
  let yaml =
    header + """
      world:
        objects:
          - {name: wall, shape: box, size: [1, 1, 0.1], color: grey, position: [0, 0.5, 0], static: true}
          - name: screen
            shape: box
            size: [0.3, 0.3, 0.02]
            color: black
            position: [0, 0.15, 1]
            path: [{t: 0, position: [0, 0.15, 1]}, {t: 1, position: [1, 0.15, 1]}]
      checks: [consistency, temporal, physics-iq, permanence, physics: {object: wall}]
      """
  #expect(
    errorText(yaml)
      == "s.yaml:14:45: check 'permanence' needs an object to judge and no object here moves under physics; name one, as in 'permanence: {object: wall}'"
  )
}
