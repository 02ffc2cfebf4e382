import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Exact-size reads from a file descriptor, straight into the caller's buffer: a frame of a
/// pipe or file is read in as many `read(2)` calls as the kernel needs, without an
/// intermediate copy. The descriptor is not closed here; its owner closes it.
struct ByteReader {
  let fd: Int32

  /// Fills `buffer` unless the input ends first; returns how many bytes were read.
  func readFully(_ buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    var done = 0
    while done < buffer.count {
      let n = read(fd, buffer.baseAddress! + done, buffer.count - done)
      if n > 0 {
        done += n
      } else if n == 0 {
        break
      } else if errno != EINTR {
        throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
      }
    }
    return done
  }

  /// The bytes up to (not including) the next newline; nil when the input ends before any
  /// byte. Reading stops after `limit` + 1 bytes without a newline, so a binary file cannot
  /// make this read on; the caller tells such a line by its length.
  func readLine(limit: Int) throws -> [UInt8]? {
    var line: [UInt8] = []
    var byte: UInt8 = 0
    while true {
      let n = try withUnsafeMutableBytes(of: &byte) { try readFully($0) }
      if n == 0 { return line.isEmpty ? nil : line }
      if byte == 0x0A { return line }
      line.append(byte)
      if line.count > limit { return line }
    }
  }
}
