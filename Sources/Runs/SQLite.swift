import CSQLite
import Foundation

/// An error from SQLite, with the database file it concerns.
public struct StoreError: Error, CustomStringConvertible, Equatable {
  public let path: String
  public let message: String

  public init(path: String, message: String) {
    self.path = path
    self.message = message
  }

  public var description: String { "\(path): \(message)" }
}

/// SQLite's "copy the bytes now" destructor, which the C header spells as a cast of -1.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// One SQLite connection. Not thread-safe: the store owns it and serialises access.
final class SQLiteConnection {
  let path: String
  private var handle: OpaquePointer?

  init(path: String, create: Bool) throws {
    self.path = path
    let flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX
    let status = sqlite3_open_v2(path, &handle, flags, nil)
    guard status == SQLITE_OK else {
      let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
      sqlite3_close(handle)
      handle = nil
      throw StoreError(path: path, message: "cannot open the run store (\(message))")
    }
    sqlite3_busy_timeout(handle, 5000)
  }

  deinit { sqlite3_close(handle) }

  func execute(_ sql: String) throws {
    var error: UnsafeMutablePointer<CChar>?
    if sqlite3_exec(handle, sql, nil, nil, &error) != SQLITE_OK {
      let message = error.map { String(cString: $0) } ?? "unknown error"
      sqlite3_free(error)
      throw StoreError(path: path, message: message)
    }
  }

  /// Runs `body` in one transaction: all of its writes land, or none do.
  func transaction<T>(_ body: () throws -> T) throws -> T {
    try execute("BEGIN IMMEDIATE")
    do {
      let result = try body()
      try execute("COMMIT")
      return result
    } catch {
      try? execute("ROLLBACK")
      throw error
    }
  }

  /// Prepares `sql`, binds `values` to its `?` placeholders in order, and steps through the
  /// rows, handing each to `row`.
  func query(_ sql: String, _ values: [SQLValue] = [], row: (SQLRow) throws -> Void = { _ in }) throws {
    var statement: OpaquePointer?
    guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else {
      throw StoreError(path: path, message: String(cString: sqlite3_errmsg(handle)))
    }
    defer { sqlite3_finalize(statement) }
    for (index, value) in values.enumerated() {
      let position = Int32(index + 1)
      switch value {
      case .null: sqlite3_bind_null(statement, position)
      case .integer(let v): sqlite3_bind_int64(statement, position, v)
      case .real(let v): sqlite3_bind_double(statement, position, v)
      case .text(let v): sqlite3_bind_text(statement, position, v, -1, transient)
      case .blob(let v):
        _ = v.withUnsafeBytes { raw in
          sqlite3_bind_blob(statement, position, raw.baseAddress, Int32(raw.count), transient)
        }
      }
    }
    while true {
      let status = sqlite3_step(statement)
      if status == SQLITE_DONE { return }
      guard status == SQLITE_ROW else {
        throw StoreError(path: path, message: String(cString: sqlite3_errmsg(handle)))
      }
      try row(SQLRow(statement: statement))
    }
  }
}

enum SQLValue {
  case null
  case integer(Int64)
  case real(Double)
  case text(String)
  case blob(Data)

  init(_ value: Double?) { self = value.map { .real($0) } ?? .null }
  init(_ value: String?) { self = value.map { .text($0) } ?? .null }
}

/// The current row of a query; valid only inside the row callback.
struct SQLRow {
  fileprivate let statement: OpaquePointer?

  func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }
  func integer(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }
  func real(_ column: Int32) -> Double { sqlite3_column_double(statement, column) }
  func text(_ column: Int32) -> String? {
    sqlite3_column_text(statement, column).map { String(cString: $0) }
  }
  func blob(_ column: Int32) -> Data {
    let count = Int(sqlite3_column_bytes(statement, column))
    guard count > 0, let bytes = sqlite3_column_blob(statement, column) else { return Data() }
    return Data(bytes: bytes, count: count)
  }
}
