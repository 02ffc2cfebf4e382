import CKernels
import Foundation
import Media
import Scenarios

/// The light of the reference scene: one directional light plus ambient, fixed in the world
/// so that a moving camera sees consistent shading.
public struct Lighting: Sendable, Hashable {
  /// Unit vector from the scene towards the light, world coordinates.
  public var direction: Vector3
  /// Shading is albedo·(ambient + diffuse·max(0, n·direction)) in linear light, so a surface
  /// facing the light shows exactly its declared colour when ambient + diffuse = 1.
  public var ambient: Double
  public var diffuse: Double

  public init(direction: Vector3, ambient: Double = 0.35, diffuse: Double = 0.65) {
    self.direction = Vec3(direction).normalized.vector3
    self.ambient = ambient
    self.diffuse = diffuse
  }

  /// From above and in front (+z, where cameras usually stand), a little to the right.
  public static let standard = Lighting(direction: Vector3(0.3, 1, 0.6))
}

extension SceneColor {
  /// The colour in linear light (the sRGB transfer function undone).
  var linear: [Float] {
    [red, green, blue].map { c in
      Float(c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4))
    }
  }
}

/// One mesh placed in the world for one frame.
struct DrawItem {
  var mesh: Mesh
  /// Body to world.
  var rotation: Matrix3
  var translation: Vec3
  var color: SceneColor
  /// 0 for background and floor, i + 1 for scenario object i.
  var id: UInt16
  var texture: Texture? = nil
  /// Objects cast shadows; the floor only receives them.
  var castsShadow = true
  /// Uniform scale of the mesh about the body origin (1 except under a `morph` defect).
  var scale = 1.0
  /// Drawn after the other items yet giving the image of being drawn before them (it wins
  /// depth ties): the floor, whose samples behind objects then cost only a depth test.
  var underlay = false

  /// Body to world without the translation: rotation times scale.
  var linear: Matrix3 {
    guard scale != 1 else { return rotation }
    let s = scale
    func row(_ r: Vector3) -> Vector3 { Vector3(r.x * s, r.y * s, r.z * s) }
    return Matrix3(rows: row(rotation.row0), row(rotation.row1), row(rotation.row2))
  }

  /// Bounding radius in the world.
  var radius: Double { mesh.boundingRadius * scale }
}

extension Texture {
  /// The kernel's texture kind, size (metres) and second colour.
  fileprivate var kernel: (kind: Int32, size: Double, other: SceneColor) {
    switch self {
    case .checker(let size, let other): return (Int32(PK_TEXTURE_CHECKER), size, other)
    case .tiles(let size, let other): return (Int32(PK_TEXTURE_TILES), size, other)
    case .wood(let scale, let other): return (Int32(PK_TEXTURE_WOOD), scale, other)
    }
  }
}

/// Renders frames through the C rasterizer. The image is drawn in horizontal strips a few
/// pixels high, each supersampled, resolved and discarded before the next: the strip's
/// buffers stay in the core's cache, where a whole 3×-supersampled 512² frame (24 MB) would
/// not. A mesh is drawn only into the strips its bounding sphere can reach.
///
/// Shadows come from a shadow map of the directional light, redrawn every frame: an
/// orthographic depth image fitted to the bounding spheres of the shadow casters, with texels
/// of half a pixel at the nearest caster, or coarser when 512 texels a side cannot cover them.
/// One per rendering thread; reused across frames, so drawing allocates nothing.
final class FrameRenderer {
  let width: Int
  let height: Int
  let factor: Int
  let lighting: Lighting
  let shadows: Bool
  /// Output rows per strip.
  let stripRows: Int
  /// Texels along each side of the shadow map.
  static let shadowMapSize = 512
  private var color: [UInt16]
  private var inverseDepth: [Float]
  private var ids: [UInt16]
  private var cameraPositions: [[Double]] = []
  private var worldNormals: [[Float]] = []
  private var mapPositions: [Double] = []
  private var mapNormals: [Float] = []
  private var shadowDepth: [Float]
  /// Each 8×8 block's extremes (pk_shadow_summarize): most lookups skip the filter.
  private var shadowTiles: [Float]
  private var coverageCells: [UInt8] = []

  /// The sRGB encoding table shared by every renderer; pure, so computed once.
  private static let srgbTable: [UInt8] = {
    var table = [UInt8](repeating: 0, count: 65536)
    pk_srgb_encode_table(&table)
    return table
  }()

