import Analysis
import Foundation
import Scenarios

/// What a run was asked to do, kept with it so that `--resume` repeats exactly that, even if
/// scenario files changed since.
public struct RunPlan: Sendable, Hashable, Codable {
  public var generator: String
  /// The generator's configuration as recorded (secrets left out), for comparisons.
  public var configuration: String
  public var suite: String?
  public var scenarios: [Scenario]
  public var seeds: [UInt64]
  /// Run only the first `limit` samples of scenarios × seeds.
  public var limit: Int?

  public init(
    generator: String, configuration: String = "", suite: String? = nil, scenarios: [Scenario],
    seeds: [UInt64], limit: Int? = nil
  ) {
    self.generator = generator
    self.configuration = configuration
    self.suite = suite
    self.scenarios = scenarios
    self.seeds = seeds
    self.limit = limit
  }

  /// Every (scenario, seed) in run order, numbered by position, cut at `limit`.
  public var numberedJobs: [RunJob] {
    let all = scenarios.flatMap { scenario in seeds.map { (scenario, $0) } }
    return all.prefix(limit ?? all.count).enumerated().map {
      RunJob(position: $0.offset, scenario: $0.element.0, seed: $0.element.1)
    }
  }
}

/// One sample a run must make: a scenario at a seed, and its place in the run.
public struct RunJob: Sendable {
  public var position: Int
  public var scenario: Scenario
  public var seed: UInt64

  public init(position: Int, scenario: Scenario, seed: UInt64) {
    self.position = position
    self.scenario = scenario
    self.seed = seed
  }
}

/// Names a sample within a run.
public struct SampleKey: Sendable, Hashable {
  public var scenarioID: String
  public var seed: UInt64

  public init(scenarioID: String, seed: UInt64) {
    self.scenarioID = scenarioID
    self.seed = seed
  }
}

/// One line of `plumb runs list`.
public struct RunSummary: Sendable, Hashable, Codable {
  public var id: String
  public var generator: String
  public var suite: String?
  public var startedAt: Date
  public var finishedAt: Date?
  public var planned: Int
  public var done: Int
  public var failed: Int
}

/// The run store: one SQLite file (WAL) holding runs, their plans, samples and measurements.
///
/// Each sample is written in one transaction, so a process killed at any moment leaves
/// every finished sample whole and no half-written one. The store refuses files it did not
/// write and files from a newer Plumbline rather than overwriting them.
public final class RunStore: @unchecked Sendable {
  /// Bumped whenever the schema changes; older stores are migrated, newer ones refused.
  public static let schemaVersion: Int64 = 1
  /// 'PLMB': marks a SQLite file as a Plumbline store.
  static let applicationID: Int64 = 0x504C_4D42

  public let path: String
  private let connection: SQLiteConnection
  // SQLite connections are not thread-safe; every call goes through this lock.
  private let lock = NSLock()

  /// Opens the store at `path`, creating it (and its folder) when absent.
  public init(path: String) throws {
    self.path = path
    let folder = (path as NSString).deletingLastPathComponent
    if !folder.isEmpty {
      try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }
    connection = try SQLiteConnection(path: path, create: true)
    try checkAndPrepare()
  }

  private func checkAndPrepare() throws {
    var application: Int64 = 0
    var version: Int64 = 0
    var tables: Int64 = 0
    do {
      try connection.query("PRAGMA application_id") { application = $0.integer(0) }
      try connection.query("PRAGMA user_version") { version = $0.integer(0) }
      try connection.query("SELECT count(*) FROM sqlite_master") { tables = $0.integer(0) }
    } catch let error as StoreError {
      throw StoreError(
        path: path, message: "is not a readable Plumbline run store (\(error.message)); "
          + "refusing to touch it: move it aside or pass another --store")
    }
    if tables > 0 && application != Self.applicationID {
      throw StoreError(
        path: path, message: "is an SQLite database that Plumbline did not write; "
          + "refusing to touch it: move it aside or pass another --store")
    }
    if version > Self.schemaVersion {
      throw StoreError(
        path: path, message: "was written by a newer Plumbline (store version \(version); this "
          + "one reads up to \(Self.schemaVersion)); refusing to change it")
    }
    try connection.execute("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON")
    if tables == 0 {
      try connection.transaction {
        try connection.execute(
          """
          PRAGMA application_id = \(Self.applicationID);
          PRAGMA user_version = \(Self.schemaVersion);
          CREATE TABLE runs(
            id TEXT PRIMARY KEY, generator TEXT NOT NULL, configuration TEXT NOT NULL,
            plumbline_version TEXT NOT NULL, suite TEXT, plan BLOB NOT NULL,
            planned INTEGER NOT NULL, started_at REAL NOT NULL, finished_at REAL);
          CREATE TABLE samples(
            run_id TEXT NOT NULL REFERENCES runs(id), scenario_id TEXT NOT NULL,
            seed INTEGER NOT NULL, position INTEGER NOT NULL, status TEXT NOT NULL,
            failure TEXT, record BLOB NOT NULL, PRIMARY KEY(run_id, scenario_id, seed));
          CREATE TABLE measurements(
            run_id TEXT NOT NULL, scenario_id TEXT NOT NULL, seed INTEGER NOT NULL,
            analyzer TEXT NOT NULL, subject TEXT, name TEXT NOT NULL, value REAL,
            unit TEXT NOT NULL, reference REAL, score REAL,
            PRIMARY KEY(run_id, scenario_id, seed, analyzer, name),
            FOREIGN KEY(run_id, scenario_id, seed) REFERENCES samples(run_id, scenario_id, seed));
          """)
      }
    }
  }

