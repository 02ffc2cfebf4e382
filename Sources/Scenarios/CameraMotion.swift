import Foundation

// What a scenario's camera does, worked out once for the engine that renders it and the
// analyzers that hold a clip to it.

extension CameraSpec {
  /// Where the camera stands and what it looks at after `fraction` (0 at the first frame, 1 at
  /// the last) of its path, moving at constant speed:
  /// - no path: the starting pose throughout;
  /// - orbit: rotates the starting position about the vertical axis through `center` by
  ///   fraction·degrees (positive is counter-clockwise seen from above, the right-hand rule
  ///   about +y), keeping its radius and height, looking at `center`;
  /// - dolly: the straight line from `position` to `to`, looking at `lookAt`;
  /// - pan: stays at `position` and turns the view direction by fraction·degrees about +y.
  public func pose(atFraction fraction: Double) -> (position: Vector3, lookAt: Vector3) {
    let start = simd(position)
    switch path {
    case nil:
      return (position, lookAt)
    case .orbit(let center, let degrees):
      let c = simd(center)
      let offset = rotateAboutY(start - c, degrees: fraction * degrees)
      return (vector(c + offset), center)
    case .dolly(let to):
      return (vector(start + (simd(to) - start) * fraction), lookAt)
    case .pan(let degrees):
      let direction = rotateAboutY(simd(lookAt) - start, degrees: fraction * degrees)
      return (position, vector(start + direction))
    }
  }

  /// The camera axes in world coordinates for a camera at `eye` looking at `target`, in
  /// OpenCV conventions (x right, y down, z forward; the rows of the world-to-camera
  /// rotation). World +y is up; looking straight along ±y, where that is undefined, world −z
  /// is up instead. nil when `eye` and `target` are the same point.
  public static func axes(from eye: Vector3, to target: Vector3) -> (right: Vector3, down: Vector3, forward: Vector3)? {
    let toTarget = simd(target) - simd(eye)
    guard length(toTarget) > 0 else { return nil }
    let forward = toTarget / length(toTarget)
    var right = cross(forward, SIMD3(0, 1, 0))
    if length(right) < 1e-9 { right = cross(forward, SIMD3(0, 0, -1)) }
    right = right / length(right)
    return (vector(right), vector(cross(forward, right)), vector(forward))
  }
}

private func simd(_ v: Vector3) -> SIMD3<Double> { SIMD3(v.x, v.y, v.z) }
private func vector(_ v: SIMD3<Double>) -> Vector3 { Vector3(v.x, v.y, v.z) }
private func length(_ v: SIMD3<Double>) -> Double { (v * v).sum().squareRoot() }

private func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
  SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

/// `v` turned by `degrees` about +y (right-hand rule: counter-clockwise seen from above).
private func rotateAboutY(_ v: SIMD3<Double>, degrees: Double) -> SIMD3<Double> {
  let a = degrees * .pi / 180
  let (c, s) = (cos(a), sin(a))
  return SIMD3(c * v.x + s * v.z, v.y, -s * v.x + c * v.z)
}
