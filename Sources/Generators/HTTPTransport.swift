import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// One HTTP exchange's answer.
struct HTTPAnswer: Sendable {
  var status: Int
  var headers: [String: String]
  var body: Data

  func header(_ name: String) -> String? {
    headers.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value
  }
}

/// Why an exchange gave no answer.
enum TransportFailure: Error, Sendable {
  /// The body grew past the limit; the exchange was cancelled.
  case tooLarge(limit: Int)
  /// No complete answer within the exchange's time.
  case timedOut(seconds: Double)
  /// Refused, reset, DNS and the like: worth a retry.
  case network(String)
}

/// Sends one request with URLSession, cancelling it when the body passes `limit` bytes or the
/// exchange runs past `timeout` seconds (URLSession's own timeout only notices silence, not
/// a server that trickles bytes).
enum HTTPTransport {
  static func send(_ request: URLRequest, limit: Int, timeout: Double) async throws -> HTTPAnswer {
    let receiver = LimitedReceiver(limit: limit)
    let session = URLSession(configuration: .ephemeral, delegate: receiver, delegateQueue: nil)
    defer { session.finishTasksAndInvalidate() }
    var request = request
    request.timeoutInterval = max(0.001, timeout)
    let task = session.dataTask(with: request)
    return try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { continuation in
        receiver.start(continuation)
        task.resume()
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
          if receiver.markTimedOut() { task.cancel() }
        }
      }
    } onCancel: {
      task.cancel()
    }
  }
}

/// Collects one task's answer. URLSession calls it on its delegate queue; the lock guards the
/// fields against the timeout timer, which runs elsewhere.
private final class LimitedReceiver: NSObject, URLSessionDataDelegate, @unchecked Sendable {
  private let limit: Int
  private let lock = NSLock()
  private var data = Data()
  private var response: HTTPURLResponse?
  private var tooLarge = false
  private var timedOut = false
  private var finished = false
  private var continuation: CheckedContinuation<HTTPAnswer, Error>?

  init(limit: Int) { self.limit = limit }

  func start(_ continuation: CheckedContinuation<HTTPAnswer, Error>) {
    lock.withLock { self.continuation = continuation }
  }

  /// True when the exchange was still going and now counts as timed out.
  func markTimedOut() -> Bool {
    lock.withLock {
      guard !finished else { return false }
      timedOut = true
      return true
    }
  }

  func urlSession(
    _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
  ) {
    let http = response as? HTTPURLResponse
    let declared = response.expectedContentLength
    let refuse = lock.withLock {
      self.response = http
      if declared > Int64(limit) { tooLarge = true }
      return tooLarge
    }
    completionHandler(refuse ? .cancel : .allow)
  }

  func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
    let over = lock.withLock {
      if self.data.count + data.count > limit {
        tooLarge = true
      } else {
        self.data.append(data)
      }
      return tooLarge
    }
    if over { dataTask.cancel() }
  }

  func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
    let (continuation, result):
      (CheckedContinuation<HTTPAnswer, Error>?, Result<HTTPAnswer, Error>) = lock.withLock {
        finished = true
        let c = self.continuation
        self.continuation = nil
        if tooLarge { return (c, .failure(TransportFailure.tooLarge(limit: limit))) }
        if timedOut { return (c, .failure(TransportFailure.timedOut(seconds: 0))) }
        if let error {
          if (error as? URLError)?.code == .timedOut {
            return (c, .failure(TransportFailure.timedOut(seconds: 0)))
          }
          if (error as? URLError)?.code == .cancelled { return (c, .failure(CancellationError())) }
          return (c, .failure(TransportFailure.network(describe(error))))
        }
        guard let response else {
          return (c, .failure(TransportFailure.network("no HTTP response")))
        }
        var headers: [String: String] = [:]
        for (key, value) in response.allHeaderFields {
          if let key = key as? String, let value = value as? String { headers[key] = value }
        }
        return (c, .success(HTTPAnswer(status: response.statusCode, headers: headers, body: data)))
      }
    continuation?.resume(with: result)
  }
}

/// A network error in a few words; URLError's own text on Linux is only a domain and a number.
private func describe(_ error: Error) -> String {
  guard let error = error as? URLError else { return error.localizedDescription }
  switch error.code {
  case .cannotConnectToHost: return "connection refused"
  case .cannotFindHost, .dnsLookupFailed: return "host not found"
  case .networkConnectionLost: return "connection lost"
  case .notConnectedToInternet: return "no network"
  case .secureConnectionFailed, .serverCertificateUntrusted: return "TLS failure"
  case .badServerResponse: return "malformed HTTP response"
  default: return "network error \(error.code.rawValue)"
  }
}
