import Foundation
import Scenarios

extension CameraSpec {
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
