import Dispatch

extension Array where Element: Sendable {
  /// `transform` of every element, computed concurrently, in the original order. Each
  /// iteration writes only its own slot, and the slots are read after `concurrentPerform`
  /// returns, so the result does not depend on how the iterations were scheduled.
  func concurrentMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
    var out = [T?](repeating: nil, count: count)
    out.withUnsafeMutableBufferPointer { slots in
      let slots = DisjointSlots(buffer: slots)
      DispatchQueue.concurrentPerform(iterations: count) { k in
        slots.buffer[k] = transform(self[k])
      }
    }
    return out.map { $0! }
  }
}

/// Disjoint slots written by concurrent iterations (see `concurrentMap`).
private struct DisjointSlots<T>: @unchecked Sendable {
  let buffer: UnsafeMutableBufferPointer<T>
}
