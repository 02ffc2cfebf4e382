import Foundation
import Scenarios

/// What a scenario asks of the camera, in the terms of two-view geometry: the intrinsics a clip
/// of a given size implies and the rotation between any two of its frames. Worked out from the
/// path maths alone (the analyzer must not ask the engine), with the engine's conventions:
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
    let (eye, target) = pose(atFraction: fraction(k))
    var forward = target - eye
    let length = (forward * forward).sum().squareRoot()
    forward = length > 0 ? forward / length : SIMD3(0, 0, 1)
    var right = cross(forward, SIMD3(0, 1, 0))
    if (right * right).sum() < 1e-18 { right = cross(forward, SIMD3(0, 0, -1)) }
    right /= (right * right).sum().squareRoot()
    let down = cross(forward, right)
    return Matrix3x3(rows: [[right.x, right.y, right.z], [down.x, down.y, down.z],
                            [forward.x, forward.y, forward.z]])
  }

  /// R_b·R_aᵀ: the rotation that takes camera `a`'s coordinates to camera `b`'s, the same
  /// quantity `RelativePose.rotation` estimates from the images.
  func relativeRotation(from a: Int, to b: Int) -> Matrix3x3 {
    rotation(atFrame: b) * rotation(atFrame: a).transposed
  }

  /// The camera's centre at frame `k`, in metres.
  func position(atFrame k: Int) -> SIMD3<Double> { pose(atFraction: fraction(k)).eye }

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

  private func pose(atFraction f: Double) -> (eye: SIMD3<Double>, target: SIMD3<Double>) {
    let start = vector(camera.position), lookAt = vector(camera.lookAt)
    switch camera.path {
    case nil:
      return (start, lookAt)
    case .orbit(let center, let degrees):
      let c = vector(center)
      return (c + rotateAboutY(start - c, degrees: f * degrees), c)
    case .dolly(let to):
      return (start + (vector(to) - start) * f, lookAt)
    case .pan(let degrees):
      return (start, start + rotateAboutY(lookAt - start, degrees: f * degrees))
    }
  }
}

private func vector(_ v: Vector3) -> SIMD3<Double> { SIMD3(v.x, v.y, v.z) }

private func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
  SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

/// `v` turned by `degrees` about +y (right-hand rule: counter-clockwise seen from above).
private func rotateAboutY(_ v: SIMD3<Double>, degrees: Double) -> SIMD3<Double> {
  let a = degrees * .pi / 180
  let (c, s) = (cos(a), sin(a))
  return SIMD3(c * v.x + s * v.z, v.y, -s * v.x + c * v.z)
}
