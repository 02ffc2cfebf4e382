import Media

/// The synthetic clips of the Physics-IQ parity fixtures, drawn exactly as
/// tools/physics-iq-parity/make_fixtures.py draws them (integer arithmetic only, so both
/// sides make the same bytes): discs and boxes on a gradient, then xorshift32 noise.
struct SyntheticClipSpec {
  enum Shape { case disc, box }

  struct Object {
    var shape: Shape
    var x0: Int, y0: Int
    /// Radius of a disc, half-width of a box.
    var size: Int
    /// Half-height of a box.
    var size2: Int
    var color: (Int, Int, Int)
    /// Centre at frame t: x0 + ⌊vx·t / den⌋, y0 + ⌊vy·t / den⌋ + ⌊g·t² / (2·den)⌋.
    var vx = 0, vy = 0, g = 0, den = 1
    /// The object stops after this frame.
    var stop: Int? = nil
    /// Drawn in frames appear..<vanish.
    var appear = 0
    var vanish = Int.max

    func centre(_ t: Int) -> (x: Int, y: Int) {
      if let stop, t > stop { return centre(stop) }
      return (x0 + floorDiv(vx * t, den), y0 + floorDiv(vy * t, den) + floorDiv(g * t * t, 2 * den))
    }
  }

  var width: Int
  var height: Int
  var frames: Int
  var fps: Int
  /// Each channel of each pixel gets an integer in −noise…noise.
  var noise: Int
  var seed: UInt32
  var objects: [Object]

  func clip() -> Clip {
    var state = seed
    var images: [RGBImage] = []
    for t in 0..<frames {
      var px = [Int](repeating: 0, count: width * height * 3)
      for y in 0..<height {
        for x in 0..<width {
          let i = (y * width + x) * 3
          px[i] = 20 + x * 60 / width
          px[i + 1] = 30 + y * 60 / height
          px[i + 2] = 70
        }
      }
      for object in objects where (object.appear..<object.vanish).contains(t) {
        let (cx, cy) = object.centre(t)
        for y in 0..<height {
          for x in 0..<width {
            let inside: Bool
            switch object.shape {
            case .disc:
              let dx = 2 * x + 1 - 2 * cx, dy = 2 * y + 1 - 2 * cy
              inside = dx * dx + dy * dy <= 4 * object.size * object.size
            case .box:
              inside = x >= cx - object.size && x < cx + object.size && y >= cy - object.size2 && y < cy + object.size2
            }
            if inside {
              let i = (y * width + x) * 3
              (px[i], px[i + 1], px[i + 2]) = object.color
            }
          }
        }
      }
      if noise > 0 {
        let span = UInt32(2 * noise + 1)
        for i in px.indices {
          state ^= state << 13
          state ^= state >> 17
          state ^= state << 5
          px[i] += Int(state % span) - noise
        }
      }
      images.append(RGBImage(width: width, height: height, pixels: px.map { UInt8(clamping: $0) }))
    }
    return Clip(frames: images, fps: Double(fps))
  }
}

private func floorDiv(_ a: Int, _ b: Int) -> Int {
  let q = a / b
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

/// FNV-1a 64 of a mask as 0/1 bytes, row-major: the fixtures' mask checksum.
func fnv1a64(moving pixels: [UInt8]) -> UInt64 {
  fnv1a(pixels.lazy.map { $0 != 0 ? 1 : 0 })
}
