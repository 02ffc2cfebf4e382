import CKernels
import Foundation
import Media
import Testing

@testable import Engine

/// The C rasterizer driven directly, in a frame where target coordinates are camera x and y
/// (fx = fy = 1, cx = cy = 0, everything at Z = 1), so sample centres can be put exactly on
/// triangle edges.
@Suite struct RasterKernel {
  /// A fresh square target of w×w samples (`f`×`f` to a pixel) handed to `draw`; returns its
  /// colour, 1/Z and id planes.
  private func drawTarget(width w: Int, samplesPerPixel f: Int, _ draw: (UnsafePointer<pk_raster_target>) -> Void)
    -> (color: [UInt16], depth: [Float], ids: [UInt16])
  {
    var color = [UInt16](repeating: 0, count: w * w * 3)
    var depth = [Float](repeating: 0, count: w * w)
    var ids = [UInt16](repeating: 0, count: w * w)
    color.withUnsafeMutableBufferPointer { c in
      depth.withUnsafeMutableBufferPointer { d in
        ids.withUnsafeMutableBufferPointer { i in
          let base = c.baseAddress!
          var target = pk_raster_target(
            width: Int32(w), height: Int32(w), color: (base, base + w * w, base + 2 * w * w), color_stride: w,
            inv_depth: d.baseAddress, depth_stride: w, ids: i.baseAddress, id_stride: w,
            samples_per_pixel: Int32(f))
          draw(&target)
        }
      }
    }
    return (color, depth, ids)
  }

