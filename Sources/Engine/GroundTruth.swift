import Foundation
import Media
import Scenarios

/// A rendered clip's ground truth on disk, for analyzers and tests to read back.
///
/// Layout of a ground-truth folder:
/// - `truth.json`: format `plumbline-ground-truth/1`; scenario id, size, fps, object names,
///   and per frame: index, world time (s), camera (`K` 3×3, world-to-camera `R` 3×3 and `t`,
///   OpenCV axes: x right, y down, z forward, X_cam = R·X_world + t, pixel (i, j) centred at
///   (i + 0.5, j + 0.5)), and per object: position (m), orientation quaternion [w, x, y, z]
///   (body to world), velocity (m/s), angular velocity (rad/s), visible and unoccluded pixel
///   counts and the visible fraction.
/// - `masks/mask_NNNNN.png`: the object-id mask as 8-bit grey (stored as RGB with
///   R = G = B = id): 0 background and floor, i + 1 scenario object i. So at most 255 objects.
/// - `depth/depth_NNNNN.f32`: Z along the camera axis in metres at each pixel centre, as raw
///   little-endian float32, row-major, width × height values; +infinity where only background
///   is seen. Exact, unlike a 16-bit PNG in millimetres.
public struct GroundTruth: Sendable {
  public static let format = "plumbline-ground-truth/1"

  public var scenarioID: String
  public var width: Int
  public var height: Int
  public var fps: Double
  /// Index i is scenario object i.
  public var objectNames: [String]
  public var frames: [FrameTruth]

  public init(scenarioID: String, width: Int, height: Int, fps: Double, objectNames: [String], frames: [FrameTruth]) {
    self.scenarioID = scenarioID
    self.width = width
    self.height = height
    self.fps = fps
    self.objectNames = objectNames
    self.frames = frames
  }

  /// The ground truth of a clip rendered from `scenario` with `ReferenceRenderer.render()`.
  public init(scenario: Scenario, rendered: RenderedClip) {
    self.init(
      scenarioID: scenario.id, width: scenario.clip.width, height: scenario.clip.height, fps: scenario.clip.fps,
      objectNames: scenario.world.objects.map(\.name), frames: rendered.frames)
  }

  static func maskPath(_ index: Int) -> String { String(format: "masks/mask_%05d.png", index) }
  static func depthPath(_ index: Int) -> String { String(format: "depth/depth_%05d.f32", index) }

  /// Writes `truth.json`, `masks/` and `depth/` into `directory` (created if needed).
  public func write(to directory: String) throws {
    guard objectNames.count <= 255 else {
      throw EngineError("\(directory): \(objectNames.count) objects do not fit 8-bit masks (at most 255)")
    }
    let fm = FileManager.default
    for sub in ["masks", "depth"] {
      try fm.createDirectory(atPath: (directory as NSString).appendingPathComponent(sub), withIntermediateDirectories: true)
    }
    for frame in frames {
      let grey = frame.mask.ids.flatMap { id -> [UInt8] in let v = UInt8(id); return [v, v, v] }
      try PNGCodec.write(
        RGBImage(width: width, height: height, pixels: grey),
        path: (directory as NSString).appendingPathComponent(Self.maskPath(frame.index)))
      let bytes = frame.depth.metres.withUnsafeBufferPointer { buffer in
        Data(buffer: UnsafeBufferPointer(start: buffer.baseAddress, count: buffer.count))
      }
      // Float32 is stored in the machine's order; every platform Swift runs on is little-endian.
      try bytes.write(to: URL(fileURLWithPath: (directory as NSString).appendingPathComponent(Self.depthPath(frame.index))))
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(TruthFile(self)).write(
      to: URL(fileURLWithPath: (directory as NSString).appendingPathComponent("truth.json")))
  }

  /// Reads a folder written by `write(to:)`.
  public static func load(_ directory: String) throws -> GroundTruth {
    let jsonPath = (directory as NSString).appendingPathComponent("truth.json")
    let file: TruthFile
    do {
      file = try JSONDecoder().decode(TruthFile.self, from: Data(contentsOf: URL(fileURLWithPath: jsonPath)))
    } catch {
      throw EngineError("\(jsonPath): not a readable ground-truth file (\(error))")
    }
    guard file.format == format else {
      throw EngineError("\(jsonPath): format '\(file.format)', expected '\(format)'")
    }
    let (w, h) = (file.width, file.height)
    let frames = try file.frames.map { f -> FrameTruth in
      let maskPath = (directory as NSString).appendingPathComponent(Self.maskPath(f.index))
      let mask = try PNGCodec.read(path: maskPath)
      guard mask.width == w, mask.height == h else {
        throw EngineError("\(maskPath): \(mask.width)×\(mask.height), expected \(w)×\(h)")
      }
      let ids = stride(from: 0, to: mask.pixels.count, by: 3).map { UInt16(mask.pixels[$0]) }
      let depthPath = (directory as NSString).appendingPathComponent(Self.depthPath(f.index))
      let data = try Data(contentsOf: URL(fileURLWithPath: depthPath))
      guard data.count == w * h * 4 else {
        throw EngineError("\(depthPath): \(data.count) bytes, expected \(w * h * 4) (\(w)×\(h) float32)")
      }
      let metres = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
      return FrameTruth(
        index: f.index, time: f.time, bodies: f.objects.map(\.pose), camera: f.camera.pinhole(width: w, height: h),
        mask: ObjectMask(width: w, height: h, ids: ids), depth: DepthMap(width: w, height: h, metres: metres),
        visibility: f.objects.map { Visibility(visiblePixels: $0.visiblePixels, unoccludedPixels: $0.unoccludedPixels) })
    }
    return GroundTruth(
      scenarioID: file.scenario, width: w, height: h, fps: file.fps, objectNames: file.objects, frames: frames)
  }
}

/// The JSON of `truth.json`.
private struct TruthFile: Codable {
  struct Camera: Codable {
    var K: [[Double]]
    var R: [[Double]]
    var t: [Double]

