import Engine
import Foundation
import Media
import Scenarios

extension GenerationRequest {
  /// Frames at the start of the clip that are given to the generator, not made by it: the first
  /// N frames of the reference rendering. Analyzers judge only the frames after them.
  public var conditioningFrames: Int { scenario.conditioning?.frames ?? 0 }
}

/// One frame's camera in OpenCV conventions (see `Engine.PinholeCamera`): x right, y down,
/// z forward; a world point X maps to the camera as R·X + t and to pixels through K.
public struct CameraFrame: Sendable, Hashable, Codable {
  public var frame: Int
  /// K: 3×3 intrinsics, as rows.
  public var intrinsics: [[Double]]
  /// R: 3×3 world-to-camera rotation, as rows.
  public var rotation: [[Double]]
  /// t: world-to-camera translation, metres.
  public var translation: [Double]

  enum CodingKeys: String, CodingKey {
    case frame
    case intrinsics = "K"
    case rotation = "R"
    case translation = "t"
  }
}

/// The request as external generators receive it (JSON, snake_case keys), documented in
/// docs/generator-http-api.yaml and examples/README.md. It holds no scene description:
/// a model works from the prompt, the conditioning images and the camera.
public struct ExternalRequest: Sendable, Hashable, Codable {
  public var scenarioID: String
  public var prompt: String
  public var seed: UInt64
  public var width: Int
  public var height: Int
  public var fps: Double
  public var numFrames: Int
  public var seconds: Double
  /// How many of the clip's first frames are the conditioning images; the generator must
  /// return the whole clip, those frames included.
  public var conditioningFrames: Int
  /// The conditioning images: PNG file paths for the command adapter (absolute), empty for http
  /// (where they travel as data URLs in the body).
  public var conditioningImages: [String]
  /// Per-frame camera, for camera-controllable models; every frame, conditioning included.
  public var camera: [CameraFrame]

  enum CodingKeys: String, CodingKey {
    case scenarioID = "scenario_id"
    case prompt, seed, width, height, fps
    case numFrames = "num_frames"
    case seconds
    case conditioningFrames = "conditioning_frames"
    case conditioningImages = "conditioning_images"
    case camera
  }
}

/// A request made ready for a generator outside the process: the reference frames it is
/// conditioned on, and the camera of every frame.
struct PreparedRequest: Sendable {
  var document: ExternalRequest
  var conditioning: [RGBImage]
  /// The scenario's camera follows a path (so `document.camera` changes from frame to frame).
  var movingCamera: Bool

  /// Renders what the request needs from the reference engine. Only the conditioning frames are
  /// drawn for a tripod camera; a moving camera's poses depend on the whole clip's length, so
  /// the whole clip is rendered then.
  init(_ request: GenerationRequest) throws {
    var scenario = request.scenario
    scenario.clip = ClipSpec(
      seconds: Double(request.frameCount) / request.fps, fps: request.fps, width: request.width,
      height: request.height)
    let n = min(request.conditioningFrames, request.frameCount)
    var cameras: [PinholeCamera]
    var images: [RGBImage] = []
    if scenario.camera.path != nil {
      let rendered = try ReferenceRenderer(scenario: scenario).render()
      cameras = rendered.frames.map(\.camera)
      images = Array(rendered.clip.frames.prefix(n))
    } else {
      let camera = try PinholeCamera(
        spec: scenario.camera, width: request.width, height: request.height)
      cameras = Array(repeating: camera, count: request.frameCount)
      if n > 0 {
        var head = scenario
        head.clip.seconds = Double(n) / request.fps
        images = try ReferenceRenderer(scenario: head).renderClip().frames
      }
    }
    conditioning = images
    movingCamera = scenario.camera.path != nil
    document = ExternalRequest(
      scenarioID: request.scenarioID, prompt: request.prompt, seed: request.seed,
      width: request.width, height: request.height, fps: request.fps,
      numFrames: request.frameCount, seconds: Double(request.frameCount) / request.fps,
      conditioningFrames: images.count, conditioningImages: [],
      camera: cameras.enumerated().map { CameraFrame($0.offset, $0.element) })
  }
}

extension CameraFrame {
  init(_ frame: Int, _ camera: PinholeCamera) {
    func rows(_ m: Matrix3) -> [[Double]] { (0..<3).map { r in (0..<3).map { m[r, $0] } } }
    self.init(
      frame: frame, intrinsics: rows(camera.intrinsics), rotation: rows(camera.rotation),
      translation: [camera.translation.x, camera.translation.y, camera.translation.z])
  }
}

/// JSON as every adapter writes it: sorted keys, so equal requests give equal bytes (and cache
/// keys).
func canonicalJSON<T: Encodable>(_ value: T) throws -> Data {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
  return try encoder.encode(value)
}