  /// Ids drawn by one triangle into a fresh width×width target.
  private func coverage(_ corners: [(Double, Double)], width: Int) -> [UInt16] {
    let positions = corners.flatMap { [$0.0, $0.1, 1.0] }
    let normals: [Float] = [0, 0, -1, 0, 0, -1, 0, 0, -1]
    let indices: [UInt32] = [0, 1, 2]
    var camera = pk_raster_camera(fx: 1, fy: 1, cx: 0, cy: 0, near: 1e-3)
    var material = pk_raster_material(
      albedo: (1, 1, 1), ambient: 1, diffuse: 0, light: (0, 1, 0), id: 7, cull_back: 0, texture: 0,
      texture_size: 1, other: (0, 0, 0), shadow: nil, wins_ties: 0)
    let drawn = drawTarget(width: width, samplesPerPixel: 1) { target in
      pk_raster_triangles(target, &camera, positions, normals, nil, indices, 1, &material)
    }
    return zip(drawn.ids, drawn.depth).map { $0.1 > 0 ? $0.0 : 0 }
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

  /// A textured floor seen in perspective from slightly above, drawn into a 48×48 sample
  /// target: colour, 1/Z and id planes. Checker squares and tiles are 0.25 m; wood bands
  /// 3 m, so that a sample spans at most 1/8 of a band (along depth, 1/48 across), about
  /// what the scenarios' wooden tables show.
  private func texturedFloor(samplesPerPixel f: Int, texture: Int32) -> (color: [UInt16], depth: [Float], ids: [UInt16]) {
    let w = 48
    // Camera y points down: the floor is the plane y = 0.5, from Z = 1 to Z = 3, where a
    // sample spans under a tenth of a texture cell (no aliasing).
    let corners: [(Double, Double)] = [(-1, 1), (1, 1), (1, 3), (-1, 3)]
    let positions = corners.flatMap { [$0.0, 0.5, $0.1] }
    let normals = [Float](repeating: 0, count: 12).enumerated().map { $0.offset % 3 == 1 ? -1 : 0 } as [Float]
    // Texture lines off the quad's edges, where rounding alone could decide a sample.
    let uvs = corners.flatMap { [Float($0.0 + 0.1), Float($0.1 + 0.1)] }
    let indices: [UInt32] = [0, 1, 2, 0, 2, 3]
    var camera = pk_raster_camera(fx: 48, fy: 48, cx: 24, cy: 24, near: 1e-3)
    var material = pk_raster_material(
      albedo: (0.8, 0.6, 0.4), ambient: 0.3, diffuse: 0.7, light: (0, -0.8, -0.6), id: 5, cull_back: 0,
      texture: texture, texture_size: texture == PK_TEXTURE_WOOD ? 3 : 0.25, other: (0.1, 0.2, 0.3), shadow: nil,
      wins_ties: 0)
    return drawTarget(width: w, samplesPerPixel: f) { target in
      pk_raster_triangles(target, &camera, positions, normals, uvs, indices, 2, &material)
    }
  }

  /// Shading whole 3×3 pixels at once (texture coordinates from the centre's) against one
  /// pixel per sample, where every sample is evaluated on its own: the same samples covered,
  /// the same depths, and, since a flat floor under a directional light is lit uniformly,
  /// colours that differ only through the texture. Checker and tiles: not at all (texture
  /// coordinates are exact per sample). Wood steps its wide bends to first order from the
  /// pixel centre (its fine streaks are evaluated per sample): with the bends' second
  /// derivatives (1.2 × smoothstep's 6 × their frequencies 0.6 and 0.15, squared) over those
  /// sample steps the error stays below 0.003 band, which moves a band weight (slope ≤ 3 per
  /// band) by under 1% of other − albedo (≤ 0.7 of full scale).
  @Test(arguments: [PK_TEXTURE_CHECKER, PK_TEXTURE_TILES, PK_TEXTURE_WOOD])
  func wholePixelShadingMatchesPerSampleShading(texture: Int) {
    let pixels = texturedFloor(samplesPerPixel: 3, texture: Int32(texture))
    let samples = texturedFloor(samplesPerPixel: 1, texture: Int32(texture))
    #expect(pixels.depth == samples.depth)
    #expect(pixels.ids == samples.ids)
    #expect(pixels.depth.filter { $0 > 0 }.count > 48 * 12, "the floor covers the bottom rows")
    let differences = zip(pixels.color, samples.color).map { abs(Int($0.0) - Int($0.1)) }
    let bound = texture == PK_TEXTURE_WOOD ? Int(0.01 * 0.7 * 65535) : 0
    #expect(differences.max()! <= bound, "\(differences.filter { $0 > bound }.count) samples differ by more")
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

  /// Clearing then resolving gives the rounded mean of each pixel's samples (the background
  /// where nothing was drawn), encoded by the table: checked against integer arithmetic on
  /// random samples drawn over part of a cleared target, for the 3× path and the general one.
  @Test(arguments: [2, 3, 5])
  func resolveIsTheRoundedMeanOfTheSamples(factor f: Int) {
    let (w, h) = (7 * f, 3 * f)
    var random = SplitMix64(seed: UInt64(f))
    let drawn = (0..<(w * h * 3)).map { _ in UInt16(truncatingIfNeeded: random.next()) }
    let covered = (0..<(w * h)).map { _ in random.next() % 4 != 0 }
    var color = [UInt16](repeating: 0, count: w * h * 3)
    var depth = [Float](repeating: 0, count: w * h)
    var ids = [UInt16](repeating: 3, count: w * h)
    let background: [UInt16] = [1000, 40000, 65535]
    var table = [UInt8](repeating: 0, count: 65536)
    pk_srgb_encode_table(&table)
    var rgb = [UInt8](repeating: 0, count: 7 * 3 * 3)
    color.withUnsafeMutableBufferPointer { c in
      depth.withUnsafeMutableBufferPointer { d in
        ids.withUnsafeMutableBufferPointer { i in
          let base = c.baseAddress!
          var target = pk_raster_target(
            width: Int32(w), height: Int32(h), color: (base, base + w * h, base + 2 * w * h), color_stride: w,
            inv_depth: d.baseAddress, depth_stride: w, ids: i.baseAddress, id_stride: w, samples_per_pixel: Int32(f))
          pk_raster_clear(&target, background)
          for k in 0..<(w * h) where covered[k] {
            d[k] = 1
            for p in 0..<3 { c[p * w * h + k] = drawn[p * w * h + k] }
          }
          pk_raster_resolve(&target, Int32(f), table, &rgb, 21, nil, 0, nil, 0)
        }
      }
    }
    for y in 0..<3 {
      for x in 0..<7 {
        for p in 0..<3 {
          var sum = 0
          for sy in 0..<f {
            for sx in 0..<f {
              let k = (y * f + sy) * w + x * f + sx
              sum += covered[k] ? Int(drawn[p * w * h + k]) : Int(background[p])
            }
          }
          let mean = (sum + f * f / 2) / (f * f)
          #expect(rgb[(y * 7 + x) * 3 + p] == table[mean], "pixel (\(x), \(y)) channel \(p)")
        }
      }
    }
  }

  /// Ids left by two squares in the same plane Z = 1 drawn one after the other (ids 1, then 2)
  /// into a 12×12 target of 3×3-sample pixels: every sample is a depth tie.
  private func tiedSquares(texture: Int32, secondWinsTies: Bool) -> [UInt16] {
    let positions: [Double] = [0, 0, 1, 12, 0, 1, 12, 12, 1, 0, 12, 1]
    let normals = [Float](repeating: 0, count: 12).enumerated().map { $0.offset % 3 == 2 ? -1 : 0 } as [Float]
    let uvs: [Float] = [0, 0, 12, 0, 12, 12, 0, 12]
    let indices: [UInt32] = [0, 1, 2, 0, 2, 3]
    var camera = pk_raster_camera(fx: 1, fy: 1, cx: 0, cy: 0, near: 1e-3)
    return drawTarget(width: 12, samplesPerPixel: 3) { target in
      for id: UInt16 in [1, 2] {
        var material = pk_raster_material(
          albedo: (1, 1, 1), ambient: 1, diffuse: 0, light: (0, 1, 0), id: id, cull_back: 0, texture: texture,
          texture_size: 4, other: (0, 0, 0), shadow: nil, wins_ties: id == 2 && secondWinsTies ? 1 : 0)
        pk_raster_triangles(target, &camera, positions, normals, uvs, indices, 2, &material)
      }
    }.ids
  }

  /// A mesh drawn second that wins ties shows where it would have shown drawn first: the
  /// floor relies on this to be drawn after the objects. Untextured squares take the filled
  /// path, checkered ones the per-pixel path.
  @Test func winningTiesReplacesEqualDepths() {
    for texture in [Int32(PK_TEXTURE_NONE), Int32(PK_TEXTURE_CHECKER)] {
      #expect(tiedSquares(texture: texture, secondWinsTies: false).allSatisfy { $0 == 1 }, "texture \(texture)")
      #expect(tiedSquares(texture: texture, secondWinsTies: true).allSatisfy { $0 == 2 }, "texture \(texture)")
    }
  }

  /// A floor (camera y = 0.5, Z from 1 to 3) under a light straight above it, drawn into 48×48
  /// samples with a 48×48 shadow map in which a triangle 0.2 m above the floor casts; with the
  /// map's block summary or without.
  private func shadowedFloor(summarized: Bool) -> [UInt16] {
    var depth = [Float](repeating: 0, count: 48 * 48)
    var tiles = [Float](repeating: 0, count: 2 * 6 * 6)
    let positions: [Double] = [-1, 0.5, 1, 1, 0.5, 1, 1, 0.5, 3, -1, 0.5, 3]
    let normals = [Float](repeating: 0, count: 12).enumerated().map { $0.offset % 3 == 1 ? -1 : 0 } as [Float]
    var camera = pk_raster_camera(fx: 48, fy: 48, cx: 24, cy: 24, near: 1e-3)
    return depth.withUnsafeMutableBufferPointer { d in
      tiles.withUnsafeMutableBufferPointer { t in
        // Map texels 1/24 m: s = 24·x + 24, t = 24·Z − 24, d = −y (up, towards the light).
        var map = pk_shadow_map(
          width: 48, height: 48, depth: d.baseAddress, from_camera: (24, 0, 0, 24, 0, 0, 24, -24, 0, -1, 0, 0),
          texel: 1.0 / 24, tiles: nil)
        pk_shadow_clear(&map)
        let caster: [Double] = [5, 5, -0.3, 40, 12, -0.3, 20, 42, -0.3]
        pk_shadow_triangles(&map, caster, [0, 1, 2], 1)
        if summarized {
          map.tiles = t.baseAddress
          pk_shadow_summarize(&map)
        }
        return withUnsafePointer(to: &map) { shadow in
          var material = pk_raster_material(
            albedo: (0.8, 0.6, 0.4), ambient: 0.3, diffuse: 0.7, light: (0, -1, 0), id: 5, cull_back: 0,
            texture: Int32(PK_TEXTURE_CHECKER), texture_size: 0.25, other: (0.1, 0.2, 0.3), shadow: shadow,
            wins_ties: 0)
          let uvs: [Float] = [0, 0, 2, 0, 2, 2, 0, 2]
          return drawTarget(width: 48, samplesPerPixel: 3) { target in
            pk_raster_triangles(target, &camera, positions, normals, uvs, [0, 1, 2, 0, 2, 3], 2, &material)
          }.color
        }
      }
    }
  }

  /// The block summary only skips filtering where all nine taps agree: the same colours as
  /// filtering everywhere, on a floor with lit, shadowed and penumbra samples.
  @Test func shadowSummaryChangesNothing() {
    let plain = shadowedFloor(summarized: false)
    #expect(shadowedFloor(summarized: true) == plain)
    let reds = Set(plain[0..<(48 * 48)])
    #expect(reds.count > 4, "lit and shadowed squares of both colours, and penumbra")
  }

  /// Pixel centres inside a 4×3 rectangle, drawn as two triangles plus a third overlapping
  /// one, seen through a window that starts at column 1: 12 pixels, each counted once.
  @Test func coverageCountsEachCoveredPixelOnce() {
    let positions: [Double] = [2, 1, 1, 6, 1, 1, 6, 4, 1, 2, 4, 1]
    let indices: [UInt32] = [0, 1, 2, 0, 2, 3, 0, 1, 3]
    var camera = pk_raster_camera(fx: 1, fy: 1, cx: 0, cy: 0, near: 1e-3)
    var scratch = [UInt8](repeating: 7, count: 8 * 6)
    #expect(pk_raster_coverage(&camera, positions, indices, 3, 1, 0, 8, 6, &scratch) == 12)
    #expect(pk_raster_coverage(&camera, positions, indices, 3, 4, 0, 8, 6, &scratch) == 6, "columns 4 and 5 only")
  }

  /// Two overlapping casters: the map keeps the one nearer the light where both cover, and
  /// −infinity where neither does.
  @Test func shadowMapKeepsTheCasterNearestTheLight() {
    var depth = [Float](repeating: 0, count: 8 * 8)
    depth.withUnsafeMutableBufferPointer { d in
      var map = pk_shadow_map(
        width: 8, height: 8, depth: d.baseAddress, from_camera: (1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0), texel: 0.01,
        tiles: nil)
      pk_shadow_clear(&map)
      let low: [Double] = [0, 0, 1, 6, 0, 1, 0, 6, 1]
      let high: [Double] = [0, 0, 2, 4, 0, 2, 0, 4, 2]
      pk_shadow_triangles(&map, low, [0, 1, 2], 1)
      pk_shadow_triangles(&map, high, [0, 1, 2], 1)
    }
    #expect(depth[0 * 8 + 0] == 2 && depth[1 * 8 + 1] == 2)
    #expect(depth[0 * 8 + 4] == 1, "only the low caster reaches column 4")
    #expect(depth[7 * 8 + 7] == -.infinity)
  }
}
