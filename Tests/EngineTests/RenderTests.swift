import Foundation
import Media
import Scenarios
import Testing

@testable import Engine

@Suite struct Projection {
  /// Looking along −z from (0, 1, 3) with a 90° field of view at 128×128: fy = 64 / tan 45° = 64,
  /// R = diag(1, −1, −1), t = (0, 1, 3). The point (0.5, 1.25, 1) is at camera (0.5, −0.25, 2),
  /// so it projects to u = 64·0.25 + 64 = 80, v = 64·(−0.125) + 64 = 56.
  @Test func cameraFollowsTheOpenCVConvention() throws {
    let spec = CameraSpec(fieldOfViewDegrees: 90, position: Vector3(0, 1, 3), lookAt: Vector3(0, 1, 0))
    let camera = try PinholeCamera(spec: spec, width: 128, height: 128)
    #expect(abs(camera.fy - 64) < 1e-12 && camera.fx == camera.fy)
    #expect(camera.cx == 64 && camera.cy == 64)
    #expect(camera.rotation == Matrix3(rows: Vector3(1, 0, 0), Vector3(0, -1, 0), Vector3(0, 0, -1)))
    #expect(camera.translation == Vector3(0, 1, 3))
    let p = try #require(camera.project(Vector3(0.5, 1.25, 1)))
    #expect(abs(p.u - 80) < 1e-12 && abs(p.v - 56) < 1e-12 && abs(p.depth - 2) < 1e-12)
    #expect(camera.project(Vector3(0, 1, 4)) == nil)
  }

  /// The same point, drawn as a small sphere, must appear where it projects. The centroid of a
  /// disc sampled on the pixel grid is off by far less than 0.1 px at this size (radius ≈ 3 px),
  /// and perspective shifts a 2 cm sphere's silhouette by ~0.003 px; 0.5 px is the brief's bound.
  @Test func sphereCentreProjectsToTheCentroidOfItsMask() throws {
    let spec = CameraSpec(fieldOfViewDegrees: 90, position: Vector3(0, 1, 3), lookAt: Vector3(0, 1, 0))
    let rendered = try ReferenceRenderer(scenario: scene([sphere(at: Vector3(0.5, 1.25, 1), radius: 0.1)], camera: spec))
      .render()
    let c = try #require(rendered.frames[0].mask.centroid(ofObject: 0))
    #expect(abs(c.x - 80) < 0.5 && abs(c.y - 56) < 0.5, "centroid \(c)")
  }

  @Test func obliqueCameraAgreesWithItsMask() throws {
    let spec = CameraSpec(fieldOfViewDegrees: 50, position: Vector3(1.5, 1.8, 2.2), lookAt: Vector3(0, 0.3, 0))
    let centre = Vector3(-0.3, 0.5, 0.4)
    let rendered = try ReferenceRenderer(scenario: scene([sphere(at: centre, radius: 0.06)], camera: spec)).render()
    let truth = rendered.frames[0]
    let p = try #require(truth.camera.project(centre))
    let c = try #require(truth.mask.centroid(ofObject: 0))
    #expect(abs(c.x - p.u) < 0.5 && abs(c.y - p.v) < 0.5, "centroid \(c) vs projection \(p)")
    // Depth at the centre pixel: the sphere's near surface, about Z_centre − r (within 1 cm,
    // the mesh and the ray's slant from the optical axis account for millimetres).
    let depth = truth.depth[Int(p.u), Int(p.v)]
    #expect(abs(Double(depth) - (p.depth - 0.06)) < 0.01, "depth \(depth) vs \(p.depth - 0.06)")
  }
}

@Suite struct Appearance {
  /// A surface facing the light is lit by ambient + diffuse = 1, so it shows the declared
  /// colour; 2 codes allow for the mesh's facets and the box filter.
  @Test func objectShowsItsColourWhereItFacesTheLight() throws {
    let centre = Vector3(0, 0.5, 0)
    let radius = 0.25
    let rendered = try ReferenceRenderer(scenario: scene([sphere(at: centre, radius: radius)])).render()
    let image = rendered.clip.frames[0]
    let camera = rendered.frames[0].camera
    let l = Lighting.standard.direction
    let lit = Vector3(centre.x + radius * l.x, centre.y + radius * l.y, centre.z + radius * l.z)
    let p = try #require(camera.project(lit))
    #expect(maxDifference(pixel(image, Int(p.u), Int(p.v)), encode(red)) <= 2)

    // At the projected centre the surface faces the camera, not the light: darker, same hue
    // (the ratios of the linear channels are the declared ones within 2 %).
    let q = try #require(camera.project(centre))
    let seen = pixel(image, Int(q.u), Int(q.v)).map { srgbToLinear(Double($0) / 255) }
    let declared = [red.red, red.green, red.blue].map(srgbToLinear)
    #expect(rendered.frames[0].mask[Int(q.u), Int(q.v)] == 1)
    #expect(abs(seen[1] / seen[0] - declared[1] / declared[0]) < 0.02)
  }

  /// Away from the object: the sky is exactly the background colour; the floor, facing up, is
  /// its colour times ambient + diffuse·L_y in linear light (within 1 code of rounding).
  @Test func backgroundAndFloorElsewhere() throws {
    let rendered = try ReferenceRenderer(scenario: scene([sphere(at: Vector3(0, 0.5, 0))])).render()
    let image = rendered.clip.frames[0]
    let mask = rendered.frames[0].mask
    #expect(pixel(image, 3, 3) == encode(sky))
    #expect(mask[3, 3] == 0)
    let k = 0.35 + 0.65 * Lighting.standard.direction.y
    let floor = [grey.red, grey.green, grey.blue].map { code(linearToSRGB(srgbToLinear($0) * k)) }
    #expect(maxDifference(pixel(image, 10, 120), floor) <= 1)
    #expect(mask[10, 120] == 0)
    #expect(rendered.frames[0].depth[3, 3] == .infinity)
    #expect(mask.pixelCount(ofObject: 0) > 0)
    #expect(mask.ids.allSatisfy { $0 <= 1 })
  }

