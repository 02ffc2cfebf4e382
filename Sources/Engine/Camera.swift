import Foundation
import Scenarios

/// A pinhole camera with square pixels, in OpenCV conventions. This is contract: analyzers and
/// tests compare against it.
///
/// - Camera coordinates: x right, y down, z forward. World to camera: X_cam = R·X_world + t.
/// - The camera looks from `CameraSpec.position` to `lookAt` with world +y as up. Looking
///   straight along ±y, where that is undefined, world −z is taken as up instead.
/// - Pixel coordinates have their origin at the top-left corner of the image; pixel (i, j)
///   covers [i, i+1)×[j, j+1), so its centre is (i + 0.5, j + 0.5).
/// - u = fx·X/Z + cx, v = fy·Y/Z + cy, fy = (height/2)/tan(fov/2) for the vertical field of
///   view, fx = fy, cx = width/2, cy = height/2.
public struct PinholeCamera: Sendable, Hashable {
  public var width: Int
  public var height: Int
  public var fx: Double
  public var fy: Double
  public var cx: Double
  public var cy: Double
  /// World-to-camera rotation R.
  public var rotation: Matrix3
  /// World-to-camera translation t.
  public var translation: Vector3

  /// The camera at the start of `spec`'s path (its `position`, looking at `lookAt`).
  public init(spec: CameraSpec, width: Int, height: Int) throws {
    try self.init(
      position: spec.position, lookAt: spec.lookAt, fieldOfViewDegrees: spec.fieldOfViewDegrees, width: width,
      height: height)
  }

  /// A camera at `position` looking at `lookAt`, world +y up.
  public init(position: Vector3, lookAt: Vector3, fieldOfViewDegrees: Double, width: Int, height: Int) throws {
    guard let axes = CameraSpec.axes(from: position, to: lookAt) else {
      throw EngineError("camera position and lookAt are the same point \(position)")
    }
    guard fieldOfViewDegrees > 0 && fieldOfViewDegrees < 180 else {
      throw EngineError("camera field of view \(fieldOfViewDegrees)° is outside (0, 180)")
    }
    self.width = width
    self.height = height
    fy = (Double(height) / 2) / tan(fieldOfViewDegrees * .pi / 360)
    fx = fy
    cx = Double(width) / 2
    cy = Double(height) / 2
    rotation = Matrix3(rows: axes.right, axes.down, axes.forward)
    translation = (-(rotation * Vec3(position))).vector3
  }

  /// A camera from its intrinsics and extrinsics, as ground truth stores it.
  public init(
    width: Int, height: Int, fx: Double, fy: Double, cx: Double, cy: Double, rotation: Matrix3,
    translation: Vector3
  ) {
    self.width = width
    self.height = height
    self.fx = fx
    self.fy = fy
    self.cx = cx
    self.cy = cy
    self.rotation = rotation
    self.translation = translation
  }

  /// K = [[fx, 0, cx], [0, fy, cy], [0, 0, 1]].
  public var intrinsics: Matrix3 {
    Matrix3(rows: Vector3(fx, 0, cx), Vector3(0, fy, cy), Vector3(0, 0, 1))
  }

  /// The camera centre in world coordinates, −Rᵀ·t.
  public var center: Vector3 { (-(rotation.transposed * Vec3(translation))).vector3 }

  /// A world point in camera coordinates.
  public func cameraPoint(_ world: Vector3) -> Vector3 {
    (rotation * Vec3(world) + Vec3(translation)).vector3
  }

  /// Pixel coordinates of a world point, and its depth Z; nil for points not in front.
  public func project(_ world: Vector3) -> (u: Double, v: Double, depth: Double)? {
    let p = cameraPoint(world)
    guard p.z > 0 else { return nil }
    return (fx * p.x / p.z + cx, fy * p.y / p.z + cy, p.z)
  }
}

/// A scenario the engine cannot render, with what was wrong.
public struct EngineError: Error, CustomStringConvertible, Sendable {
  public let description: String
  init(_ description: String) { self.description = description }
}