    init(_ c: PinholeCamera) {
      func rows(_ m: Matrix3) -> [[Double]] { [m.row0, m.row1, m.row2].map { [$0.x, $0.y, $0.z] } }
      K = rows(c.intrinsics)
      R = rows(c.rotation)
      t = [c.translation.x, c.translation.y, c.translation.z]
    }

    func pinhole(width: Int, height: Int) -> PinholeCamera {
      func v(_ a: [Double]) -> Vector3 { Vector3(a[0], a[1], a[2]) }
      return PinholeCamera(
        width: width, height: height, fx: K[0][0], fy: K[1][1], cx: K[0][2], cy: K[1][2],
        rotation: Matrix3(rows: v(R[0]), v(R[1]), v(R[2])), translation: v(t))
    }
  }

  struct Object: Codable {
    var name: String
    var position: [Double]
    var orientation: [Double]
    var velocity: [Double]
    var angularVelocity: [Double]
    var visiblePixels: Int
    var unoccludedPixels: Int
    var visibleFraction: Double

    var pose: BodyPose {
      func v(_ a: [Double]) -> Vector3 { Vector3(a[0], a[1], a[2]) }
      return BodyPose(
        position: v(position),
        orientation: Quaternion(w: orientation[0], x: orientation[1], y: orientation[2], z: orientation[3]),
        velocity: v(velocity), angularVelocity: v(angularVelocity))
    }
  }

  struct Frame: Codable {
    var index: Int
    var time: Double
    var camera: Camera
    var objects: [Object]
  }

  var format: String
  var scenario: String
  var width: Int
  var height: Int
  var fps: Double
  var objects: [String]
  var frames: [Frame]

  init(_ truth: GroundTruth) {
    format = GroundTruth.format
    scenario = truth.scenarioID
    width = truth.width
    height = truth.height
    fps = truth.fps
    objects = truth.objectNames
    frames = truth.frames.map { f in
      Frame(
        index: f.index, time: f.time, camera: Camera(f.camera),
        objects: f.bodies.indices.map { i in
          let b = f.bodies[i]
          let seen = i < f.visibility.count ? f.visibility[i] : Visibility(visiblePixels: 0, unoccludedPixels: 0)
          func a(_ v: Vector3) -> [Double] { [v.x, v.y, v.z] }
          return Object(
            name: i < truth.objectNames.count ? truth.objectNames[i] : "object \(i)", position: a(b.position),
            orientation: [b.orientation.w, b.orientation.x, b.orientation.y, b.orientation.z], velocity: a(b.velocity),
            angularVelocity: a(b.angularVelocity), visiblePixels: seen.visiblePixels,
            unoccludedPixels: seen.unoccludedPixels, visibleFraction: seen.fraction)
        })
    }
  }
}
