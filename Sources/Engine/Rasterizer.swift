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

/// A supersampled colour, depth and id buffer with the scratch space to draw meshes into it.
/// One per rendering thread; reused across frames so drawing allocates nothing.
final class FrameTarget {
  let width: Int
  let height: Int
  let factor: Int
  private var color: [UInt16]
  private var inverseDepth: [Float]
  private var ids: [UInt16]
  private var cameraPositions: [Double] = []
  private var worldNormals: [Float] = []

  /// The sRGB encoding table shared by every target; pure, so computed once.
  private static let srgbTable: [UInt8] = {
    var table = [UInt8](repeating: 0, count: 65536)
    pk_srgb_encode_table(&table)
    return table
  }()

  init(width: Int, height: Int, factor: Int) {
    self.width = width * factor
    self.height = height * factor
    self.factor = factor
    color = [UInt16](repeating: 0, count: self.width * self.height * 3)
    inverseDepth = [Float](repeating: 0, count: self.width * self.height)
    ids = [UInt16](repeating: 0, count: self.width * self.height)
  }

  /// Hands the C kernels a view of the three planes. The pointers live only inside `body`,
  /// during which nothing else touches the arrays (the class is used by one thread at a time).
  private func withTarget<R>(_ body: (UnsafePointer<pk_raster_target>) -> R) -> R {
    let plane = width * height
    return color.withUnsafeMutableBufferPointer { c in
      inverseDepth.withUnsafeMutableBufferPointer { d in
        ids.withUnsafeMutableBufferPointer { i in
          let base = c.baseAddress!
          var t = pk_raster_target(
            width: Int32(width), height: Int32(height), color: (base, base + plane, base + 2 * plane),
            color_stride: width, inv_depth: d.baseAddress, depth_stride: width, ids: i.baseAddress,
            id_stride: width)
          return body(&t)
        }
      }
    }
  }

  func clear() {
    withTarget { pk_raster_clear($0) }
  }

  /// Draws `mesh` placed by `bodyToWorld` (rotation, translation) as seen by `camera`.
  func draw(
    _ mesh: Mesh, rotation: Matrix3, translation: Vec3, camera: PinholeCamera, color: SceneColor, id: UInt16,
    lighting: Lighting
  ) {
    let n = mesh.vertexCount
    if cameraPositions.count < n * 3 {
      cameraPositions = [Double](repeating: 0, count: n * 3)
      worldNormals = [Float](repeating: 0, count: n * 3)
    }
    // Body → camera: X_cam = R_c·(R_b·X + p) + t_c.
    let r = camera.rotation * rotation
    let t = camera.rotation * translation + Vec3(camera.translation)
    let toCamera = [
      r.row0.x, r.row0.y, r.row0.z, t.x, r.row1.x, r.row1.y, r.row1.z, t.y,
      r.row2.x, r.row2.y, r.row2.z, t.z,
    ]
    let normalRotation = rotation.elements
    let f = Double(factor)
    var cam = pk_raster_camera(
      fx: camera.fx * f, fy: camera.fy * f, cx: camera.cx * f, cy: camera.cy * f, near: 1e-3)
    let albedo = color.linear
    let light = Vec3(lighting.direction)
    var material = pk_raster_material(
      albedo: (albedo[0], albedo[1], albedo[2]), ambient: Float(lighting.ambient),
      diffuse: Float(lighting.diffuse), light: (Float(light.x), Float(light.y), Float(light.z)), id: id,
      cull_back: 1)
    pk_transform_vertices(mesh.positions, mesh.normals, Int32(n), toCamera, normalRotation, &cameraPositions, &worldNormals)
    withTarget { target in
      pk_raster_triangles(
        target, &cam, cameraPositions, worldNormals, mesh.indices, Int32(mesh.triangleCount), &material)
    }
  }

  /// The box-filtered image with `background` where nothing was drawn, and the id and depth
  /// (metres) at each pixel's centre sample.
  func resolve(background: SceneColor) -> (image: RGBImage, ids: [UInt16], depth: [Float]) {
    let bg = background.linear.map { UInt16((Double($0) * 65535).rounded()) }
    let w = width / factor
    let h = height / factor
    var rgb = [UInt8](repeating: 0, count: w * h * 3)
    var outIDs = [UInt16](repeating: 0, count: w * h)
    var depth = [Float](repeating: 0, count: w * h)
    let table = Self.srgbTable
    withTarget { target in
      pk_raster_resolve(target, Int32(factor), bg, table, &rgb, w * 3, &outIDs, w, &depth, w)
    }
    return (RGBImage(width: w, height: h, pixels: rgb), outIDs, depth)
  }
}
