import Foundation
import Media
import Scenarios
import Testing

@testable import Engine

/// The floor point seen through image position (x, y), or nil above the horizon.
private func floorPoint(_ camera: PinholeCamera, _ x: Double, _ y: Double) -> (x: Double, z: Double)? {
  let ray = camera.rotation.transposed * Vector3((x - camera.cx) / camera.fx, (y - camera.cy) / camera.fy, 1)
  let c = camera.center
  guard ray.y < 0 else { return nil }
  let t = -c.y / ray.y
  return (c.x + t * ray.x, c.z + t * ray.z)
}

/// The shaded floor colour (sRGB codes) of albedo `c` lit by `k` = ambient + diffuse·n·l.
private func lit(_ c: SceneColor, _ k: Double) -> [Int] {
  [c.red, c.green, c.blue].map { code(linearToSRGB(srgbToLinear($0) * k)) }
}

@Suite struct Textures {
  private let other = SceneColor(red: 0.9, green: 0.85, blue: 0.2)
  private let oblique = CameraSpec(fieldOfViewDegrees: 50, position: Vector3(0.2, 1.5, 3), lookAt: Vector3(0, 0, 0))

  /// The pattern cell of floor point (x, z) and the colour the pattern puts there (0 the
  /// surface's, 1 the other): the kernel's definition restated.
  private func side(_ texture: Texture, _ x: Double, _ z: Double) -> [Int] {
    let s: Double
    switch texture {
    case .checker(let size, _), .tiles(let size, _), .wood(let size, _): s = size
    }
    return [Int(floor(x / s)), Int(floor(z / s)), weight(texture, x, z)]
  }

  private func weight(_ texture: Texture, _ x: Double, _ z: Double) -> Int {
    switch texture {
    case .checker(let s, _): return Int((floor(x / s) + floor(z / s)).truncatingRemainder(dividingBy: 2).magnitude)
    case .tiles(let s, _):
      let (u, v) = (x / s - floor(x / s), z / s - floor(z / s))
      return u < 0.08 || v < 0.08 ? 1 : 0
    case .wood: return -1
    }
  }

  /// Wherever a 4×4 grid of points across a pixel (corners included) falls in one cell of the
  /// pattern on one side, the pixel shows that colour (2 codes for rounding): the texture is
  /// where the perspective maps it. Pixels straddling a pattern edge, or far away where
  /// cells are smaller than pixels, are skipped; they are mixtures by design.
  @Test(arguments: [Texture.checker(size: 0.25, other: SceneColor(red: 0.9, green: 0.85, blue: 0.2)),
                    .tiles(size: 1, other: SceneColor(red: 0.9, green: 0.85, blue: 0.2))])
  func floorPatternLandsWherePerspectiveMapsIt(texture: Texture) throws {
    let rendered = try ReferenceRenderer(scenario: scene([], size: 96, floorTexture: texture, camera: oblique)).render()
    let image = rendered.clip.frames[0]
    let camera = rendered.frames[0].camera
    let k = 0.35 + 0.65 * Lighting.standard.direction.y
    let colours = [lit(grey, k), lit(other, k)]
    var checked = [0, 0]
    for y in 0..<96 {
      for x in 0..<96 {
        let grid = (0..<16).compactMap { floorPoint(camera, Double(x) + Double($0 % 4) / 3, Double(y) + Double($0 / 4) / 3) }
        guard grid.count == 16 else { continue }
        let cells = Set(grid.map { self.side(texture, $0.x, $0.z) })
        guard cells.count == 1, let side = cells.first?[2] else { continue }
        #expect(maxDifference(pixel(image, x, y), colours[side]) <= 2, "pixel (\(x), \(y)) side \(side)")
        checked[side] += 1
      }
    }
    // Both colours must appear on many pixels, or the test proves nothing.
    #expect(checked[0] > 300 && checked[1] > 30, "checked \(checked)")
  }

  /// Wood grain is hash noise: the same on every run, varied (many distinct colours between
  /// the two it blends), and moving with the object it is on.
  @Test func woodGrainIsDeterministicAndVaried() throws {
    let board = ObjectSpec(
      name: "board", shape: .box(width: 1.2, height: 0.05, depth: 0.8), color: SceneColor(red: 0.55, green: 0.35, blue: 0.2),
      position: Vector3(0, 0.025, 0), isStatic: true, texture: .wood(scale: 0.1, other: SceneColor(red: 0.35, green: 0.2, blue: 0.1)))
    let s = scene([board], size: 96, camera: oblique)
    let a = try ReferenceRenderer(scenario: s).render()
    let b = try ReferenceRenderer(scenario: s).render()
    #expect(a.clip.frames == b.clip.frames)
    let mask = a.frames[0].mask
    let image = a.clip.frames[0]
    let onBoard = (0..<96 * 96).filter { mask.ids[$0] == 1 }.map { image.pixels[$0 * 3] }
    #expect(onBoard.count > 300)
    #expect(Set(onBoard).count >= 20, "distinct red levels \(Set(onBoard).count)")
    var moved = s
    moved.world.objects[0].position.x += 0.05
    #expect(try ReferenceRenderer(scenario: moved).renderClip().frames != a.clip.frames)
  }
}