  init(width: Int, height: Int, factor: Int, lighting: Lighting, shadows: Bool = true, stripRows: Int = 8) {
    self.width = width
    self.height = height
    self.factor = factor
    self.lighting = lighting
    self.shadows = shadows
    self.stripRows = stripRows
    shadowDepth = [Float](repeating: 0, count: shadows ? Self.shadowMapSize * Self.shadowMapSize : 0)
    let blocks = (Self.shadowMapSize + 7) / 8
    shadowTiles = [Float](repeating: 0, count: shadows ? 2 * blocks * blocks : 0)
    let samples = width * factor * stripRows * factor
    color = [UInt16](repeating: 0, count: samples * 3)
    inverseDepth = [Float](repeating: 0, count: samples)
    ids = [UInt16](repeating: 0, count: samples)
  }

  /// Hands the C kernels a view of the strip buffers, `rows` sample rows high, without the id
  /// plane unless `wantIDs` (masks are ground truth only). The pointers
  /// live only inside `body`, and the class is used by one thread at a time.
  private func withStrip<R>(rows: Int, ids wantIDs: Bool, _ body: (UnsafePointer<pk_raster_target>) -> R) -> R {
    let w = width * factor
    let plane = w * stripRows * factor
    return color.withUnsafeMutableBufferPointer { c in
      inverseDepth.withUnsafeMutableBufferPointer { d in
        ids.withUnsafeMutableBufferPointer { i in
          let base = c.baseAddress!
          var t = pk_raster_target(
            width: Int32(w), height: Int32(rows), color: (base, base + plane, base + 2 * plane),
            color_stride: w, inv_depth: d.baseAddress, depth_stride: w, ids: wantIDs ? i.baseAddress : nil,
            id_stride: w, samples_per_pixel: Int32(factor))
          return body(&t)
        }
      }
    }
  }

  private func material(_ item: DrawItem, shadow: UnsafePointer<pk_shadow_map>?) -> pk_raster_material {
    let albedo = item.color.linear
    let light = Vec3(lighting.direction)
    let texture = item.texture?.kernel ?? (kind: Int32(PK_TEXTURE_NONE), size: 1, other: item.color)
    let other = texture.other.linear
    return pk_raster_material(
      albedo: (albedo[0], albedo[1], albedo[2]), ambient: Float(lighting.ambient),
      diffuse: Float(lighting.diffuse), light: (Float(light.x), Float(light.y), Float(light.z)), id: item.id,
      cull_back: 1, texture: texture.kind, texture_size: Float(texture.size), other: (other[0], other[1], other[2]),
      shadow: shadow, wins_ties: item.underlay ? 1 : 0)
  }

  /// An orthonormal frame with z towards the light.
  private var lightAxes: (x: Vec3, y: Vec3, z: Vec3) {
    let z = Vec3(lighting.direction).normalized
    var x = Vec3(0, 1, 0).cross(z)
    if x.length < 1e-9 { x = Vec3(0, 0, 1).cross(z) }
    x = x.normalized
    return (x, z.cross(x), z)
  }

  /// Draws the casters into the shadow map and returns the map's description for this
  /// camera, or nil when nothing casts.
  private func drawShadowMap(_ items: [DrawItem], camera: PinholeCamera) -> pk_shadow_map? {
    let casters = items.filter(\.castsShadow)
    guard shadows, !casters.isEmpty else { return nil }
    let (lx, ly, lz) = lightAxes
    var lo = (s: Double.infinity, t: Double.infinity)
    var hi = (s: -Double.infinity, t: -Double.infinity)
    for item in casters {
      let r = item.radius
      let (s, t) = (item.translation.dot(lx), item.translation.dot(ly))
      lo = (min(lo.s, s - r), min(lo.t, t - r))
      hi = (max(hi.s, s + r), max(hi.t, t + r))
    }
    // Texels no finer than half a pixel at the nearest caster: finer ones cost time and show
    // nothing. Two texels of margin, so the filter never reads past a caster's edge.
    let nearest = casters.map { (camera.rotation * $0.translation + Vec3(camera.translation)).z - $0.radius }.min()!
    let pixel = max(nearest, 0.05) / camera.fy
    let n = Self.shadowMapSize
    let texel = max(max(hi.s - lo.s, hi.t - lo.t) / Double(n - 4), 0.5 * pixel)
    let (s0, t0) = (lo.s - 2 * texel, lo.t - 2 * texel)
    let mapWidth = min(n, Int(((hi.s - lo.s) / texel).rounded(.up)) + 4)
    let mapHeight = min(n, Int(((hi.t - lo.t) / texel).rounded(.up)) + 4)
    // World → map: (P·lx − s0)/texel, (P·ly − t0)/texel, P·lz.
    let mapRows = [lx / texel, ly / texel, lz]
    let mapOffset = [-s0 / texel, -t0 / texel, 0]
    func affine(_ rotation: Matrix3, _ translation: Vec3) -> [Double] {
      (0..<3).flatMap { k -> [Double] in
        let row = mapRows[k]
        let m = rotation.transposed
        return [row.dot(Vec3(m.row0)), row.dot(Vec3(m.row1)), row.dot(Vec3(m.row2)), row.dot(translation) + mapOffset[k]]
      }
    }
    var map = pk_shadow_map(
      width: Int32(mapWidth), height: Int32(mapHeight), depth: nil, from_camera: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
      texel: texel, tiles: nil)
    // Camera → world: X_w = Rᵀ·X_c − Rᵀ·t.
    let toWorld = camera.rotation.transposed
    let fromCamera = affine(toWorld, -(toWorld * Vec3(camera.translation)))
    withUnsafeMutableBytes(of: &map.from_camera) { raw in
      for (k, v) in fromCamera.enumerated() { raw.storeBytes(of: v, toByteOffset: k * 8, as: Double.self) }
    }
    shadowDepth.withUnsafeMutableBufferPointer { depth in
      map.depth = depth.baseAddress
      pk_shadow_clear(&map)
      for item in casters {
        let count = item.mesh.vertexCount
        if mapPositions.count < count * 3 {
          mapPositions = [Double](repeating: 0, count: count * 3)
          mapNormals = [Float](repeating: 0, count: count * 3)
        }
        pk_transform_vertices(
          item.mesh.positions, item.mesh.normals, Int32(count), affine(item.linear, item.translation),
          item.rotation.elements, &mapPositions, &mapNormals)
        pk_shadow_triangles(&map, mapPositions, item.mesh.indices, Int32(item.mesh.triangleCount))
      }
      shadowTiles.withUnsafeMutableBufferPointer { tiles in
        map.tiles = tiles.baseAddress
        pk_shadow_summarize(&map)
      }
      map.depth = nil
      map.tiles = nil
    }
    return map
  }

