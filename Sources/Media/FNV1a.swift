/// FNV-1a, 64 bits, of `bytes`: a hash that is the same in every process (Swift's `Hasher` is
/// not), for seeds drawn from names and for telling byte-identical data apart. `basis`
/// continues an earlier hash, so a sequence of buffers hashes as their concatenation.
public func fnv1a<Bytes: Sequence<UInt8>>(_ bytes: Bytes, continuing basis: UInt64 = fnv1aOffsetBasis) -> UInt64 {
  bytes.reduce(basis) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
}

/// FNV-1a's starting value, the hash of no bytes.
public let fnv1aOffsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