  private func locked<T>(_ body: () throws -> T) rethrows -> T {
    lock.lock()
    defer { lock.unlock() }
    return try body()
  }

  /// Records a new run and its plan.
  public func createRun(id: String, plan: RunPlan, startedAt: Date = Date()) throws {
    let planData = try Self.encoder.encode(plan)
    try locked {
      try connection.query(
        """
        INSERT INTO runs(id, generator, configuration, plumbline_version, suite, plan, planned,
                         started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [
          .text(id), .text(plan.generator), .text(plan.configuration), .text(Plumbline.version),
          SQLValue(plan.suite), .blob(planData), .integer(Int64(plan.numberedJobs.count)),
          .real(startedAt.timeIntervalSince1970),
        ])
    }
  }

  /// Saves one finished sample and its measurements in one transaction; saving a sample
  /// again replaces it.
  public func save(_ sample: SampleRecord, position: Int, runID: String) throws {
    let record = try Self.encoder.encode(sample)
    try locked {
      try connection.transaction {
        let key: [SQLValue] = [.text(runID), .text(sample.scenarioID), .integer(Int64(bitPattern: sample.seed))]
        try connection.query(
          "DELETE FROM measurements WHERE run_id = ? AND scenario_id = ? AND seed = ?", key)
        try connection.query(
          """
          INSERT OR REPLACE INTO samples(run_id, scenario_id, seed, position, status, failure, record)
          VALUES (?, ?, ?, ?, ?, ?, ?)
          """,
          key + [
            .integer(Int64(position)), .text(sample.status.rawValue), SQLValue(sample.failure),
            .blob(record),
          ])
        for result in sample.results {
          for m in result.measurements {
            try connection.query(
              """
              INSERT OR REPLACE INTO measurements(run_id, scenario_id, seed, analyzer, subject,
                name, value, unit, reference, score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
              """,
              key + [
                .text(result.analyzer), SQLValue(result.subject), .text(m.name),
                SQLValue(m.value), .text(m.unit), SQLValue(m.reference), SQLValue(m.score),
              ])
          }
        }
      }
    }
  }

  /// The (scenario, seed) pairs of a run that hold a sample that did not fail: the work a
  /// resumed run must not do again.
  public func finishedSamples(runID: String) throws -> Set<SampleKey> {
    var keys = Set<SampleKey>()
    try locked {
      try connection.query(
        "SELECT scenario_id, seed FROM samples WHERE run_id = ? AND status != 'failed'",
        [.text(runID)]
      ) { row in
        keys.insert(SampleKey(scenarioID: row.text(0) ?? "", seed: UInt64(bitPattern: row.integer(1))))
      }
    }
    return keys
  }

  /// Marks a run finished.
  public func finish(runID: String, at date: Date = Date()) throws {
    try locked {
      try connection.query(
        "UPDATE runs SET finished_at = ? WHERE id = ?",
        [.real(date.timeIntervalSince1970), .text(runID)])
    }
  }

  /// The plan a run was started with, or nil for an unknown run.
  public func plan(runID: String) throws -> RunPlan? {
    var data: Data?
    try locked {
      try connection.query("SELECT plan FROM runs WHERE id = ?", [.text(runID)]) {
        data = $0.blob(0)
      }
    }
    return try data.map { try Self.decoder.decode(RunPlan.self, from: $0) }
  }

  /// A whole run with its samples in plan order, or nil for an unknown run.
  public func run(id: String) throws -> RunRecord? {
    var record: RunRecord?
    try locked {
      try connection.query(
        "SELECT generator, plumbline_version, started_at, finished_at FROM runs WHERE id = ?",
        [.text(id)]
      ) { row in
        record = RunRecord(
          id: id, generator: row.text(0) ?? "", plumblineVersion: row.text(1) ?? "",
          startedAt: Date(timeIntervalSince1970: row.real(2)),
          finishedAt: row.isNull(3) ? nil : Date(timeIntervalSince1970: row.real(3)))
      }
      guard record != nil else { return }
      try connection.query(
        "SELECT record FROM samples WHERE run_id = ? ORDER BY position", [.text(id)]
      ) { row in
        record?.samples.append(try Self.decoder.decode(SampleRecord.self, from: row.blob(0)))
      }
    }
    return record
  }

  /// Every run, newest first.
  public func runs() throws -> [RunSummary] {
    var summaries: [RunSummary] = []
    try locked {
      try connection.query(
        """
        SELECT r.id, r.generator, r.suite, r.started_at, r.finished_at, r.planned,
               count(s.seed), coalesce(sum(s.status = 'failed'), 0)
        FROM runs r LEFT JOIN samples s ON s.run_id = r.id
        GROUP BY r.id ORDER BY r.started_at DESC, r.id DESC
        """
      ) { row in
        summaries.append(
          RunSummary(
            id: row.text(0) ?? "", generator: row.text(1) ?? "", suite: row.text(2),
            startedAt: Date(timeIntervalSince1970: row.real(3)),
            finishedAt: row.isNull(4) ? nil : Date(timeIntervalSince1970: row.real(4)),
            planned: Int(row.integer(5)), done: Int(row.integer(6)), failed: Int(row.integer(7))))
      }
    }
    return summaries
  }

  static let encoder = RecordJSON.encoder()
  static let decoder = RecordJSON.decoder()
}