  /// Pixels whose centres `item` would cover with nothing in front of it, found by drawing it
  /// alone into the window of its projected bounding sphere.
  func unoccludedPixels(_ item: DrawItem, camera: PinholeCamera) -> Int {
    let count = item.mesh.vertexCount
    let r = camera.rotation * item.linear
    let t = camera.rotation * item.translation + Vec3(camera.translation)
    var positions = [Double](repeating: 0, count: count * 3)
    var normals = [Float](repeating: 0, count: count * 3)
    pk_transform_vertices(
      item.mesh.positions, item.mesh.normals, Int32(count),
      [r.row0.x, r.row0.y, r.row0.z, t.x, r.row1.x, r.row1.y, r.row1.z, t.y, r.row2.x, r.row2.y, r.row2.z, t.z],
      item.rotation.elements, &positions, &normals)
    let xs = extent(center: t.x, depth: t.z, radius: item.radius, f: camera.fx, c: camera.cx)
    let ys = extent(center: t.y, depth: t.z, radius: item.radius, f: camera.fy, c: camera.cy)
    let x0 = max(0, Int(max(xs.lowerBound, -1).rounded(.down)))
    let x1 = min(width, Int(min(xs.upperBound, Double(width) + 1).rounded(.up)))
    let y0 = max(0, Int(max(ys.lowerBound, -1).rounded(.down)))
    let y1 = min(height, Int(min(ys.upperBound, Double(height) + 1).rounded(.up)))
    guard x1 > x0, y1 > y0 else { return 0 }
    if coverageCells.count < (x1 - x0) * (y1 - y0) { coverageCells = [UInt8](repeating: 0, count: (x1 - x0) * (y1 - y0)) }
    var cam = pk_raster_camera(fx: camera.fx, fy: camera.fy, cx: camera.cx, cy: camera.cy, near: 1e-3)
    return Int(
      pk_raster_coverage(
        &cam, positions, item.mesh.indices, Int32(item.mesh.triangleCount), Int32(x0), Int32(y0), Int32(x1 - x0),
        Int32(y1 - y0), &coverageCells))
  }

  /// Image coordinates (along one axis) that a sphere at camera coordinate `center` and depth
  /// `depth` can reach: the projection of the camera-space cube around it. Everything when the
  /// sphere reaches the near plane.
  private func extent(center: Double, depth: Double, radius r: Double, f: Double, c: Double) -> ClosedRange<Double> {
    guard depth - r > 1e-3 else { return -Double.infinity...Double.infinity }
    let ratios = [
      (center - r) / (depth - r), (center - r) / (depth + r), (center + r) / (depth - r), (center + r) / (depth + r),
    ]
    return (f * ratios.min()! + c)...(f * ratios.max()! + c)
  }

  /// Sample rows the item can cover.
  private func sampleRows(_ item: DrawItem, camera: PinholeCamera) -> ClosedRange<Double> {
    let c = camera.rotation * item.translation + Vec3(camera.translation)
    let rows = extent(center: c.y, depth: c.z, radius: item.radius, f: camera.fy, c: camera.cy)
    let f = Double(factor)
    return rows.lowerBound * f...rows.upperBound * f
  }

