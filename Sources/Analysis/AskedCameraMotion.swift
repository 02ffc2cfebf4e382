import Foundation
import Scenarios

/// What a scenario asks of the camera, in the terms of two-view geometry: the intrinsics a clip
/// of a given size implies and the rotation between any two of its frames. Worked out from the
/// scenario's own path maths (`CameraSpec.pose`, `CameraSpec.axes`), which the engine renders
/// with too, in its conventions:
/// OpenCV axes (x right, y down, z forward), X_cam = R·X_world + t, world +y up, pixel centres at
/// (i + 0.5, j + 0.5), every path at constant speed from the first frame (fraction 0) to the last
/// (fraction 1).
struct AskedCameraMotion: Sendable {
  let camera: CameraSpec
  let frameCount: Int

  /// K for a clip of `width`×`height`: the scenario's vertical field of view spans the clip's
  /// height, pixels are square, the principal point is the image centre (w/2, h/2 in the
  /// pixel-centre convention). A generator may deliver another size or aspect than it was
  /// asked for; the vertical field of view is what we hold it to.
  func intrinsics(width: Int, height: Int) -> Matrix3x3 {
    let fy = (Double(height) / 2) / tan(camera.fieldOfViewDegrees * .pi / 360)
    return .intrinsics(fx: fy, fy: fy, cx: Double(width) / 2, cy: Double(height) / 2)
  }

  /// Fraction of the path at frame `k`.
  func fraction(_ k: Int) -> Double { frameCount > 1 ? Double(k) / Double(frameCount - 1) : 0 }

  /// The world-to-camera rotation at frame `k`.
  func rotation(atFrame k: Int) -> Matrix3x3 {
    let (eye, target) = camera.pose(atFraction: fraction(k))
    let axes = CameraSpec.axes(from: eye, to: target) ?? (Vector3(1, 0, 0), Vector3(0, 1, 0), Vector3(0, 0, 1))
    return Matrix3x3(rows: [axes.right, axes.down, axes.forward].map { [$0.x, $0.y, $0.z] })
  }

  /// R_b·R_aᵀ: the rotation that takes camera `a`'s coordinates to camera `b`'s, the same
  /// quantity `RelativePose.rotation` estimates from the images.
  func relativeRotation(from a: Int, to b: Int) -> Matrix3x3 {
    rotation(atFrame: b) * rotation(atFrame: a).transposed
  }

  /// The camera's centre at frame `k`, in metres.
  func position(atFrame k: Int) -> SIMD3<Double> {
    let eye = camera.pose(atFraction: fraction(k)).position
    return SIMD3(eye.x, eye.y, eye.z)
  }

  /// True when the path ends where it starts looking the same way: an orbit of a whole number
  /// of turns (within 1°).
  var closesLoop: Bool {
    guard case .orbit(_, let degrees) = camera.path, abs(degrees) >= 359 else { return false }
    let turns = (abs(degrees) / 360).rounded()
    return abs(abs(degrees) - 360 * turns) < 1
  }

  /// A short description of the path for findings, e.g. "an orbit of 360°".
  var pathDescription: String {
    switch camera.path {
    case nil: return "a still camera"
    case .orbit(_, let degrees): return abs(degrees) < 359 ? "an arc of \(Int(degrees.rounded()))°" : "an orbit of \(Int(degrees.rounded()))°"
    case .dolly: return "a dolly"
    case .pan(let degrees): return "a pan of \(Int(degrees.rounded()))°"
    }
  }
}
