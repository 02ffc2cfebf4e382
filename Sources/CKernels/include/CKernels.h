/* CKernels — image, geometry and rasterization kernels shared by Plumbline's reference
 * engine and its analyzers.
 *
 * Conventions for every function here:
 *   - symbols carry the `pk_` prefix;
 *   - buffers belong to the caller; no function allocates, does I/O or keeps state;
 *   - strides are explicit and counted in elements of the buffer's type;
 *   - results do not depend on how the caller splits work across threads.
 * This header is not public API: Swift wrappers in Media, Engine and Analysis are. */
#ifndef PK_CKERNELS_H
#define PK_CKERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Rasterizer (raster.c): triangles into colour and depth buffers for the reference engine. */

/* A supersampled render target: three planes of width×height samples, all caller-owned.
 * inv_depth  1/Z of the nearest surface (Z along the camera's forward axis, metres);
 *            0 means nothing drawn (background). Rows `depth_stride` floats apart.
 * color      three planes (red, green, blue) of linear light in 16-bit fixed point
 *            (65535 = 1.0); rows `color_stride` elements apart. Meaningful only where
 *            inv_depth > 0. Planar so that per-sample loops vectorize.
 * ids        object id of the nearest surface; rows `id_stride` apart. Meaningful only
 *            where inv_depth > 0 (elsewhere the id is 0, background).
 * Sample (x, y) is centred at (x + 0.5, y + 0.5) in target coordinates. */
typedef struct pk_raster_target {
  int32_t width, height;
  uint16_t *color[3];
  ptrdiff_t color_stride;
  float *inv_depth;
  ptrdiff_t depth_stride;
  uint16_t *ids;
  ptrdiff_t id_stride;
} pk_raster_target;

/* Pinhole projection into target coordinates: u = fx·X/Z + cx, v = fy·Y/Z + cy, with camera
 * axes x right, y down, z forward (OpenCV). Geometry with Z < near is clipped away. */
typedef struct pk_raster_camera {
  double fx, fy, cx, cy;
  double near;
} pk_raster_camera;

/* How one mesh is shaded: Lambert with ambient, from one directional light.
 * colour = albedo · (ambient + diffuse · max(0, n·light)), in linear light.
 * light   unit vector towards the light, in the same frame as the mesh normals.
 * cull_back  non-zero: skip triangles whose counter-clockwise front faces away from the camera. */
typedef struct pk_raster_material {
  float albedo[3];
  float ambient, diffuse;
  float light[3];
  uint16_t id;
  int32_t cull_back;
} pk_raster_material;

/* pk_raster_clear — empties the target by zeroing inv_depth; colour and ids are left as they
 * are, since they count only where inv_depth > 0. O(width·height), no allocation. */
void pk_raster_clear(const pk_raster_target *target);

/* pk_transform_vertices — rigid transform of a mesh for drawing.
 * positions, normals  `count` xyz float triples in the body frame.
 * to_camera           row-major 3×4 [R|t] from body to camera coordinates.
 * normal_rotation     row-major 3×3 rotation from body to the frame the light is given in.
 * camera_positions    out: `count` xyz doubles in camera coordinates.
 * out_normals         out: `count` xyz floats, rotated (length kept).
 * All buffers caller-owned and not overlapping. O(count), no allocation. */
void pk_transform_vertices(const float *restrict positions, const float *restrict normals,
                           int32_t count, const double to_camera[12],
                           const double normal_rotation[9],
                           double *restrict camera_positions, float *restrict out_normals);

/* pk_raster_triangles — z-buffered, perspective-correct rasterization of an indexed mesh.
 * camera_positions  xyz doubles per vertex, camera coordinates (see pk_transform_vertices).
 * normals           xyz floats per vertex; interpolated with perspective correction and
 *                   renormalized per sample. Triangles whose three normals are equal are
 *                   shaded once per triangle.
 * indices           3 vertex indices per triangle, counter-clockwise seen from the front.
 * A sample is covered when its centre is inside the triangle; edges shared by two triangles
 * cover each sample exactly once (a tie rule on the edge direction). A covered sample nearer
 * than the stored one (greater 1/Z) gets the shaded colour, 1/Z and material id.
 * Triangles are clipped against Z = near. No allocation; deterministic for a given draw
 * order. Cost O(triangles + rows + covered samples): each row's covered span is solved
 * from the edge equations, so samples outside a triangle are never visited. */
void pk_raster_triangles(const pk_raster_target *target, const pk_raster_camera *camera,
                         const double *restrict camera_positions, const float *restrict normals,
                         const uint32_t *restrict indices, int32_t triangle_count,
                         const pk_raster_material *material);

/* pk_srgb_encode_table — fills `table[0..65536)` so that table[i] is the 8-bit sRGB code of
 * linear value i/65535, the target's colour encoding. Finer than any 8-bit step.
 * O(65536); call once and keep the table. */
void pk_srgb_encode_table(uint8_t *table);

/* pk_raster_resolve — downsamples a target by `factor` (1...8) in each axis into pixels.
 * rgb      out: (width/factor)×(height/factor) pixels of 3 sRGB bytes, rows `rgb_stride`
 *          bytes apart: the box-filtered mean of factor² linear samples, `background`
 *          (16-bit linear RGB) standing for samples where nothing was drawn, rounded and
 *          encoded with `table` (pk_srgb_encode_table).
 * ids      out (may be NULL): the id of sample (factor/2, factor/2) of each pixel, the
 *          sample at the pixel centre when factor is odd. Rows `id_stride` apart.
 * depth    out (may be NULL): Z in metres at that same sample, +infinity where nothing was
 *          drawn. Rows `depth_stride` apart.
 * O(width·height) of the target, no allocation. */
void pk_raster_resolve(const pk_raster_target *target, int32_t factor,
                       const uint16_t background[3], const uint8_t *table,
                       uint8_t *restrict rgb, ptrdiff_t rgb_stride,
                       uint16_t *restrict ids, ptrdiff_t id_stride, float *restrict depth,
                       ptrdiff_t depth_stride);


/* Image kernels (image.c): colour conversion, masks and moments for the analyzers. */


#ifdef __cplusplus
}
#endif

#endif