  /// Renders the items (drawn in order; nearer wins) and returns the box-filtered image with
  /// `background` where nothing was drawn, and, when `maps` is set, the id and depth (metres)
  /// at pixel centres (empty arrays otherwise).
  func render(_ items: [DrawItem], camera: PinholeCamera, background: SceneColor, maps: Bool = true)
    -> (image: RGBImage, ids: [UInt16], depth: [Float])
  {
    guard var map = drawShadowMap(items, camera: camera) else {
      return draw(items, camera: camera, background: background, maps: maps, shadow: nil)
    }
    // The kernels read the map only inside this closure, while its buffers are pinned.
    return shadowDepth.withUnsafeMutableBufferPointer { depth in
      shadowTiles.withUnsafeMutableBufferPointer { tiles in
        map.depth = depth.baseAddress
        map.tiles = tiles.baseAddress
        return withUnsafePointer(to: &map) { draw(items, camera: camera, background: background, maps: maps, shadow: $0) }
      }
    }
  }

  private func draw(
    _ items: [DrawItem], camera: PinholeCamera, background: SceneColor, maps: Bool,
    shadow: UnsafePointer<pk_shadow_map>?
  ) -> (image: RGBImage, ids: [UInt16], depth: [Float]) {
    while cameraPositions.count < items.count {
      cameraPositions.append([])
      worldNormals.append([])
    }
    var materials: [pk_raster_material] = []
    var reach: [ClosedRange<Double>] = []
    for (i, item) in items.enumerated() {
      let n = item.mesh.vertexCount
      if cameraPositions[i].count < n * 3 {
        cameraPositions[i] = [Double](repeating: 0, count: n * 3)
        worldNormals[i] = [Float](repeating: 0, count: n * 3)
      }
      // Body → camera: X_cam = R_c·(R_b·X + p) + t_c.
      let r = camera.rotation * item.linear
      let t = camera.rotation * item.translation + Vec3(camera.translation)
      let toCamera = [
        r.row0.x, r.row0.y, r.row0.z, t.x, r.row1.x, r.row1.y, r.row1.z, t.y,
        r.row2.x, r.row2.y, r.row2.z, t.z,
      ]
      pk_transform_vertices(
        item.mesh.positions, item.mesh.normals, Int32(n), toCamera, item.rotation.elements, &cameraPositions[i],
        &worldNormals[i])
      materials.append(material(item, shadow: shadow))
      reach.append(sampleRows(item, camera: camera))
    }

    let bg = background.linear.map { UInt16((Double($0) * 65535).rounded()) }
    var rgb = [UInt8](repeating: 0, count: width * height * 3)
    var outIDs = [UInt16](repeating: 0, count: maps ? width * height : 0)
    var depth = [Float](repeating: 0, count: maps ? width * height : 0)
    let table = Self.srgbTable
    let f = Double(factor)
    // Underlays last, in reverse order, so that among themselves too the earlier wins ties.
    let order = items.indices.filter { !items[$0].underlay } + items.indices.filter { items[$0].underlay }.reversed()
    for firstRow in stride(from: 0, to: height, by: stripRows) {
      let rows = min(stripRows, height - firstRow)
      let top = Double(firstRow * factor)
      let bottom = Double((firstRow + rows) * factor)
      // The strip sees the image through a camera whose principal point is shifted up.
      var cam = pk_raster_camera(
        fx: camera.fx * f, fy: camera.fy * f, cx: camera.cx * f, cy: camera.cy * f - top, near: 1e-3)
      withStrip(rows: rows * factor, ids: maps) { target in
        pk_raster_clear(target, bg)
        for i in order where reach[i].upperBound >= top && reach[i].lowerBound <= bottom {
          pk_raster_triangles(
            target, &cam, cameraPositions[i], worldNormals[i], items[i].mesh.uvs, items[i].mesh.indices,
            Int32(items[i].mesh.triangleCount), &materials[i])
        }
        let offset = firstRow * width
        rgb.withUnsafeMutableBufferPointer { out in
          outIDs.withUnsafeMutableBufferPointer { idOut in
            depth.withUnsafeMutableBufferPointer { depthOut in
              pk_raster_resolve(
                target, Int32(factor), table, out.baseAddress! + offset * 3, width * 3,
                maps ? idOut.baseAddress! + offset : nil, width, maps ? depthOut.baseAddress! + offset : nil, width)
            }
          }
        }
      }
    }
    return (RGBImage(width: width, height: height, pixels: rgb), outIDs, depth)
  }

  /// Multiplies the image's linear light by `gain`.
  static func scaleBrightness(_ image: inout RGBImage, by gain: Double) {
    let table = srgbTable
    image.pixels.withUnsafeMutableBufferPointer { p in pk_scale_brightness(p.baseAddress, p.count, gain, table) }
  }
}
