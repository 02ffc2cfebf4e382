import Foundation
import Scenarios

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
    let start = Vec3(position)
    switch path {
    case nil:
      return (position, lookAt)
    case .orbit(let center, let degrees):
      let c = Vec3(center)
      let offset = rotateAboutY(start - c, degrees: fraction * degrees)
      return ((c + offset).vector3, center)
    case .dolly(let to):
      return ((start + (Vec3(to) - start) * fraction).vector3, lookAt)
    case .pan(let degrees):
      let direction = rotateAboutY(Vec3(lookAt) - start, degrees: fraction * degrees)
      return (position, (start + direction).vector3)
    }
  }

  /// The camera of each of `frameCount` frames, the first at fraction 0 and the last at 1.
  public func cameras(width: Int, height: Int, frameCount: Int) throws -> [PinholeCamera] {
    try (0..<frameCount).map { k in
      try camera(atFraction: frameCount > 1 ? Double(k) / Double(frameCount - 1) : 0, width: width, height: height)
    }
  }

  /// The camera after `fraction` of the path.
  public func camera(atFraction fraction: Double, width: Int, height: Int) throws -> PinholeCamera {
    let (p, target) = pose(atFraction: fraction)
    return try PinholeCamera(
      position: p, lookAt: target, fieldOfViewDegrees: fieldOfViewDegrees, width: width, height: height)
  }
}

/// `v` rotated by `degrees` about +y (right-hand rule: counter-clockwise seen from above).
func rotateAboutY(_ v: Vec3, degrees: Double) -> Vec3 {
  let a = degrees * .pi / 180
  let (c, s) = (cos(a), sin(a))
  return Vec3(c * v.x + s * v.z, v.y, -s * v.x + c * v.z)
}
