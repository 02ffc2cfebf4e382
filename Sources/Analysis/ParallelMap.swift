import Foundation

/// `body(0) … body(count − 1)` computed concurrently, returned in index order, so the result
/// does not depend on scheduling.
func parallelMap<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
  var out = [T?](repeating: nil, count: count)
  out.withUnsafeMutableBufferPointer { buffer in
    let slots = DisjointSlots(buffer: buffer)
    // Each iteration writes only its own slot, and the slots are read after
    // `concurrentPerform` returns, so sharing the buffer is sound.
    withoutActuallyEscaping(body) { body in
      let work = UncheckedBody(body: body)
      DispatchQueue.concurrentPerform(iterations: count) { k in slots.buffer[k] = work.body(k) }
    }
  }
  return out.map { $0! }
}

private struct DisjointSlots<T>: @unchecked Sendable {
  let buffer: UnsafeMutableBufferPointer<T?>
}

/// The bodies passed in read shared immutable inputs only (frames, settings).
private struct UncheckedBody<T>: @unchecked Sendable {
  let body: (Int) -> T
}

extension Array where Element: Sendable {
  /// `transform` of every element, computed concurrently, in the original order.
  func concurrentMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
    parallelMap(count) { transform(self[$0]) }
  }
}