  /// The nearer of two overlapping objects owns the pixels they share.
  @Test func nearerObjectHidesFartherOne() throws {
    let near = sphere(at: Vector3(0, 0.5, 1), radius: 0.1, color: blue)
    let far = sphere(at: Vector3(0, 0.5, 0), radius: 0.3)
    let rendered = try ReferenceRenderer(scenario: scene([far, near])).render()
    let truth = rendered.frames[0]
    let p = try #require(truth.camera.project(Vector3(0, 0.5, 1)))
    #expect(truth.mask[Int(p.u), Int(p.v)] == 2)
    #expect(truth.mask.pixelCount(ofObject: 0) > truth.mask.pixelCount(ofObject: 1))
  }

  /// A box face filling the view must cover every pixel.
  @Test func aFaceFillingTheViewCoversEveryPixel() throws {
    let wall = ObjectSpec(
      name: "wall", shape: .box(width: 4, height: 4, depth: 0.1), color: blue, position: Vector3(0, 0.5, 0),
      isStatic: true)
    let spec = CameraSpec(fieldOfViewDegrees: 30, position: Vector3(0.01, 0.52, 2), lookAt: Vector3(0, 0.5, 0))
    let truth = try ReferenceRenderer(scenario: scene([wall], floor: false, camera: spec)).render().frames[0]
    #expect(truth.mask.ids.allSatisfy { $0 == 1 })
  }
}

@Suite struct Clips {
  private let falling = scene(
    [sphere(at: Vector3(0, 1.5, 0), isStatic: false)], seconds: 0.5, fps: 24, size: 64)

  @Test func sameScenarioGivesIdenticalFrames() throws {
    let a = try ReferenceRenderer(scenario: falling).renderClip()
    let b = try ReferenceRenderer(scenario: falling).renderClip()
    #expect(a.frames.count == 12)
    #expect(a.frames == b.frames)
    #expect(a.frames.first != a.frames.last)
    // Keeping the per-pixel ground truth must not change the images.
    #expect(try ReferenceRenderer(scenario: falling).render().clip.frames == a.frames)
  }

  /// Frame k shows t = k/fps: the ground truth and the mask both follow ½gt².
  @Test func frameKShowsTheWorldAtKOverFps() throws {
    let rendered = try ReferenceRenderer(scenario: falling).render()
    #expect(rendered.clip.fps == 24 && rendered.clip.width == 64 && rendered.clip.height == 64)
    var lastRow = 0.0
    for truth in rendered.frames {
      let t = Double(truth.index) / 24
      #expect(truth.time == t)
      #expect(abs(truth.bodies[0].position.y - (1.5 - 0.5 * 9.81 * t * t)) < 1e-10)
      let c = try #require(truth.mask.centroid(ofObject: 0))
      #expect(c.y >= lastRow, "the ball moves down the image")
      lastRow = c.y
    }
  }

  @Test func impossibleScenesAreRefusedWithAReason() {
    var bad = falling
    bad.camera.lookAt = bad.camera.position
    #expect(throws: EngineError.self) { try ReferenceRenderer(scenario: bad).renderClip() }
    var thin = falling
    thin.world.objects = [
      ObjectSpec(name: "cup", shape: .cup(radius: 0.05, height: 0.1, wall: 0.06), color: red, position: .zero)
    ]
    do {
      _ = try ReferenceRenderer(scenario: thin).renderClip()
      Issue.record("a cup with a wall thicker than its radius was rendered")
    } catch {
      #expect("\(error)" == "scenario 'test/scene': object 'cup' has an impossible cup cup(radius: 0.05, height: 0.1, wall: 0.06)")
    }
  }
}

@Suite struct Strips {
  /// Strips are a cache optimization and must not show: one strip, 8-row strips and odd
  /// 5-row strips (which do not divide the image) give the same bytes.
  @Test func stripHeightDoesNotChangeTheImage() throws {
    let objects = [
      sphere(at: Vector3(0.1, 0.45, 0.2), radius: 0.3),
      ObjectSpec(
        name: "cup", shape: .cup(radius: 0.15, height: 0.3, wall: 0.02), color: blue, position: Vector3(-0.5, 0.15, 0),
        isStatic: true),
    ]
    let s = scene(objects, size: 96)
    let camera = try PinholeCamera(spec: s.camera, width: 96, height: 96)
    let items = [DrawItem(mesh: .floor(half: 500), rotation: .identity, translation: .zero, color: grey, id: 0)]
      + objects.enumerated().map { i, o in
        DrawItem(
          mesh: Mesh(shape: o.shape), rotation: .identity, translation: Vec3(o.position), color: o.color,
          id: UInt16(i + 1))
      }
    func render(strip: Int) -> (RGBImage, [UInt16], [Float]) {
      FrameRenderer(width: 96, height: 96, factor: 3, lighting: .standard, stripRows: strip)
        .render(items, camera: camera, background: sky)
    }
    let whole = render(strip: 96)
    for strip in [8, 5] {
      let striped = render(strip: strip)
      #expect(striped.0 == whole.0, "strip \(strip)")
      #expect(striped.1 == whole.1 && striped.2 == whole.2, "strip \(strip)")
    }
  }
}
