import Foundation

/// Where external generators keep their clips and logs, and whether the cache is used.
public struct GeneratorOptions: Sendable {
  /// Holds `clips/` (the cache), `logs/` (per-sample program output) and `work/`.
  public var cacheRoot: String
  /// Read clips from the cache when they are there.
  public var useCache: Bool
  /// Generate anew even when cached; the new clip replaces the old.
  public var regenerate: Bool

  public init(cacheRoot: String = ".plumb-cache", useCache: Bool = true, regenerate: Bool = false) {
    self.cacheRoot = cacheRoot
    self.useCache = useCache
    self.regenerate = regenerate
  }
}

extension GeneratorRegistry {
  /// Builds a generator from a built-in name or a configuration of `file`. Command and http
  /// generators are wrapped in the clip cache; folders and the reference engine are not (their
  /// clips are already on disk, or cheap).
  public static func make(
    _ name: String, file: GeneratorsFile?, options: GeneratorOptions = GeneratorOptions()
  )
    throws -> any Generator
  {
    guard let configuration = file?.configurations[name] else {
      do {
        return try make(name)
      } catch let error as UnknownGeneratorError {
        let configured = (file?.configurations.keys).map { Array($0).sorted() } ?? []
        throw UnknownGeneratorError(
          name: name, known: error.known + configured,
          file: file?.path)
      }
    }
    let generator: any Generator
    switch configuration {
    case .folder(let settings):
      return FolderGenerator(name: name, root: settings.root)
    case .command(let settings):
      generator = CommandGenerator(name: name, settings: settings, workRoot: options.cacheRoot)
    case .http(let settings):
      generator = HTTPGenerator(name: name, settings: settings)
    }
    let cache = ClipCache(root: options.cacheRoot)
    cache.sweepScratch()
    guard options.useCache else { return generator }
    return CachingGenerator(
      generator, cache: cache, identity: configuration.cacheIdentity,
      regenerate: options.regenerate)
  }

  /// At most this many clips in flight at once unless told otherwise: one for a model on a GPU
  /// (two jobs on one card mostly fight for memory), all cores for the reference engine.
  public static func defaultConcurrency(for generator: any Generator) -> Int {
    let base = (generator as? CachingGenerator)?.base ?? generator
    switch base {
    case is CommandGenerator, is HTTPGenerator: return 1
    default: return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }
  }
}
