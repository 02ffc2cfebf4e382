import Foundation
import Media
import Scenarios

/// A clip of a box falling onto a floor, drawn without the engine: a pinhole camera level with
/// the middle of the drop, the box at a constant depth facing the camera, its front face shaded
/// across x like a lit cylinder, edges anti-aliased by exact area coverage and mixed in linear
/// light. Everything a test checks against (g, the scale, when it lands) is known in closed form.
struct SyntheticFall {
  var width = 256
  var height = 256
  var fps = 30.0
  var seconds = 1.2
  var gravity = 9.81
  var fieldOfViewDegrees = 40.0
  var depth = 3.0
  var cameraHeight = 0.65
  /// The box's centre starts here, at rest.
  var startHeight = 1.25
  var boxWidth = 0.08
  var boxHeight = 0.1
  /// Fraction of the impact speed kept on each bounce.
  var restitution = 0.3
  var objectColor = SceneColor(red: 0.8, green: 0.15, blue: 0.1)
  var background = SceneColor(red: 0.8, green: 0.85, blue: 0.9)
  var floorColor = SceneColor(red: 0.55, green: 0.4, blue: 0.25)
  /// Sensor noise: each channel of each pixel moves by up to this many levels, from a fixed seed.
  var noise = 0

  /// Focal length in pixels for the vertical field of view.
  var focal: Double { Double(height) / 2 / tan(fieldOfViewDegrees * .pi / 360) }
  /// Pixels per metre at the box's depth: what the analyzer should find.
  var pixelsPerMetre: Double { focal / depth }
  /// When the box first touches the floor.
  var impactTime: Double { (2 * (startHeight - boxHeight / 2) / gravity).squareRoot() }

  /// Height of the box's centre above the floor at time t, bounces included.
  func centreHeight(at t: Double) -> Double {
    let rest = boxHeight / 2
    var t0 = impactTime
    if t < t0 { return startHeight - gravity * t * t / 2 }
    var v = gravity * t0 * restitution
    while v > 1e-3 {
      let flight = 2 * v / gravity
      if t < t0 + flight {
        let u = t - t0
        return rest + v * u - gravity * u * u / 2
      }
      t0 += flight
      v *= restitution
    }
    return rest
  }

  /// Image row coordinate (y down, pixel centres at +0.5) of a world height at the box's depth.
  func row(_ worldY: Double) -> Double { Double(height) / 2 - focal * (worldY - cameraHeight) / depth }

  func clip() -> Clip {
    let frames = Int((seconds * fps).rounded())
    let floorRow = row(0)
    let bg = linear(background), fl = linear(floorColor), obj = linear(objectColor)
    // Background and floor do not move: draw them once, with the floor's edge anti-aliased.
    var base = [UInt8](repeating: 0, count: width * height * 3)
    for y in 0..<height {
      let floorCover = min(max(Double(y + 1) - floorRow, 0), 1)
      let c = encode(mix(fl, bg, floorCover))
      for x in 0..<width { base.replaceSubrange((y * width + x) * 3..<(y * width + x) * 3 + 3, with: c) }
    }
    let halfW = focal * boxWidth / depth / 2, halfH = focal * boxHeight / depth / 2
    let cx = Double(width) / 2
    return Clip(
      frames: (0..<frames).map { k in
        var px = base
        let cy = row(centreHeight(at: Double(k) / fps))
        let (x0, x1, y0, y1) = (cx - halfW, cx + halfW, cy - halfH, cy + halfH)
        for y in max(0, Int(y0.rounded(.down)))..<min(height, Int(y1.rounded(.up))) {
          let cy = overlap(Double(y), y0, y1)
          for x in max(0, Int(x0.rounded(.down)))..<min(width, Int(x1.rounded(.up))) {
            let cover = overlap(Double(x), x0, x1) * cy
            // Lambert shading of a cylinder lit from the front-left: bright to dark across x.
            let u = ((Double(x) + 0.5 - cx) / halfW).clamped(-1, 1)
            let shade = 0.25 + 0.75 * max(0, 0.8 * (1 - u * u).squareRoot() - 0.6 * u) / 1.0
            let i = (y * width + x) * 3
            let under = [base[i], base[i + 1], base[i + 2]].map { decode(Double($0) / 255) }
            px.replaceSubrange(i..<i + 3, with: encode(mix(obj.map { $0 * shade }, under, cover)))
          }
        }
        if noise > 0 {
          var state = UInt64(k + 1) &* 0x9E37_79B9_7F4A_7C15
          for i in px.indices {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let offset = Int(state >> 33) % (2 * noise + 1) - noise
            px[i] = UInt8((Int(px[i]) + offset).clamped(0, 255))
          }
        }
        return RGBImage(width: width, height: height, pixels: px)
      }, fps: fps)
  }

  /// The scenario this clip would answer: the box and the world, with `gravity` as reference.
  func scenario(gravity: Double? = nil, color: SceneColor? = nil) -> Scenario {
    let box = ObjectSpec(
      name: "box", shape: .box(width: boxWidth, height: boxHeight, depth: boxWidth),
      color: color ?? objectColor, position: Vector3(0, startHeight, 0))
    return Scenario(
      id: "test/synthetic-fall", prompt: "a red box falls onto a wooden floor",
      clip: ClipSpec(seconds: seconds, fps: fps, width: width, height: height),
      camera: CameraSpec(
        fieldOfViewDegrees: fieldOfViewDegrees, position: Vector3(0, cameraHeight, depth),
        lookAt: Vector3(0, cameraHeight, 0)),
      world: WorldSpec(
        gravity: gravity ?? self.gravity, floor: FloorSpec(color: floorColor),
        background: background, objects: [box]),
      checks: [CheckSpec(kind: .physics)])
  }
}

private func overlap(_ pixel: Double, _ lo: Double, _ hi: Double) -> Double {
  max(0, min(pixel + 1, hi) - max(pixel, lo))
}

private func mix(_ a: [Double], _ b: [Double], _ alpha: Double) -> [Double] {
  zip(a, b).map { alpha * $0 + (1 - alpha) * $1 }
}

private func decode(_ c: Double) -> Double {
  c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
}

private func linear(_ c: SceneColor) -> [Double] { [c.red, c.green, c.blue].map(decode) }

private func encode(_ c: [Double]) -> [UInt8] {
  c.map { v in
    let s = v <= 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1 / 2.4) - 0.055
    return UInt8((s * 255).rounded().clamped(0, 255))
  }
}

extension Comparable {
  func clamped(_ lo: Self, _ hi: Self) -> Self { min(max(self, lo), hi) }
}
