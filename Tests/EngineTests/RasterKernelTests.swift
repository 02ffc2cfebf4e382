import CKernels
import Foundation
import Testing

/// The C rasterizer driven directly, in a frame where target coordinates are camera x and y
/// (fx = fy = 1, cx = cy = 0, everything at Z = 1), so sample centres can be put exactly on
/// triangle edges.
@Suite struct RasterKernel {
  /// Ids drawn by one triangle into a fresh width×width target.
  private func coverage(_ corners: [(Double, Double)], width: Int) -> [UInt16] {
    var color = [UInt16](repeating: 0, count: width * width * 3)
    var depth = [Float](repeating: 0, count: width * width)
    var ids = [UInt16](repeating: 0, count: width * width)
    let positions = corners.flatMap { [$0.0, $0.1, 1.0] }
    let normals: [Float] = [0, 0, -1, 0, 0, -1, 0, 0, -1]
    let indices: [UInt32] = [0, 1, 2]
    var camera = pk_raster_camera(fx: 1, fy: 1, cx: 0, cy: 0, near: 1e-3)
    var material = pk_raster_material(
      albedo: (1, 1, 1), ambient: 1, diffuse: 0, light: (0, 1, 0), id: 7, cull_back: 0, texture: 0,
      texture_size: 1, other: (0, 0, 0), shadow: nil)
    color.withUnsafeMutableBufferPointer { c in
      depth.withUnsafeMutableBufferPointer { d in
        ids.withUnsafeMutableBufferPointer { i in
          let base = c.baseAddress!
          var target = pk_raster_target(
            width: Int32(width), height: Int32(width),
            color: (base, base + width * width, base + 2 * width * width), color_stride: width,
            inv_depth: d.baseAddress, depth_stride: width, ids: i.baseAddress, id_stride: width)
          pk_raster_triangles(&target, &camera, positions, normals, nil, indices, 1, &material)
        }
      }
    }
    return zip(ids, depth).map { $0.1 > 0 ? $0.0 : 0 }
  }

  /// Squares split along a diagonal that passes exactly through sample centres: each sample
  /// must belong to exactly one of the two triangles, for either diagonal and either winding.
  @Test func sharedEdgesCoverEachSampleOnce() {
    let n = 8
    let s = Double(n)
    let splits: [[[(Double, Double)]]] = [
      [[(0, 0), (s, 0), (s, s)], [(0, 0), (s, s), (0, s)]],
      [[(0, 0), (s, s), (s, 0)], [(0, 0), (0, s), (s, s)]],
      [[(0, s), (s, 0), (s, s)], [(0, s), (0, 0), (s, 0)]],
    ]
    for split in splits {
      let a = coverage(split[0], width: n)
      let b = coverage(split[1], width: n)
      let counts = zip(a, b).map { ($0.0 != 0 ? 1 : 0) + ($0.1 != 0 ? 1 : 0) }
      #expect(counts.allSatisfy { $0 == 1 }, "split \(split)")
    }
  }

  /// The sRGB table inverts the sRGB decoding of every 8-bit code.
  @Test func srgbTableRoundTripsEveryCode() {
    var table = [UInt8](repeating: 0, count: 65536)
    pk_srgb_encode_table(&table)
    for code in 0...255 {
      let c = Double(code) / 255
      let linear = c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
      #expect(Int(table[Int((linear * 65535).rounded())]) == code, "code \(code)")
    }
  }
}
