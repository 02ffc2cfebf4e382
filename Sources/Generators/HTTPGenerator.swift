import Foundation
import Media

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// A generator server speaking the OpenAI-compatible Videos API (docs/generator-http-api.yaml):
/// `POST /v1/videos` creates a job, `GET /v1/videos/{id}` is polled until `completed` or
/// `failed`, `GET /v1/videos/{id}/content` returns the video.
///
/// The job is a JSON body: `model`, `prompt`, `seconds` (a string, as OpenAI's API has it),
/// `size` ("WxH"), `seed`, `fps`, `num_frames`; with conditioning, `input_reference` is the first
/// conditioning frame as a `data:image/png;base64,…` URL and `conditioning_frames` lists them
/// all; with a moving camera, `camera` holds every frame's K, R, t (OpenCV conventions).
public struct HTTPGenerator: Generator {
  public let name: String
  public let settings: HTTPSettings
  /// Where the bearer token is looked up (by `settings.tokenEnvironment`); the process's
  /// environment unless a test says otherwise.
  public var environment: [String: String]

  public init(
    name: String, settings: HTTPSettings,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) {
    self.name = name
    self.settings = settings
    self.environment = environment
  }

  public func generate(_ request: GenerationRequest) async throws -> Clip {
    let prepared = try PreparedRequest(request)
    let deadline = ContinuousClock.now + .milliseconds(Int64(settings.timeout * 1000))
    let created = try await json(
      try await exchange("POST", "v1/videos", body: try jobBody(prepared), deadline: deadline))
    // Ids go into URL paths: only the characters job ids are made of in practice.
    guard let id = created["id"] as? String, !id.isEmpty,
      id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.~".contains($0)) })
    else {
      throw GeneratorError("\(settings.url): the created job has no usable 'id'")
    }
    var status = created["status"] as? String ?? "queued"
    var job = created
    while status != "completed" {
      // OpenAI's API ends a job 'failed'; gateways also say 'cancelled' or 'expired'.
      if ["failed", "cancelled", "canceled", "expired"].contains(status) {
        let error = job["error"] as? [String: Any]
        let message = error?["message"] as? String ?? job["error"] as? String ?? "no reason given"
        let verb = status == "failed" ? "failed" : "was \(status)"
        throw GeneratorError("job \(id) \(verb) on the server: \(clipped(message))")
      }
      guard ContinuousClock.now + .milliseconds(Int64(settings.pollInterval * 1000)) < deadline
      else {
        throw GeneratorError(
          "job \(id) timed out after \(settings.timeout.formatted()) s (last status '\(status)')",
          transient: true)
      }
      try await Task.sleep(for: .milliseconds(Int64(settings.pollInterval * 1000)))
      job = try await json(
        try await exchange("GET", "v1/videos/\(id)", body: nil, deadline: deadline))
      status = job["status"] as? String ?? "?"
    }
    let content = try await exchange(
      "GET", "v1/videos/\(id)/content", body: nil, deadline: deadline)
    guard !content.body.isEmpty else {
      throw GeneratorError("job \(id): the server sent empty content")
    }
    let scratch = try TemporaryFolder(prefix: "plumb-http")
    defer { scratch.remove() }
    let file = (scratch.path as NSString).appendingPathComponent(
      "content.\(videoExtension(content))")
    try content.body.write(to: URL(fileURLWithPath: file))
    let clip: Clip
    do {
      clip = try await ClipDecoder.load(path: file, fps: request.fps)
    } catch {
      throw GeneratorError("job \(id): the content cannot be decoded (\(error))")
    }
    return try clip.verify(answers: request, source: "the video of job \(id)")
  }

  private func jobBody(_ prepared: PreparedRequest) throws -> Data {
    let document = prepared.document
    var body: [String: Any] = [
      "model": settings.model, "prompt": document.prompt, "seconds": document.seconds.formatted(),
      "size": "\(document.width)x\(document.height)", "seed": document.seed, "fps": document.fps,
      "num_frames": document.numFrames,
    ]
    if !prepared.conditioning.isEmpty {
      let urls = try prepared.conditioning.map {
        "data:image/png;base64," + (try PNGCodec.encode($0)).base64EncodedString()
      }
      body["input_reference"] = urls[0]
      body["conditioning_frames"] = urls
    }
    if prepared.movingCamera {
      body["camera"] = try JSONSerialization.jsonObject(with: canonicalJSON(document.camera))
    }
    for (key, text) in settings.extra where body[key] == nil {
      body[key] =
        Int(text).map { $0 as Any } ?? Double(text).map { $0 as Any } ?? Bool(text).map {
          $0 as Any
        } ?? text
    }
    return try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
  }

