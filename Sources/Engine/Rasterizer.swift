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
}

/// Renders frames through the C rasterizer. The image is drawn in horizontal strips a few
/// pixels high, each supersampled, resolved and discarded before the next: the strip's
/// buffers stay in the core's cache, where a whole 3×-supersampled 512² frame (24 MB) would
/// not. A mesh is drawn only into the strips its bounding sphere can reach.
/// One per rendering thread; reused across frames, so drawing allocates nothing.
final class FrameRenderer {
  let width: Int
  let height: Int
  let factor: Int
  let lighting: Lighting
  /// Output rows per strip.
  let stripRows: Int
  private var color: [UInt16]
  private var inverseDepth: [Float]
  private var ids: [UInt16]
  private var cameraPositions: [[Double]] = []
  private var worldNormals: [[Float]] = []

  /// The sRGB encoding table shared by every renderer; pure, so computed once.
  private static let srgbTable: [UInt8] = {
    var table = [UInt8](repeating: 0, count: 65536)
    pk_srgb_encode_table(&table)
    return table
  }()

  init(width: Int, height: Int, factor: Int, lighting: Lighting, stripRows: Int = 8) {
    self.width = width
    self.height = height
    self.factor = factor
    self.lighting = lighting
    self.stripRows = stripRows
    let samples = width * factor * stripRows * factor
    color = [UInt16](repeating: 0, count: samples * 3)
    inverseDepth = [Float](repeating: 0, count: samples)
    ids = [UInt16](repeating: 0, count: samples)
  }

  /// Hands the C kernels a view of the strip buffers, `rows` sample rows high. The pointers
  /// live only inside `body`, and the class is used by one thread at a time.
  private func withStrip<R>(rows: Int, _ body: (UnsafePointer<pk_raster_target>) -> R) -> R {
    let w = width * factor
    let plane = w * stripRows * factor
    return color.withUnsafeMutableBufferPointer { c in
      inverseDepth.withUnsafeMutableBufferPointer { d in
        ids.withUnsafeMutableBufferPointer { i in
          let base = c.baseAddress!
          var t = pk_raster_target(
            width: Int32(w), height: Int32(rows), color: (base, base + plane, base + 2 * plane),
            color_stride: w, inv_depth: d.baseAddress, depth_stride: w, ids: i.baseAddress, id_stride: w)
          return body(&t)
        }
      }
    }
  }

  private func material(_ item: DrawItem) -> pk_raster_material {
    let albedo = item.color.linear
    let light = Vec3(lighting.direction)
    return pk_raster_material(
      albedo: (albedo[0], albedo[1], albedo[2]), ambient: Float(lighting.ambient),
      diffuse: Float(lighting.diffuse), light: (Float(light.x), Float(light.y), Float(light.z)), id: item.id,
      cull_back: 1)
  }

  /// Sample rows the item can cover: the projection of the camera-space cube around its
  /// bounding sphere. Everything when the sphere reaches the near plane.
  private func sampleRows(_ item: DrawItem, camera: PinholeCamera) -> ClosedRange<Double> {
    let c = camera.rotation * item.translation + Vec3(camera.translation)
    let r = item.mesh.boundingRadius
    guard c.z - r > 1e-3 else { return -Double.infinity...Double.infinity }
    let f = Double(factor)
    let ys = [(c.y - r) / (c.z - r), (c.y - r) / (c.z + r), (c.y + r) / (c.z - r), (c.y + r) / (c.z + r)]
    return (camera.fy * ys.min()! + camera.cy) * f...(camera.fy * ys.max()! + camera.cy) * f
  }

  /// Renders the items (drawn in order; nearer wins) and returns the box-filtered image with
  /// `background` where nothing was drawn, and, when `maps` is set, the id and depth (metres)
  /// at pixel centres (empty arrays otherwise).
  func render(_ items: [DrawItem], camera: PinholeCamera, background: SceneColor, maps: Bool = true)
    -> (image: RGBImage, ids: [UInt16], depth: [Float])
  {
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
      let r = camera.rotation * item.rotation
      let t = camera.rotation * item.translation + Vec3(camera.translation)
      let toCamera = [
        r.row0.x, r.row0.y, r.row0.z, t.x, r.row1.x, r.row1.y, r.row1.z, t.y,
        r.row2.x, r.row2.y, r.row2.z, t.z,
      ]
      pk_transform_vertices(
        item.mesh.positions, item.mesh.normals, Int32(n), toCamera, item.rotation.elements, &cameraPositions[i],
        &worldNormals[i])
      materials.append(material(item))
      reach.append(sampleRows(item, camera: camera))
    }

    let bg = background.linear.map { UInt16((Double($0) * 65535).rounded()) }
    var rgb = [UInt8](repeating: 0, count: width * height * 3)
    var outIDs = [UInt16](repeating: 0, count: maps ? width * height : 0)
    var depth = [Float](repeating: 0, count: maps ? width * height : 0)
    let table = Self.srgbTable
    let f = Double(factor)
    for firstRow in stride(from: 0, to: height, by: stripRows) {
      let rows = min(stripRows, height - firstRow)
      let top = Double(firstRow * factor)
      let bottom = Double((firstRow + rows) * factor)
      // The strip sees the image through a camera whose principal point is shifted up.
      var cam = pk_raster_camera(
        fx: camera.fx * f, fy: camera.fy * f, cx: camera.cx * f, cy: camera.cy * f - top, near: 1e-3)
      withStrip(rows: rows * factor) { target in
        pk_raster_clear(target)
        for i in items.indices where reach[i].upperBound >= top && reach[i].lowerBound <= bottom {
          pk_raster_triangles(
            target, &cam, cameraPositions[i], worldNormals[i], items[i].mesh.indices,
            Int32(items[i].mesh.triangleCount), &materials[i])
        }
        let offset = firstRow * width
        rgb.withUnsafeMutableBufferPointer { out in
          outIDs.withUnsafeMutableBufferPointer { idOut in
            depth.withUnsafeMutableBufferPointer { depthOut in
              pk_raster_resolve(
                target, Int32(factor), bg, table, out.baseAddress! + offset * 3, width * 3,
                maps ? idOut.baseAddress! + offset : nil, width, maps ? depthOut.baseAddress! + offset : nil, width)
            }
          }
        }
      }
    }
    return (RGBImage(width: width, height: height, pixels: rgb), outIDs, depth)
  }
}
