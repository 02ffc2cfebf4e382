import Foundation
import Scenarios
import Testing

@testable import Generators

@Suite struct GeneratorsFileTests {
  @Test func readsEachKindOfConfiguration() throws {
    let file = try GeneratorsFile.parse(
      """
      cogvideox-5b-step-12000:
        command: [python3, examples/command_generator.py, "{request}", "{out}"]
        env: {CHECKPOINT: /ckpt/step-12000, HF_TOKEN: abc}
        timeout: 900
        retries: 2
      gateway:
        http:
          url: https://videos.example.com
          model: wan-2.1
          token_env: GATEWAY_TOKEN
          poll_interval: 2
          extra: {guidance_scale: 6}
      old-clips:
        folder: clips/old
      """, path: "/work/project/generators.yaml")
    #expect(file.configurations.count == 3)
    #expect(
      file.configurations["cogvideox-5b-step-12000"]
        == .command(
          CommandSettings(
            arguments: ["python3", "examples/command_generator.py", "{request}", "{out}"],
            environment: ["CHECKPOINT": "/ckpt/step-12000", "HF_TOKEN": "abc"], timeout: 900,
            retries: 2)))
    var http = HTTPSettings(
      url: "https://videos.example.com", model: "wan-2.1", tokenEnvironment: "GATEWAY_TOKEN")
    http.pollInterval = 2
    http.extra = ["guidance_scale": "6"]
    #expect(file.configurations["gateway"] == .http(http))
    // A relative folder is read from where the generators file is.
    #expect(
      file.configurations["old-clips"] == .folder(FolderSettings(root: "/work/project/clips/old")))
  }

  @Test func errorsNameFileLineAndColumn() {
    let text = """
      reference:
        folder: x
      broken:
        command: python3 run.py
        timout: 5
      both:
        folder: a
        http: {url: b, model: c}
      remote:
        http:
          url: ftp://x
          retries: 1.5
      """
    #expect(throws: ScenarioErrors.self) { try GeneratorsFile.parse(text, path: "gen.yaml") }
    do {
      _ = try GeneratorsFile.parse(text, path: "gen.yaml")
    } catch {
      #expect(
        "\(error)" == """
          gen.yaml:1:1: 'reference' is built in and cannot be redefined
          gen.yaml:4:12: generator 'broken': 'command' must be a list of strings (the program and its arguments)
          gen.yaml:5:3: generator 'broken': unknown key 'timout' (expected 'command', 'env', 'timeout', 'retries')
          gen.yaml:7:3: generator 'both': has 'http' and 'folder'; choose one
          gen.yaml:10:3: generator 'remote': 'http' needs 'model'
          gen.yaml:11:10: generator 'remote': 'url' must be an http:// or https:// URL, found 'ftp://x'
          gen.yaml:12:14: generator 'remote': 'retries' must be a whole number ≥ 0, found '1.5'
          """)
    }
  }

  @Test func unknownGeneratorListsWhatIsKnown() throws {
    let file = try GeneratorsFile.parse("mine:\n  folder: /clips\n", path: "g.yaml")
    #expect(throws: UnknownGeneratorError.self) { try GeneratorRegistry.make("theirs", file: file) }
    do {
      _ = try GeneratorRegistry.make("theirs", file: file)
    } catch {
      #expect(
        "\(error)"
          == "unknown generator 'theirs' in g.yaml or built in (known: reference, reference:<defect>[=strength], mine)"
      )
    }
    #expect(try GeneratorRegistry.make("mine", file: file) is FolderGenerator)
    #expect(try GeneratorRegistry.make("reference", file: file) is ReferenceGenerator)
    #expect(try GeneratorRegistry.make("reference:gravity=0.7", file: file).name == "reference:gravity=0.7")
  }

  @Test func sha256MatchesTheStandardVectors() {
    // FIPS 180-4 examples: empty, one block, and two blocks after padding.
    #expect(
      SHA256.hex(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(
      SHA256.hex(Data("abc".utf8))
        == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(
      SHA256.hex(Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
        == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
  }
}