@Suite struct Shadows {
  private let noon = RenderOptions(lighting: Lighting(direction: Vector3(0, 1, 0)))
  private let block = ObjectSpec(
    name: "block", shape: .box(width: 0.3, height: 0.3, depth: 0.3), color: red, position: Vector3(0, 0.5, 0),
    isStatic: true)

  /// Under a noon sun the floor beneath a floating block gets ambient light only, the floor
  /// away from it full light (±2 codes), and the block's lit top keeps its declared colour.
  /// The camera looks down steeply enough to see the top face, and under the block.
  @Test func floorUnderAnObjectIsDarkAndItsTopKeepsItsColour() throws {
    let above = CameraSpec(fieldOfViewDegrees: 40, position: Vector3(0, 2, 2.2), lookAt: Vector3(0, 0.3, 0))
    let rendered = try ReferenceRenderer(scenario: scene([block], camera: above), options: noon).render()
    let image = rendered.clip.frames[0]
    let camera = rendered.frames[0].camera
    let under = try #require(camera.project(Vector3(0, 0, 0)))
    let away = try #require(camera.project(Vector3(0.8, 0, 0)))
    #expect(rendered.frames[0].mask[Int(under.u), Int(under.v)] == 0, "the floor is seen under the block")
    #expect(maxDifference(pixel(image, Int(under.u), Int(under.v)), lit(grey, 0.35)) <= 2)
    #expect(maxDifference(pixel(image, Int(away.u), Int(away.v)), lit(grey, 1)) <= 2)
    // Inset points of the top face: no shadow acne anywhere on it.
    for (x, z) in [(0.0, 0.0), (0.1, 0.1), (-0.1, 0.1), (0.1, -0.1), (-0.1, -0.1)] {
      let p = try #require(camera.project(Vector3(x, 0.65, z)))
      #expect(maxDifference(pixel(image, Int(p.u), Int(p.v)), encode(red)) <= 2, "top at (\(x), \(z))")
    }
  }

  /// Turning shadows off changes only the shadowed floor.
  @Test func shadowsDarkenOnlyWhereTheLightIsBlocked() throws {
    let s = scene([block])
    let on = try ReferenceRenderer(scenario: s, options: noon).render()
    var offOptions = noon
    offOptions.shadows = false
    let off = try ReferenceRenderer(scenario: s, options: offOptions).render()
    let mask = on.frames[0].mask
    var differing = 0
    for i in 0..<(128 * 128) where on.clip.frames[0].pixels[i * 3] != off.clip.frames[0].pixels[i * 3] {
      differing += 1
      #expect(on.clip.frames[0].pixels[i * 3] < off.clip.frames[0].pixels[i * 3])
      #expect(mask.ids[i] == 0, "only the floor is shadowed at noon")
    }
    #expect(differing > 100)
  }
}

@Suite struct CameraPaths {
  private let centre = Vector3(0, 0.5, 0)
  private func orbit(_ degrees: Double) -> CameraSpec {
    CameraSpec(fieldOfViewDegrees: 40, position: Vector3(0, 1, 3), lookAt: centre, path: .orbit(center: centre, degrees: degrees))
  }

  /// 360° over 5 frames: frame 1 is a quarter turn counter-clockwise seen from above, which
  /// takes the offset (0, 0.5, 3) from the centre to (3, 0.5, 0); the radius and height are
  /// kept, and the camera looks at the centre (it projects to the principal point).
  @Test func orbitQuarterTurnIsWhereTheMathsSays() throws {
    let cameras = try orbit(360).cameras(width: 64, height: 64, frameCount: 5)
    let c = cameras[1].center
    #expect(abs(c.x - 3) < 1e-9 && abs(c.y - 1) < 1e-9 && abs(c.z) < 1e-9, "centre \(c)")
    let back = cameras[4].center
    #expect(abs(back.x) < 1e-9 && abs(back.z - 3) < 1e-9, "a full orbit returns to the start")
    for camera in cameras {
      let p = try #require(camera.project(centre))
      #expect(abs(p.u - 32) < 1e-9 && abs(p.v - 32) < 1e-9)
    }
    // Negative degrees turn the other way.
    let clockwise = try orbit(-360).cameras(width: 64, height: 64, frameCount: 5)[1].center
    #expect(abs(clockwise.x + 3) < 1e-9)
  }

