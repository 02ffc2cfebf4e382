import Foundation
import Generators
import Media
import Scenarios
import Testing

@Suite struct ClipCacheTests {
  struct Interrupted: Error {}

  @Test func secondRunReadsTheCacheInsteadOfTheGenerator() async throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let program = try scratch.script(
      "count.py",
      """
      open(os.environ['COUNT'], 'a').write('x')
      request = json.load(open(sys.argv[1]))
      plumb_example.write_frames(sys.argv[2], plumb_example.procedural_frames(request, []), request["width"], request["height"])
      """)
    let count = scratch.file("count")
    let file = try GeneratorsFile.parse(
      """
      counted:
        command: [python3, \(program), "{request}", "{out}"]
        env: {COUNT: \(count)}
      """, path: scratch.file("generators.yaml"))
    let options = GeneratorOptions(cacheRoot: scratch.file("cache"))
    let request = GenerationRequest(scenario: tinyScenario(), seed: 4)
    let (first, firstOrigin) = try await GeneratorRegistry.make("counted", file: file, options: options)
      .clip(for: request)
    let (second, secondOrigin) = try await GeneratorRegistry.make("counted", file: file, options: options)
      .clip(for: request)
    #expect(try String(contentsOfFile: count, encoding: .utf8) == "x")
    // The runner's progress counts clips read back from the cache.
    #expect(firstOrigin == .generated)
    #expect(secondOrigin == .cached)
    // PNG is lossless: the cached clip is the generated one, pixel for pixel.
    #expect(second.frames == first.frames)
    #expect(second.fps == 8)
    // Another seed is another clip; --regenerate makes one again.
    _ = try await GeneratorRegistry.make("counted", file: file, options: options)
      .generate(GenerationRequest(scenario: tinyScenario(), seed: 5))
    var again = options
    again.regenerate = true
    _ = try await GeneratorRegistry.make("counted", file: file, options: again).generate(request)
    #expect(try String(contentsOfFile: count, encoding: .utf8) == "xxx")
  }

  @Test func writeStoppedHalfWayLeavesNoEntry() throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let cache = ClipCache(root: scratch.path)
    let frames = (0..<4).map { RGBImage(width: 8, height: 8, fill: RGB(UInt8($0 * 60), 0, 0)) }
    let key = String(repeating: "ab", count: 32)
    var written = 0
    #expect(throws: Interrupted.self) {
      try cache.store(Clip(frames: frames, fps: 8), key: key, generator: "g") { image, path in
        if written == 2 { throw Interrupted() }
        try PNGCodec.write(image, path: path)
        written += 1
      }
    }
    #expect(written == 2)
    #expect(cache.load(key: key) == nil)
    #expect(!FileManager.default.fileExists(atPath: cache.entryPath(key: key)))
    #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.file("tmp")).isEmpty)
  }

  @Test func scratchLeftByAKilledProcessIsNeverTakenForAClip() throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let cache = ClipCache(root: scratch.path)
    let key = String(repeating: "cd", count: 32)
    // What a process killed between two frames leaves: a scratch folder with some frames.
    let leftover = scratch.file("tmp/\(key)-killed")
    try FrameFolder.write(Clip(frames: [RGBImage(width: 8, height: 8)], fps: 8), to: leftover)
    #expect(cache.load(key: key) == nil)
    // An entry folder without its clip.json (written last) does not count either.
    try FrameFolder.write(
      Clip(frames: [RGBImage(width: 8, height: 8)], fps: 8), to: cache.entryPath(key: key))
    #expect(cache.load(key: key) == nil)
    // A complete store is read back.
    try cache.store(
      Clip(frames: [RGBImage(width: 8, height: 8, fill: RGB(1, 2, 3))], fps: 8), key: key,
      generator: "g")
    #expect(cache.load(key: key)?.frames.first?[0, 0] == RGB(1, 2, 3))
  }

  @Test func sweepRemovesOnlyStaleScratch() throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let cache = ClipCache(root: scratch.path)
    for name in ["tmp/old", "tmp/fresh", "work/old-sample", "clips/ab/old-entry"] {
      try FileManager.default.createDirectory(
        atPath: scratch.file(name), withIntermediateDirectories: true)
    }
    let twoDaysAgo = Date(timeIntervalSinceNow: -2 * 86_400)
    for name in ["tmp/old", "work/old-sample", "clips/ab/old-entry"] {
      try FileManager.default.setAttributes(
        [.modificationDate: twoDaysAgo], ofItemAtPath: scratch.file(name))
    }
    #expect(cache.sweepScratch() == 2)
    #expect(!FileManager.default.fileExists(atPath: scratch.file("tmp/old")))
    #expect(!FileManager.default.fileExists(atPath: scratch.file("work/old-sample")))
    #expect(FileManager.default.fileExists(atPath: scratch.file("tmp/fresh")))
    // Cache entries are never swept, however old.
    #expect(FileManager.default.fileExists(atPath: scratch.file("clips/ab/old-entry")))
  }

  @Test func keyIgnoresSecretsTimeoutsAndChecksButNotTheModel() throws {
    let cache = ClipCache(root: "/unused")
    let request = GenerationRequest(scenario: tinyScenario(), seed: 0)
    func key(_ env: [String: String], timeout: Double = 600, argv: [String] = ["run", "{out}"])
      throws -> String
    {
      let configuration = GeneratorConfiguration.command(
        CommandSettings(arguments: argv, environment: env, timeout: timeout))
      return try cache.key(identity: configuration.cacheIdentity, request: request)
    }
    let base = try key(["HF_TOKEN": "a", "MODEL": "step-100"])
    #expect(try key(["HF_TOKEN": "b", "MODEL": "step-100"], timeout: 30) == base)
    #expect(try key(["HF_TOKEN": "a", "MODEL": "step-200"]) != base)
    #expect(try key(["HF_TOKEN": "a", "MODEL": "step-100"], argv: ["run2", "{out}"]) != base)
    var other = request
    other.scenario.checks = []
    #expect(
      try cache.key(
        identity: GeneratorConfiguration.command(
          CommandSettings(
            arguments: ["run", "{out}"], environment: ["HF_TOKEN": "a", "MODEL": "step-100"])
        ).cacheIdentity,
        request: other) == base)
    other.seed = 1
    #expect(
      try cache.key(identity: Data(), request: other)
        != (try cache.key(identity: Data(), request: request)))
    #expect(base.count == 64)
  }
}
