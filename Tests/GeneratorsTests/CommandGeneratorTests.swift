import Foundation
import Generators
import Media
import Scenarios
import Testing

@Suite struct CommandGeneratorTests {
  /// Writes exactly the frames asked for with the example's procedural model.
  static let goodProgram = """
    request = json.load(open(sys.argv[1]))
    frames = plumb_example.procedural_frames(request, [])
    plumb_example.write_frames(sys.argv[2], frames, request["width"], request["height"])
    """

  func generator(
    _ scratch: Scratch, _ arguments: [String], timeout: Double = 20, retries: Int = 0,
    env: [String: String] = [:]
  )
    -> CommandGenerator
  {
    CommandGenerator(
      name: "test-command",
      settings: CommandSettings(
        arguments: arguments, environment: env, timeout: timeout, retries: retries),
      workRoot: scratch.file("cache"))
  }

  @Test func exampleWrapperMakesTheClipAskedFor() async throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let wrapper = (examples as NSString).appendingPathComponent("command_generator.py")
    let request = GenerationRequest(scenario: tinyScenario(), seed: 1)
    // Once with the request as a file, once on standard input.
    for arguments in [["python3", wrapper, "{request}", "{out}"], ["python3", wrapper, "{out}"]] {
      let clip = try await generator(scratch, arguments).generate(request)
      #expect(clip.frames.count == 4)
      #expect(clip.width == 32 && clip.height == 32)
      #expect(clip.fps == 8)
    }
  }

  @Test func crashFailsWithStatusAndKeepsOutputInTheLog() async throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let program = try scratch.script(
      "crash.py",
      "open(os.environ['COUNT'], 'a').write('x')\nprint('CUDA out of memory', file=sys.stderr)\nsys.exit(3)\n"
    )
    let count = scratch.file("count")
    let command = generator(
      scratch, ["python3", program, "{request}", "{out}"], retries: 2, env: ["COUNT": count])
    let request = GenerationRequest(scenario: tinyScenario(), seed: 0)
    await #expect(throws: GeneratorError.self) { try await command.generate(request) }
    do {
      _ = try await command.generate(request)
    } catch let error as GeneratorError {
      #expect(error.description.hasPrefix("'python3' exited with status 3 (log: "))
    }
    // Two runs of three attempts each (one try and two retries).
    #expect(try String(contentsOfFile: count, encoding: .utf8) == String(repeating: "x", count: 6))
    let log = try String(contentsOfFile: command.logPath(for: request), encoding: .utf8)
    #expect(log.components(separatedBy: "CUDA out of memory").count - 1 == 6)
    #expect(command.logPath(for: request).hasSuffix("logs/test-command/falling-cups__tiny_s0.log"))
  }

  @Test func hangIsKilledAtTheTimeoutWithItsChildrenAndReaped() async throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let program = try scratch.script(
      "hang.py",
      """
      import subprocess, time
      child = subprocess.Popen(['sleep', '60'])
      open(os.environ['CHILD'], 'w').write(str(child.pid))
      time.sleep(60)
      """)
    let childFile = scratch.file("child")
    // 3 s: enough for python3 to start and spawn its child on a busy machine.
    var command = generator(scratch, ["python3", program], timeout: 3, env: ["CHILD": childFile])
    let pids = Box<Int32>()
    command.onStart = { pids.append($0) }
    let request = GenerationRequest(scenario: tinyScenario(), seed: 0)
    do {
      _ = try await command.generate(request)
      Issue.record("a hanging program produced a clip")
    } catch let error as GeneratorError {
      #expect(error.description.hasPrefix("'python3' timed out after 3 s and was killed"))
    }
    #expect(pids.values.count == 1)
    // The program was reaped (no zombie: the pid is gone) and its child died with its group.
    let pid = try #require(pids.values.first)
    #expect(kill(pid, 0) == -1 && errno == ESRCH)
    let child = try #require(Int32(String(contentsOfFile: childFile, encoding: .utf8)))
    #expect(isNotRunning(child))
  }

  @Test func wrongFrameCountFailsTheSample() async throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let program = try scratch.script(
      "short.py",
      """
      request = json.load(open(sys.argv[1]))
      request["num_frames"] -= 1
      plumb_example.write_frames(sys.argv[2], plumb_example.procedural_frames(request, []), request["width"], request["height"])
      """)
    let command = generator(scratch, ["python3", program, "{request}", "{out}"])
    do {
      _ = try await command.generate(GenerationRequest(scenario: tinyScenario(), seed: 0))
      Issue.record("a clip one frame short was accepted")
    } catch let error as GeneratorError {
      #expect(error.description.hasPrefix("the output of 'python3' (log: "))
      #expect(error.description.hasSuffix(") has 3 frames, 4 were asked for"))
    }
  }

  @Test func emptyOutputNamesWhatWasExpected() async throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let program = try scratch.script("nothing.py", "print('done')\n")
    let command = generator(scratch, ["python3", program, "{request}", "{out}"])
    do {
      _ = try await command.generate(GenerationRequest(scenario: tinyScenario(), seed: 0))
      Issue.record("an empty output folder was accepted")
    } catch let error as GeneratorError {
      #expect(
        error.description.contains(
          "wrote no readable clip: the output folder holds no PNG frames and no video file (found: nothing)"
        ))
    }
  }

  @Test func promptReachesTheProgramUninterpreted() async throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let marker = scratch.file("pwned")
    let prompt =
      "a \"quoted\" cup, 'single' $(touch \(marker)) `touch \(marker)` $HOME {out}\nsecond line; rm -rf /"
    let program = try scratch.script(
      "echo.py",
      """
      request = json.load(open(sys.argv[1]))
      json.dump({"argv": sys.argv[1:], "prompt": request["prompt"]}, open(os.environ['ECHO'], 'w'))
      plumb_example.write_frames(sys.argv[2], plumb_example.procedural_frames(request, []), request["width"], request["height"])
      """)
    let echo = scratch.file("echo.json")
    let command = generator(
      scratch, ["python3", program, "{request}", "{out}", "{prompt}", "{seed}"], env: ["ECHO": echo]
    )
    _ = try await command.generate(
      GenerationRequest(scenario: tinyScenario(prompt: prompt), seed: 7))
    let seen =
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: echo)))
      as! [String: Any]
    let argv = seen["argv"] as! [String]
    #expect(argv.count == 4)
    #expect(argv[2] == prompt)
    #expect(argv[3] == "7")
    #expect(seen["prompt"] as? String == prompt)
    #expect(!FileManager.default.fileExists(atPath: marker))
  }

  @Test func conditioningFramesAndCamerasReachTheProgram() async throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let program = try scratch.script(
      "conditioned.py",
      """
      request = json.load(open(sys.argv[1]))
      conditioning = plumb_example.conditioning_from_files(request)
      json.dump({"request": request, "rows": [[list(r) for r in f] for f in conditioning]}, open(os.environ['ECHO'], 'w'))
      plumb_example.write_frames(sys.argv[2], plumb_example.procedural_frames(request, conditioning), request["width"], request["height"])
      """)
    let echo = scratch.file("echo.json")
    let scenario = tinyScenario(conditioning: 2)
    let request = GenerationRequest(scenario: scenario, seed: 0)
    #expect(request.conditioningFrames == 2)
    let clip = try await generator(
      scratch, ["python3", program, "{request}", "{out}"], env: ["ECHO": echo]
    )
    .generate(request)
    let seen =
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: echo)))
      as! [String: Any]
    let sent = seen["request"] as! [String: Any]
    #expect(sent["conditioning_frames"] as? Int == 2)
    #expect((sent["conditioning_images"] as? [String])?.count == 2)
    // The program saw the reference rendering's first frames, to the byte, and returned them.
    let reference = try await ReferenceGenerator().generate(request)
    let rows = seen["rows"] as! [[[Int]]]
    for k in 0..<2 {
      #expect(rows[k].flatMap { $0 }.map(UInt8.init) == reference.frames[k].pixels)
      #expect(clip.frames[k] == reference.frames[k])
    }
    // One camera per frame; fy = (height/2)/tan(fov/2) = 16/tan(25°) for this scenario.
    let cameras = sent["camera"] as! [[String: Any]]
    #expect(cameras.count == 4)
    let k = cameras[0]["K"] as! [[Double]]
    #expect(abs(k[1][1] - 16 / tan(25 * Double.pi / 180)) < 1e-9)
    #expect(k[0][2] == 16 && k[1][2] == 16)
  }
}