  /// Dolly moves on the straight line at constant speed; pan keeps the position and turns
  /// the view: 90° to the left makes the camera look along −x when it looked along −z.
  @Test func dollyAndPanMoveAsSpecified() throws {
    let dolly = CameraSpec(
      fieldOfViewDegrees: 40, position: Vector3(0, 1, 3), lookAt: centre, path: .dolly(to: Vector3(0, 1, 1)))
    let cameras = try dolly.cameras(width: 64, height: 64, frameCount: 3)
    #expect(abs(cameras[1].center.z - 2) < 1e-12 && abs(cameras[2].center.z - 1) < 1e-12)
    let pan = CameraSpec(
      fieldOfViewDegrees: 40, position: Vector3(0, 1, 3), lookAt: Vector3(0, 1, 0), path: .pan(degrees: 90))
    let last = try pan.cameras(width: 64, height: 64, frameCount: 2)[1]
    #expect(last.center == Vector3(0, 1, 3))
    let forward = last.rotation.row2
    #expect(abs(forward.x + 1) < 1e-12 && abs(forward.z) < 1e-12, "forward \(forward)")
  }

  /// A static point, drawn as a small sphere, is where the ground-truth camera of each frame
  /// projects it, within 0.5 px, all along an orbit and at landscape and portrait sizes.
  @Test(arguments: [(96, 64), (64, 96)])
  func staticPointProjectsToItsPixelAlongAnOrbit(width: Int, height: Int) throws {
    let point = Vector3(0.3, 0.6, -0.2)
    let s = scene(
      [sphere(at: point, radius: 0.08)], seconds: 0.2, fps: 20, size: width, height: height,
      camera: orbit(120))
    let rendered = try ReferenceRenderer(scenario: s).render()
    #expect(rendered.clip.width == width && rendered.clip.height == height && rendered.frames.count == 4)
    var positions: [Double] = []
    for truth in rendered.frames {
      let p = try #require(truth.camera.project(point))
      let c = try #require(truth.mask.centroid(ofObject: 0))
      #expect(abs(c.x - p.u) < 0.5 && abs(c.y - p.v) < 0.5, "frame \(truth.index): centroid \(c) vs \(p)")
      positions.append(p.u)
    }
    #expect(Set(positions).count == 4, "the point moves in the image as the camera orbits")
  }
}

@Suite struct Determinism {
  /// Frames are the same bytes whatever the number of rendering threads, with shadows and
  /// textures on.
  @Test func framesDoNotDependOnTheNumberOfWorkers() throws {
    let s = scene(
      [sphere(at: Vector3(0, 1.2, 0), isStatic: false), sphere(at: Vector3(0.3, 0.1, 0.2), color: blue)],
      seconds: 0.25, fps: 20, size: 64, floorTexture: .checker(size: 0.2, other: sky))
    let one = try ReferenceRenderer(scenario: s, options: RenderOptions(workers: 1)).render()
    for workers in [2, 3] {
      let many = try ReferenceRenderer(scenario: s, options: RenderOptions(workers: workers)).render()
      #expect(many.clip.frames == one.clip.frames, "\(workers) workers")
      #expect(many.frames.map(\.mask) == one.frames.map(\.mask))
    }
  }
}

@Suite struct VisibleFraction {
  /// A wall whose edge lies in the plane through the camera and the sphere's centre hides
  /// exactly half of the sphere's image: 0.5 within 0.05 (the centre column of pixels, about
  /// 5 % of the disc, may fall either way). Unoccluded, the disc covers π·r² pixels for its
  /// projected radius r (within 5 %).
  @Test func halfHiddenSphereIsHalfVisible() throws {
    let camera = CameraSpec(fieldOfViewDegrees: 40, position: Vector3(0, 0.5, 3), lookAt: Vector3(0, 0.5, 0))
    let ball = sphere(at: Vector3(0, 0.5, 0), radius: 0.2)
    let wall = ObjectSpec(
      name: "wall", shape: .box(width: 1, height: 1, depth: 0.05), color: blue, position: Vector3(-0.5, 0.5, 1),
      isStatic: true)
    let rendered = try ReferenceRenderer(scenario: scene([ball, wall], camera: camera)).render()
    let seen = rendered.frames[0].visibility[0]
    let radius = rendered.frames[0].camera.fy * 0.2 / (3 * 3 - 0.04).squareRoot()
    #expect(abs(Double(seen.unoccludedPixels) / (Double.pi * radius * radius) - 1) < 0.05, "\(seen)")
    #expect(abs(seen.fraction - 0.5) < 0.05, "\(seen)")
    #expect(rendered.frames[0].visibility[1].fraction == 1)
    let alone = try ReferenceRenderer(scenario: scene([ball], camera: camera)).render().frames[0]
    #expect(alone.visibility[0].fraction == 1 && alone.visibility[0].unoccludedPixels == seen.unoccludedPixels)
  }
}
