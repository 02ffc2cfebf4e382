// Engine: Plumbline's reference world simulator. It turns a scenario into the clip that a
// perfect world model would make: rigid-body physics (Physics.swift), then a rasterizer
// through a pinhole camera (Camera.swift, Rasterizer.swift, CKernels/raster.c), plus the
// ground truth analyzers are tested against. Deterministic to the bit for the same scenario.
//
// Contract, in one place (details where each is implemented):
// - World: metres, right-handed, y up, floor y = 0, gravity along −y; an object's position is
//   its bounding-box centre, shapes rest with their axis along +y (Physics.swift).
// - Camera: OpenCV pinhole, X_cam = R·X_world + t, x right, y down, z forward; pixel (i, j)
//   covers [i, i+1)×[j, j+1); u = fx·X/Z + cx with cx = width/2 (Camera.swift).
// - Frame k shows the world at exactly t = k / fps.
// - Mask ids: 0 for background and floor, i + 1 for scenario object i, read at pixel centres.
// - Colours: scenario sRGB; shading albedo·(0.35 + 0.65·max(0, n·l)) in linear light, so a
//   surface facing the light shows its declared colour (Rasterizer.swift).
import Dispatch
import Foundation
import Media
import Scenarios

/// How the reference engine draws. The defaults are what the `reference` generator uses.
public struct RenderOptions: Sendable, Hashable {
  /// Samples per pixel along each axis; the pixel is their box-filtered mean. Odd values put
  /// a sample at the pixel centre, which is where masks and depth are read.
  public var supersampling: Int
  public var lighting: Lighting
  /// Steps around round shapes.
  public var segments: Int
  public var physics: PhysicsSettings

  public init(
    supersampling: Int = 3, lighting: Lighting = .standard, segments: Int = 48,
    physics: PhysicsSettings = PhysicsSettings()
  ) {
    self.supersampling = supersampling
    self.lighting = lighting
    self.segments = segments
    self.physics = physics
  }
}

/// Which scenario object covers each pixel, read at the pixel centre.
public struct ObjectMask: Sendable, Equatable {
  public let width: Int
  public let height: Int
  /// Row-major; 0 is background or floor, i + 1 is scenario object i.
  public var ids: [UInt16]

  public subscript(x: Int, y: Int) -> UInt16 { ids[y * width + x] }

  /// Pixels showing scenario object `index`.
  public func pixelCount(ofObject index: Int) -> Int {
    let id = UInt16(index + 1)
    return ids.reduce(0) { $0 + ($1 == id ? 1 : 0) }
  }

  /// Mean of the centres (i + 0.5, j + 0.5) of the pixels showing object `index`, in pixel
  /// coordinates; nil when the object is not visible.
  public func centroid(ofObject index: Int) -> (x: Double, y: Double)? {
    let id = UInt16(index + 1)
    var sx = 0.0
    var sy = 0.0
    var n = 0
    for y in 0..<height {
      for x in 0..<width where ids[y * width + x] == id {
        sx += Double(x) + 0.5
        sy += Double(y) + 0.5
        n += 1
      }
    }
    return n == 0 ? nil : (sx / Double(n), sy / Double(n))
  }
}

/// Depth along the camera's forward axis (Z, metres) at each pixel centre; +infinity where
/// only background is seen.
public struct DepthMap: Sendable, Equatable {
  public let width: Int
  public let height: Int
  public var metres: [Float]

  public subscript(x: Int, y: Int) -> Float { metres[y * width + x] }
}

/// What was true when a frame was taken.
public struct FrameTruth: Sendable {
  public var index: Int
  /// Seconds: index / fps.
  public var time: Double
  /// Index i is scenario object i.
  public var bodies: [BodyPose]
  public var camera: PinholeCamera
  public var mask: ObjectMask
  public var depth: DepthMap
}

/// A rendered clip with its per-frame ground truth.
public struct RenderedClip: Sendable {
  public var clip: Clip
  public var frames: [FrameTruth]
}

/// Renders a scenario's clip with the reference engine.
public struct ReferenceRenderer: Sendable {
  public let scenario: Scenario
  public let options: RenderOptions

  public init(scenario: Scenario, options: RenderOptions = RenderOptions()) {
    self.scenario = scenario
    self.options = options
  }

  /// Simulates and renders every frame the scenario's clip asks for. Keeps no per-pixel
  /// ground truth, so memory is the clip's frames alone.
  public func renderClip() throws -> Clip {
    try render(keepingMaps: false).clip
  }

  /// Simulates and renders every frame, with the ground truth of each: poses, camera, and the
  /// object-id mask and depth map (6 bytes a pixel a frame; use `renderClip` for long clips).
  public func render() throws -> RenderedClip {
    try render(keepingMaps: true)
  }

