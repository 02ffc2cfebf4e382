import Foundation
import Generators
import Media
import Scenarios
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// The http adapter against examples/video_server.py on 127.0.0.1, healthy and with each fault
/// it can inject. Short polls and backoffs keep every test well under a few seconds.
@Suite struct HTTPGeneratorTests {
  func settings(_ url: String, _ change: (inout HTTPSettings) -> Void = { _ in }) -> HTTPSettings {
    var settings = HTTPSettings(
      url: url, model: "example", timeout: 60, requestTimeout: 20, pollInterval: 0.05, retries: 2,
      backoff: 0.05,
      maxBytes: 1 << 20)
    change(&settings)
    return settings
  }

  func failure(
    _ generator: HTTPGenerator,
    _ request: GenerationRequest = GenerationRequest(scenario: tinyScenario(), seed: 0)
  )
    async -> String
  {
    do {
      _ = try await generator.generate(request)
      return "no error"
    } catch {
      return "\(error)"
    }
  }

  @Test(arguments: ["y4m"] + (hasFFmpeg ? ["mp4"] : []))
  func makesTheClipThroughSubmitPollAndDownload(format: String) async throws {
    let server = try ExampleServer(
      format: format, environment: ["SERVER_TOKEN": "s3cret-token"], tokenEnv: "SERVER_TOKEN")
    defer { server.stop() }
    let generator = HTTPGenerator(
      name: "example", settings: settings(server.url) { $0.tokenEnvironment = "CLIENT_TOKEN" },
      environment: ["CLIENT_TOKEN": "s3cret-token"])
    let request = GenerationRequest(scenario: tinyScenario(conditioning: 1), seed: 2)
    let clip = try await generator.generate(request)
    #expect(clip.frames.count == 4)
    #expect(clip.width == 32 && clip.height == 32)
    // The example model starts from the input_reference image, so frame 0 comes back as the
    // reference engine drew it, give or take the video's colour conversion: 8-bit RGB to
    // limited-range YUV and back moves a channel by at most 2 levels; H.264 at CRF 10 adds a
    // little more on the mp4 path.
    let reference = try await ReferenceGenerator().generate(request).frames[0].pixels
    let differences = zip(clip.frames[0].pixels, reference).map { abs(Int($0) - Int($1)) }
    #expect(differences.max()! <= (format == "y4m" ? 2 : 24))
    #expect(
      Double(differences.reduce(0, +)) / Double(differences.count) <= (format == "y4m" ? 1 : 4))
  }

  @Test func repeatedRequestReachesTheJobAlreadyMade() async throws {
    let server = try ExampleServer()
    defer { server.stop() }
    // A second plumb process (a resumed run) asks again: the Idempotency-Key, a hash of the
    // body, lets the server hand back the first job instead of generating another.
    for _ in 0..<2 {
      let generator = HTTPGenerator(name: "example", settings: settings(server.url))
      _ = try await generator.generate(GenerationRequest(scenario: tinyScenario(), seed: 3))
    }
    _ = try await HTTPGenerator(name: "example", settings: settings(server.url))
      .generate(GenerationRequest(scenario: tinyScenario(), seed: 4))
    let (data, _) = try await URLSession.shared.data(from: URL(string: server.url + "/v1/videos")!)
    let list = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    #expect((list?["data"] as? [Any])?.count == 2)
  }

  @Test func wrongTokenIsRefusedWithoutRepeatingIt() async throws {
    let server = try ExampleServer(
      format: "y4m", environment: ["SERVER_TOKEN": "right-token"], tokenEnv: "SERVER_TOKEN")
    defer { server.stop() }
    let generator = HTTPGenerator(
      name: "example", settings: settings(server.url) { $0.tokenEnvironment = "CLIENT_TOKEN" },
      environment: ["CLIENT_TOKEN": "wrong-token-123"])
    let message = await failure(generator)
    #expect(message == "POST /v1/videos: HTTP 401: missing or wrong bearer token")
    #expect(!message.contains("wrong-token-123"))
    let unset = HTTPGenerator(
      name: "example", settings: settings(server.url) { $0.tokenEnvironment = "CLIENT_TOKEN" },
      environment: [:])
    #expect(await failure(unset) == "the token variable CLIENT_TOKEN is not set")
  }

  @Test func serverErrorIsRetried() async throws {
    let server = try ExampleServer(fault: "500-once")
    defer { server.stop() }
    let clip = try await HTTPGenerator(name: "example", settings: settings(server.url))
      .generate(GenerationRequest(scenario: tinyScenario(), seed: 0))
    #expect(clip.frames.count == 4)
    let second = try ExampleServer(fault: "500-once")
    defer { second.stop() }
    let noRetry = HTTPGenerator(name: "example", settings: settings(second.url) { $0.retries = 0 })
    #expect(
      await failure(noRetry)
        == "POST /v1/videos: HTTP 500: internal error (injected fault) (after 1 attempt)")
  }

  @Test func rateLimitWaitsAsLongAsRetryAfterSays() async throws {
    let server = try ExampleServer(fault: "429-once", extra: ["--retry-after", "0.1"])
    defer { server.stop() }
    // The backoff alone (600 s) would not fit in the 60 s job; only Retry-After's 0.1 s does.
    let generator = HTTPGenerator(
      name: "example",
      settings: settings(server.url) {
        $0.backoff = 600
        $0.timeout = 60
      })
    let clip = try await generator.generate(GenerationRequest(scenario: tinyScenario(), seed: 0))
    #expect(clip.frames.count == 4)
  }

  @Test func failedJobReportsTheServersReason() async throws {
    let server = try ExampleServer(fault: "fail")
    defer { server.stop() }
    let message = await failure(HTTPGenerator(name: "example", settings: settings(server.url)))
    #expect(message.hasPrefix("job video_"))
    #expect(
      message.hasSuffix(" failed on the server: the model ran out of memory (injected fault)"))
  }

  @Test func stalledPollRunsIntoTheJobTimeout() async throws {
    let server = try ExampleServer(fault: "slow-poll")
    defer { server.stop() }
    let generator = HTTPGenerator(
      name: "example",
      settings: settings(server.url) {
        $0.requestTimeout = 1
        $0.timeout = 3
      })
    let start = ContinuousClock.now
    let message = await failure(generator)
    // Either the stalled poll or the job's deadline is reported, depending on which ends first.
    #expect(message.hasPrefix("GET /v1/videos/video_") || message.hasPrefix("job video_"))
    #expect(message.contains("timed out") || message.contains("no answer within"))
    // Bounded by the 3 s job timeout, not the server's 30 s stall (generous margin for CI).
    #expect(ContinuousClock.now - start < .seconds(15))
  }

  @Test func malformedJSONIsAClearError() async throws {
    let server = try ExampleServer(fault: "malformed")
    defer { server.stop() }
    let message = await failure(HTTPGenerator(name: "example", settings: settings(server.url)))
    #expect(
      message
        == "\(server.url): expected a JSON object, got 28 bytes starting '{\"id\": \"video_1\", \"status\": '"
    )
  }

  @Test func oversizedContentIsCutOff() async throws {
    let server = try ExampleServer(fault: "oversized")
    defer { server.stop() }
    let message = await failure(HTTPGenerator(name: "example", settings: settings(server.url)))
    #expect(message.hasSuffix("/content: the response is larger than the limit of 1048576 bytes"))
  }

  @Test func refusedConnectionIsRetriedThenReported() async throws {
    let message = await withRefusingPort { port in
      await failure(HTTPGenerator(name: "example", settings: settings("http://127.0.0.1:\(port)")))
    }
    #expect(message == "POST /v1/videos: connection refused (after 3 attempts)")
  }
}

extension ExampleServer {
  convenience init(format: String, environment: [String: String], tokenEnv: String) throws {
    try self.init(format: format, extra: ["--token-env", tokenEnv], environment: environment)
  }

}