  /// One exchange, retried with exponential backoff after network errors, 429 (honouring
  /// Retry-After) and 5xx, within the job's deadline.
  private func exchange(
    _ method: String, _ path: String, body: Data?, deadline: ContinuousClock.Instant
  ) async throws
    -> HTTPAnswer
  {
    guard
      let url = URL(
        string: settings.url.hasSuffix("/") ? settings.url + path : settings.url + "/" + path)
    else {
      throw GeneratorError("'\(settings.url)' is not a URL")
    }
    var request = URLRequest(url: url)
    request.httpMethod = method
    request.httpBody = body
    if let body {
      request.setValue("application/json", forHTTPHeaderField: "Content-Type")
      // A POST retried after a lost answer may have created its job already; servers that
      // honour this header make the retry return that job instead of paying for another.
      request.setValue(SHA256.hex(body), forHTTPHeaderField: "Idempotency-Key")
    }
    if let variable = settings.tokenEnvironment {
      guard let token = environment[variable], !token.isEmpty else {
        throw GeneratorError("the token variable \(variable) is not set")
      }
      request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
    }
    let what = "\(method) \(url.path)"
    var attempt = 0
    while true {
      let remaining = seconds(deadline - ContinuousClock.now)
      guard remaining > 0 else {
        throw GeneratorError(
          "\(what): timed out after \(settings.timeout.formatted()) s in all", transient: true)
      }
      let problem: String
      var wait = settings.backoff * pow(2, Double(attempt))
      do {
        let answer = try await HTTPTransport.send(
          request, limit: settings.maxBytes, timeout: min(settings.requestTimeout, remaining))
        switch answer.status {
        case 200..<300:
          return answer
        case 429, 500...599:
          problem = "HTTP \(answer.status)\(serverMessage(answer))"
          if let after = answer.header("Retry-After").flatMap(Double.init) { wait = after }
        default:
          throw GeneratorError("\(what): HTTP \(answer.status)\(serverMessage(answer))")
        }
      } catch TransportFailure.tooLarge(let limit) {
        throw GeneratorError("\(what): the response is larger than the limit of \(limit) bytes")
      } catch TransportFailure.timedOut {
        problem = "no answer within \(min(settings.requestTimeout, remaining).formatted()) s"
      } catch TransportFailure.network(let reason) {
        problem = reason
      }
      attempt += 1
      let left = seconds(deadline - ContinuousClock.now)
      guard attempt <= settings.retries, wait < left else {
        throw GeneratorError(
          "\(what): \(problem) (after \(attempt) attempt\(attempt == 1 ? "" : "s"))",
          transient: true)
      }
      try await Task.sleep(for: .milliseconds(Int64(wait * 1000)))
    }
  }

  private func json(_ answer: HTTPAnswer) throws -> [String: Any] {
    guard let object = try? JSONSerialization.jsonObject(with: answer.body) as? [String: Any] else {
      throw GeneratorError(
        "\(settings.url): expected a JSON object, got \(answer.body.count) bytes starting "
          + "'\(clipped(String(decoding: answer.body.prefix(60), as: UTF8.self)))'")
    }
    return object
  }

  /// The server's own words about an error, when its body says any.
  private func serverMessage(_ answer: HTTPAnswer) -> String {
    let object = try? JSONSerialization.jsonObject(with: answer.body) as? [String: Any]
    let message =
      (object?["error"] as? [String: Any])?["message"] as? String ?? object?["error"] as? String
    return message.map { ": \(clipped($0))" } ?? ""
  }

  private func clipped(_ text: String) -> String {
    let line = text.replacingOccurrences(of: "\n", with: " ")
    return line.count > 200 ? line.prefix(197) + "..." : line
  }

  /// The file extension the decoder needs: from the content type, else from the first bytes.
  private func videoExtension(_ answer: HTTPAnswer) -> String {
    let type = answer.header("Content-Type")?.lowercased() ?? ""
    if type.contains("webm") { return "webm" }
    if type.contains("gif") { return "gif" }
    if type.contains("yuv4mpeg") || answer.body.starts(with: Data("YUV4MPEG2".utf8)) {
      return "y4m"
    }
    if answer.body.starts(with: Data("GIF8".utf8)) { return "gif" }
    if answer.body.starts(with: [0x1A, 0x45, 0xDF, 0xA3]) { return "webm" }
    return "mp4"
  }

  private func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
  }
}