  private func render(keepingMaps: Bool) throws -> RenderedClip {
    try validate()
    let spec = scenario.clip
    let camera = try PinholeCamera(spec: scenario.camera, width: spec.width, height: spec.height)
    var simulation = Simulation(world: scenario.world, settings: options.physics)
    let count = spec.frameCount
    let poses = (0..<count).map { k in simulation.bodies(at: Double(k) / spec.fps).map(\.pose) }
    let meshes = scenario.world.objects.map { Mesh(shape: $0.shape, segments: options.segments) }
    let empty = (mask: ObjectMask(width: 0, height: 0, ids: []), depth: DepthMap(width: 0, height: 0, metres: []))

    // Frames are independent once the poses are known; each worker owns its renderer and
    // writes only its own slots, so the result does not depend on the number of workers.
    var frames = [FrameTruth?](repeating: nil, count: count)
    var images = [RGBImage?](repeating: nil, count: count)
    let workers = max(1, min(count, ProcessInfo.processInfo.activeProcessorCount))
    frames.withUnsafeMutableBufferPointer { frameSlots in
      images.withUnsafeMutableBufferPointer { imageSlots in
        let frameOut = SendablePointer(frameSlots)
        let imageOut = SendablePointer(imageSlots)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
          let renderer = FrameRenderer(
            width: spec.width, height: spec.height, factor: options.supersampling, lighting: options.lighting)
          for k in stride(from: worker, to: count, by: workers) {
            let frame = draw(poses[k], meshes: meshes, camera: camera, with: renderer, maps: keepingMaps)
            imageOut.buffer[k] = frame.image
            let maps =
              keepingMaps
              ? (
                mask: ObjectMask(width: spec.width, height: spec.height, ids: frame.ids),
                depth: DepthMap(width: spec.width, height: spec.height, metres: frame.depth)
              ) : empty
            frameOut.buffer[k] = FrameTruth(
              index: k, time: Double(k) / spec.fps, bodies: poses[k], camera: camera, mask: maps.mask,
              depth: maps.depth)
          }
        }
      }
    }
    return RenderedClip(clip: Clip(frames: images.map { $0! }, fps: spec.fps), frames: frames.map { $0! })
  }

  private func draw(
    _ poses: [BodyPose], meshes: [Mesh], camera: PinholeCamera, with renderer: FrameRenderer, maps: Bool
  ) -> (image: RGBImage, ids: [UInt16], depth: [Float]) {
    let world = scenario.world
    var items: [DrawItem] = []
    if let floor = world.floor {
      items.append(DrawItem(mesh: Self.floorMesh, rotation: .identity, translation: .zero, color: floor.color, id: 0))
    }
    for (i, object) in world.objects.enumerated() {
      items.append(
        DrawItem(
          mesh: meshes[i], rotation: poses[i].orientation.matrix, translation: Vec3(poses[i].position),
          color: object.color, id: UInt16(i + 1)))
    }
    return renderer.render(items, camera: camera, background: world.background, maps: maps)
  }

  /// 1 km across: its edge lies within a few hundredths of a degree of the true horizon for
  /// cameras a metre or two up.
  private static let floorMesh = Mesh.floor(half: 500)

  private func validate() throws {
    let clip = scenario.clip
    let where_ = "scenario '\(scenario.id)'"
    guard clip.width > 0, clip.height > 0 else {
      throw EngineError("\(where_): clip size \(clip.width)×\(clip.height) must be positive")
    }
    guard clip.fps > 0, clip.frameCount > 0 else {
      throw EngineError("\(where_): clip of \(clip.seconds) s at \(clip.fps) fps has no frames")
    }
    guard (1...8).contains(options.supersampling) else {
      throw EngineError("supersampling \(options.supersampling) is outside 1...8")
    }
    guard scenario.world.objects.count < Int(UInt16.max) else {
      throw EngineError("\(where_): \(scenario.world.objects.count) objects; at most 65534 can be drawn")
    }
    for object in scenario.world.objects {
      let ok: Bool
      switch object.shape {
      case .box(let w, let h, let d): ok = w > 0 && h > 0 && d > 0
      case .sphere(let r): ok = r > 0
      case .cylinder(let r, let h): ok = r > 0 && h > 0
      case .cup(let r, let h, let wall): ok = r > 0 && h > 0 && wall > 0 && wall < r && wall < h
      }
      guard ok else {
        throw EngineError(
          "\(where_): object '\(object.name)' has an impossible \(object.shape.kind) \(object.shape)")
      }
    }
  }
}

/// A buffer that concurrent workers write at disjoint indices only. Sound because each index
/// is written by exactly one worker and read only after `concurrentPerform` returns.
private struct SendablePointer<T>: @unchecked Sendable {
  let buffer: UnsafeMutableBufferPointer<T>
  init(_ buffer: UnsafeMutableBufferPointer<T>) { self.buffer = buffer }
}
