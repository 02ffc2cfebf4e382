import Foundation
import Media

/// Generated clips on disk, keyed by SHA-256 of (generator configuration without secrets,
/// request). Generation costs GPU minutes, so a clip once made is never made again unless asked.
///
/// Layout: `<root>/clips/<first two hex digits>/<key>/` holding `frame_00000.png`, … and
/// `clip.json`. An entry is written in a scratch folder under `<root>/tmp/` and renamed into
/// place, so a crash mid-write leaves at worst a scratch folder, never a partial entry.
public struct ClipCache: Sendable {
  public let root: String

  public init(root: String) {
    self.root = root
  }

  /// Bump when the key's inputs or the entry layout change.
  static let version = "plumb-clip-cache-1"

  /// The key of `request` made by a generator with `identity` (its configuration's cache identity).
  /// The scenario's checks are left out: which analyzers run does not change what is generated.
  public func key(identity: Data, request: GenerationRequest) throws -> String {
    var request = request
    request.scenario.checks = []
    var material = Data(Self.version.utf8)
    material.append(0x0A)
    material.append(identity)
    material.append(0x0A)
    material.append(try canonicalJSON(request))
    return SHA256.hex(material)
  }

  public func entryPath(key: String) -> String {
    [root, "clips", String(key.prefix(2)), key].reduce("") {
      ($0 as NSString).appendingPathComponent($1)
    }
  }

  /// The cached clip, or nil when there is none (or the entry cannot be read, which then counts
  /// as none: the clip is generated again).
  public func load(key: String) -> Clip? {
    let entry = entryPath(key: key)
    guard
      let data = FileManager.default.contents(
        atPath: (entry as NSString).appendingPathComponent("clip.json")),
      let info = try? JSONDecoder().decode(EntryInfo.self, from: data),
      let clip = try? FrameFolder.read(entry, fps: info.fps),
      clip.frames.count == info.frameCount
    else { return nil }
    return clip
  }

  /// Stores `clip` under `key`, replacing any entry. `frameWriter` is the hook tests use to
  /// stop a write half way.
  public func store(
    _ clip: Clip, key: String, generator: String,
    frameWriter: (RGBImage, String) throws -> Void = { try PNGCodec.write($0, path: $1) }
  ) throws {
    let scratchParent = (root as NSString).appendingPathComponent("tmp")
    try FileManager.default.createDirectory(
      atPath: scratchParent, withIntermediateDirectories: true)
    let scratch = try TemporaryFolder(prefix: key, in: scratchParent)
    do {
      for (index, frame) in clip.frames.enumerated() {
        try frameWriter(frame, FrameFolder.path(in: scratch.path, frame: index))
      }
      let info = EntryInfo(
        generator: generator, fps: clip.fps, frameCount: clip.frames.count, created: Date())
      try canonicalJSON(info).write(
        to: URL(fileURLWithPath: (scratch.path as NSString).appendingPathComponent("clip.json")))
      let entry = entryPath(key: key)
      try FileManager.default.createDirectory(
        atPath: (entry as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try? FileManager.default.removeItem(atPath: entry)
      guard rename(scratch.path, entry) == 0 else {
        throw GeneratorError(
          "cannot move a cache entry into \(entry): \(String(cString: strerror(errno)))")
      }
    } catch {
      scratch.remove()
      throw error
    }
  }

  /// Removes scratch folders (`tmp/` here, and `work/` of command generators) untouched for
  /// `age` seconds: what runs killed mid-write left. A day is far longer than any clip takes, so
  /// another plumb process still writing is not disturbed. Returns how many were removed.
  @discardableResult
  public func sweepScratch(olderThan age: TimeInterval = 86_400, now: Date = Date()) -> Int {
    var removed = 0
    for folder in ["tmp", "work"] {
      let parent = (root as NSString).appendingPathComponent(folder)
      for name in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [] {
        let path = (parent as NSString).appendingPathComponent(name)
        let modified =
          (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
        if let modified, now.timeIntervalSince(modified) > age,
          (try? FileManager.default.removeItem(atPath: path)) != nil
        {
          removed += 1
        }
      }
    }
    return removed
  }

  /// Written last into an entry; its presence after the rename marks a complete entry.
  struct EntryInfo: Codable {
    var generator: String
    var fps: Double
    var frameCount: Int
    var created: Date
  }
}

/// A generator whose clips go through a `ClipCache`: a request already answered is read back
/// from disk, and a fresh clip is stored before it is returned.
public struct CachingGenerator: Generator {
  public let base: any Generator
  public let cache: ClipCache
  public let identity: Data
  /// Generate anew even when the cache has the clip (the new clip replaces it).
  public var regenerate: Bool

  public init(_ base: any Generator, cache: ClipCache, identity: Data, regenerate: Bool = false) {
    self.base = base
    self.cache = cache
    self.identity = identity
    self.regenerate = regenerate
  }

  public var name: String { base.name }

  public func generate(_ request: GenerationRequest) async throws -> Clip {
    try await clip(for: request).clip
  }

  public func clip(for request: GenerationRequest) async throws -> (clip: Clip, origin: ClipOrigin) {
    let key = try cache.key(identity: identity, request: request)
    if !regenerate, let clip = cache.load(key: key) { return (clip, .cached) }
    let clip = try await base.generate(request)
    // Only a clip that answers the request is worth keeping; the runner fails the others.
    if clip.frames.count == request.frameCount, clip.width == request.width,
      clip.height == request.height
    {
      do {
        try cache.store(clip, key: key, generator: base.name)
      } catch {
        // The clip cost GPU time and is good: a full disk loses the cache entry, not the sample.
        FileHandle.standardError.write(
          Data(
            "warning: \(request.scenarioID) seed \(request.seed) was not cached: \(error)\n".utf8))
      }
    }
    return (clip, .generated)
  }
}
