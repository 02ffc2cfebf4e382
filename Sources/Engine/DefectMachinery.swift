import Scenarios

/// Per-frame departures from the true world, which the renderer applies on purpose: the
/// machinery of controlled defects (`Defect`). An empty distortion renders the truth.
public struct Distortion: Sendable, Hashable {
  /// Seconds of world time that frame k shows; nil for k / fps. The camera moves with this
  /// time too (frame k's camera is the path at time/last-frame-time), so a frozen frame
  /// repeats exactly and a reversed clip plays the camera path backwards.
  public var frameTimes: [Double]?
  /// Changes to objects on some frames, applied in order.
  public var edits: [ObjectEdit] = []
  /// Focal length multiplier of frame k (fx and fy alike); nil for 1.
  public var focalScales: [Double]?
  /// Multiplier of frame k's linear light, applied to the finished image; nil for 1.
  public var brightness: [Double]?

  public init(
    frameTimes: [Double]? = nil, edits: [ObjectEdit] = [], focalScales: [Double]? = nil,
    brightness: [Double]? = nil
  ) {
    self.frameTimes = frameTimes
    self.edits = edits
    self.focalScales = focalScales
    self.brightness = brightness
  }

  public var isEmpty: Bool { frameTimes == nil && edits.isEmpty && focalScales == nil && brightness == nil }

  /// The edits of scenario object `object` in frame `frame`, combined.
  func edit(object: Int, frame: Int) -> ObjectEdit {
    var result = ObjectEdit(object: object, frames: frame..<(frame + 1))
    for e in edits where e.object == object && e.frames.contains(frame) {
      result.hidden = result.hidden || e.hidden
      result.offset = Vector3(result.offset.x + e.offset.x, result.offset.y + e.offset.y, result.offset.z + e.offset.z)
      result.color = e.color ?? result.color
      result.scale *= e.scale
      result.duplicateOffset = e.duplicateOffset ?? result.duplicateOffset
    }
    return result
  }
}

/// A change to one scenario object over a range of frames.
public struct ObjectEdit: Sendable, Hashable {
  /// Scenario object index.
  public var object: Int
  public var frames: Range<Int>
  /// Not drawn (nor counted in the mask).
  public var hidden = false
  /// Added to the object's position, metres.
  public var offset = Vector3.zero
  /// Drawn in this colour instead of its own.
  public var color: SceneColor?
  /// Uniform scale about the object's centre.
  public var scale = 1.0
  /// A second copy is drawn this far from the object (same id in the mask).
  public var duplicateOffset: Vector3?

  public init(
    object: Int, frames: Range<Int>, hidden: Bool = false, offset: Vector3 = .zero, color: SceneColor? = nil,
    scale: Double = 1, duplicateOffset: Vector3? = nil
  ) {
    self.object = object
    self.frames = frames
    self.hidden = hidden
    self.offset = offset
    self.color = color
    self.scale = scale
    self.duplicateOffset = duplicateOffset
  }
}
