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
// - Frame k shows the world at exactly t = k / fps (unless a `Distortion` says otherwise).
// - Camera paths run at constant speed from the first frame (fraction 0) to the last
//   (fraction 1); see CameraPath.swift.
// - Mask ids: 0 for background and floor, i + 1 for scenario object i, read at pixel centres.
// - Colours: scenario sRGB; shading albedo·(0.35 + 0.65·lit·max(0, n·l)) in linear light, where
//   lit is 1 unless a shadow falls there, so a surface facing the light shows its declared
//   colour (Rasterizer.swift). Textures vary the albedo between the colour and the texture's
//   second colour.
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
  /// Objects cast shadows from the light onto the floor and each other.
  public var shadows: Bool
  /// Threads that render frames; nil for one per core. The frames do not depend on it.
  public var workers: Int?

  public init(
    supersampling: Int = 3, lighting: Lighting = .standard, segments: Int = 48,
    physics: PhysicsSettings = PhysicsSettings(), shadows: Bool = true, workers: Int? = nil
  ) {
    self.supersampling = supersampling
    self.lighting = lighting
    self.segments = segments
    self.physics = physics
    self.shadows = shadows
    self.workers = workers
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

/// How much of an object a frame shows.
public struct Visibility: Sendable, Hashable, Codable {
  /// Pixels whose centre shows the object (its mask area).
  public var visiblePixels: Int
  /// Pixels whose centre the object would cover with nothing in front of it.
  public var unoccludedPixels: Int

  public init(visiblePixels: Int, unoccludedPixels: Int) {
    self.visiblePixels = visiblePixels
    self.unoccludedPixels = unoccludedPixels
  }

  /// visible / unoccluded, in 0...1; 0 for an object outside the view or not drawn.
  public var fraction: Double {
    unoccludedPixels > 0 ? min(1, Double(visiblePixels) / Double(unoccludedPixels)) : 0
  }
}

/// What was true when a frame was taken.
public struct FrameTruth: Sendable {
  public var index: Int
  /// Seconds of world time the frame shows: index / fps unless a distortion remaps time.
  public var time: Double
  /// Index i is scenario object i, as drawn (a distortion's offsets included).
  public var bodies: [BodyPose]
  public var camera: PinholeCamera
  public var mask: ObjectMask
  public var depth: DepthMap
  /// Index i is scenario object i; empty when per-pixel ground truth was not kept.
  public var visibility: [Visibility] = []
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
  /// Departures from the truth, for controlled defects; empty by default.
  public let distortion: Distortion

  public init(scenario: Scenario, options: RenderOptions = RenderOptions(), distortion: Distortion = Distortion()) {
    self.scenario = scenario
    self.options = options
    self.distortion = distortion
  }

  /// Simulates and renders every frame the scenario's clip asks for. Keeps no per-pixel
  /// ground truth, so memory is the clip's frames alone.
  public func renderClip() throws -> Clip {
    try render(keepingMaps: false).clip
  }

  /// Simulates and renders every frame, with the ground truth of each: poses, camera, the
  /// object-id mask and depth map (6 bytes a pixel a frame; use `renderClip` for long clips)
  /// and each object's visible fraction.
  public func render() throws -> RenderedClip {
    try render(keepingMaps: true)
  }

  /// The world time each frame shows.
  public var frameTimes: [Double] {
    let clip = scenario.clip
    return distortion.frameTimes ?? (0..<clip.frameCount).map { Double($0) / clip.fps }
  }

  /// Each frame's camera: the path at the frame's time, with the distortion's focal scale.
  public func cameras() throws -> [PinholeCamera] {
    let clip = scenario.clip
    let last = Double(clip.frameCount - 1) / clip.fps
    return try frameTimes.enumerated().map { k, t in
      var camera = try scenario.camera.camera(
        atFraction: last > 0 ? t / last : 0, width: clip.width, height: clip.height)
      if let scale = distortion.focalScales?[k] {
        camera.fx *= scale
        camera.fy *= scale
      }
      return camera
    }
  }

  /// The bodies at each frame's time. Frames are simulated in order of time, since the
  /// simulation only runs forwards, so remapped times cost no more than k / fps.
  func simulatedBodies(times: [Double]) -> [[RigidBody]] {
    var simulation = Simulation(world: scenario.world, settings: options.physics)
    var result = [[RigidBody]](repeating: [], count: times.count)
    for k in times.indices.sorted(by: { (times[$0], $0) < (times[$1], $1) }) {
      result[k] = simulation.bodies(at: max(times[k], 0))
    }
    return result
  }

  private func render(keepingMaps: Bool) throws -> RenderedClip {
    try validate()
    let spec = scenario.clip
    let count = spec.frameCount
    let times = frameTimes
    let cameras = try cameras()
    let bodies = simulatedBodies(times: times)
    let meshes = BodyMeshes(world: scenario.world, segments: options.segments)
    let empty = (mask: ObjectMask(width: 0, height: 0, ids: []), depth: DepthMap(width: 0, height: 0, metres: []))

    // Frames are independent once the poses are known; each worker owns its renderer and
    // writes only its own slots, so the result does not depend on the number of workers.
    var frames = [FrameTruth?](repeating: nil, count: count)
    var images = [RGBImage?](repeating: nil, count: count)
    let workers = max(1, min(count, options.workers ?? ProcessInfo.processInfo.activeProcessorCount))
    frames.withUnsafeMutableBufferPointer { frameSlots in
      images.withUnsafeMutableBufferPointer { imageSlots in
        let frameOut = SendablePointer(frameSlots)
        let imageOut = SendablePointer(imageSlots)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
          let renderer = FrameRenderer(
            width: spec.width, height: spec.height, factor: options.supersampling, lighting: options.lighting,
            shadows: options.shadows)
          for k in stride(from: worker, to: count, by: workers) {
            let (items, poses) = drawItems(bodies[k], frame: k, meshes: meshes)
            var frame = renderer.render(
              items, camera: cameras[k], background: scenario.world.background, maps: keepingMaps)
            if let gain = distortion.brightness?[k], gain != 1 { FrameRenderer.scaleBrightness(&frame.image, by: gain) }
            imageOut.buffer[k] = frame.image
            var truth = FrameTruth(
              index: k, time: times[k], bodies: poses, camera: cameras[k], mask: empty.mask, depth: empty.depth)
            if keepingMaps {
              truth.mask = ObjectMask(width: spec.width, height: spec.height, ids: frame.ids)
              truth.depth = DepthMap(width: spec.width, height: spec.height, metres: frame.depth)
              truth.visibility = visibility(items, mask: truth.mask, camera: cameras[k], renderer: renderer)
            }
            frameOut.buffer[k] = truth
          }
        }
      }
    }
    return RenderedClip(clip: Clip(frames: images.map { $0! }, fps: spec.fps), frames: frames.map { $0! })
  }

  /// Visible and unoccluded pixels of every scenario object; a duplicate (same id) counts
  /// towards the visible pixels only.
  private func visibility(_ items: [DrawItem], mask: ObjectMask, camera: PinholeCamera, renderer: FrameRenderer)
    -> [Visibility]
  {
    var visible = [Int](repeating: 0, count: scenario.world.objects.count)
    for id in mask.ids where id > 0 { visible[Int(id) - 1] += 1 }
    var unoccluded = [Int](repeating: 0, count: visible.count)
    var seen = Set<UInt16>()
    for item in items where item.id > 0 && seen.insert(item.id).inserted {
      unoccluded[Int(item.id) - 1] = renderer.unoccludedPixels(item, camera: camera)
    }
    return zip(visible, unoccluded).map { Visibility(visiblePixels: $0, unoccludedPixels: $1) }
  }

  /// What frame `frame` draws: the floor, then every body as the distortion leaves it; and
  /// the poses of the scenario objects as drawn.
  private func drawItems(_ bodies: [RigidBody], frame: Int, meshes: BodyMeshes) -> ([DrawItem], [BodyPose]) {
    let world = scenario.world
    var items: [DrawItem] = []
    if let floor = world.floor {
      items.append(
        DrawItem(
          mesh: Self.floorMesh, rotation: .identity, translation: .zero, color: floor.color, id: 0,
          texture: floor.texture, castsShadow: false, underlay: true))
    }
    var poses: [BodyPose] = []
    for (i, body) in bodies.enumerated() {
      let edit = distortion.edit(object: body.origin, frame: frame)
      var pose = body.pose
      pose.position = (Vec3(pose.position) + Vec3(edit.offset)).vector3
      if i < world.objects.count { poses.append(pose) }
      guard let (mesh, object) = meshes.mesh(for: body, at: i), !edit.hidden else { continue }
      let spec = world.objects[object]
      let item = DrawItem(
        mesh: mesh, rotation: pose.orientation.matrix, translation: Vec3(pose.position),
        color: edit.color ?? spec.color, id: UInt16(object + 1), texture: spec.texture, scale: edit.scale)
      items.append(item)
      if let shift = edit.duplicateOffset {
        var copy = item
        copy.translation += Vec3(shift)
        items.append(copy)
      }
    }
    return (items, poses)
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
    for (name, values) in [
      ("frame times", distortion.frameTimes), ("focal scales", distortion.focalScales),
      ("brightness", distortion.brightness),
    ] {
      if let values, values.count != clip.frameCount {
        throw EngineError("\(where_): distortion has \(values.count) \(name) for \(clip.frameCount) frames")
      }
    }
    if let edit = distortion.edits.first(where: { !scenario.world.objects.indices.contains($0.object) }) {
      throw EngineError("\(where_): distortion edits object \(edit.object), which does not exist")
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

/// Turns simulated bodies into meshes: the one place that knows what geometry a body has.
/// Today body i is scenario object i; shards of a broken object will be one more case here
/// (their own mesh, and the index of the object they came from, whose id they carry).
struct BodyMeshes: Sendable {
  private let objectMeshes: [Mesh]

  init(world: WorldSpec, segments: Int) {
    objectMeshes = world.objects.map { Mesh(shape: $0.shape, segments: segments) }
  }

  /// The mesh of `body`, the `index`-th body of the simulation, and the scenario object it
  /// belongs to (a shard belongs to the object it broke from); nil for a body that broke and
  /// is drawn as its shards instead.
  func mesh(for body: RigidBody, at index: Int) -> (mesh: Mesh, object: Int)? {
    if body.isBroken { return nil }
    switch body.geometry {
    case .shape: return (objectMeshes[body.origin], body.origin)
    case .convexPiece(let piece): return (Mesh(piece: piece), body.origin)
    }
  }
}

/// A buffer that concurrent workers write at disjoint indices only. Sound because each index
/// is written by exactly one worker and read only after `concurrentPerform` returns.
private struct SendablePointer<T>: @unchecked Sendable {
  let buffer: UnsafeMutableBufferPointer<T>
  init(_ buffer: UnsafeMutableBufferPointer<T>) { self.buffer = buffer }
}
