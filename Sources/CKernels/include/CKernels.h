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

/* pk_srgb8_to_lab — CIELAB (D65 white, L* 0…100) of every pixel of an 8-bit sRGB image.
 *
 * src    width×height pixels of 3 bytes (R, G, B), rows `src_stride` bytes apart.
 * lab    caller-owned float buffer; pixel (x, y) gets L*, a*, b* at lab[y·lab_stride + 3x …],
 *        so `lab_stride` counts floats and must be at least 3·width.
 * Decoding goes through a 256-entry table built on the stack per call; one cube root per
 * channel a pixel. No allocation; O(width·height). */
void pk_srgb8_to_lab(const uint8_t *restrict src, int width, int height, ptrdiff_t src_stride,
                     float *restrict lab, ptrdiff_t lab_stride);

/* pk_lab_match_mask — marks the pixels whose colour is the reference colour under any
 * brightness (Lambert shading), and returns how many it marked.
 *
 * Scaling linear RGB by s scales X, Y, Z by s, hence a* and b* by s^(1/3) and (L* + 16)
 * by s^(1/3) too (above the dark linear segment of CIELAB). So two quantities do not change
 * with shading: the hue direction of (a*, b*), and the saturation C* ÷ (L* + 16). A pixel
 * matches when its chroma C* ≥ `min_chroma` (below that, hue is noise), the cosine of its
 * hue angle to (`ref_a`, `ref_b`) is ≥ `min_cos`, and its saturation is within the factor
 * `sat_ratio` (> 1) of `ref_saturation` either way.
 * lab    as written by pk_srgb8_to_lab; `lab_stride` counts floats.
 * mask   caller-owned bytes, 1 for a match and 0 otherwise, rows `mask_stride` bytes apart.
 * No allocation; O(width·height). */
size_t pk_lab_match_mask(const float *restrict lab, int width, int height, ptrdiff_t lab_stride,
                         float ref_a, float ref_b, float ref_saturation, float min_chroma,
                         float min_cos, float sat_ratio, uint8_t *restrict mask,
                         ptrdiff_t mask_stride);

/* pk_label_regions — 8-connected regions of a mask, numbered 1, 2, … in raster order of
 * their first pixel; 0 stays background. Returns the number of regions, or −1 when
 * `parent_capacity` is too small.
 *
 * mask     width×height bytes (non-zero = set), rows `mask_stride` bytes apart.
 * labels   caller-owned int32 buffer, rows `label_stride` elements apart.
 * parent   caller-owned int32 scratch for union-find; width·height/2 + 2 entries always
 *          suffice.
 * Two passes with path-halving union-find; no allocation; O(width·height). */
int pk_label_regions(const uint8_t *restrict mask, int width, int height, ptrdiff_t mask_stride,
                     int32_t *restrict labels, ptrdiff_t label_stride, int32_t *restrict parent,
                     size_t parent_capacity);

/* Area, first moments and bounding box of one labelled region. Coordinates are pixel
 * centres: pixel (i, j) contributes (i + 0.5, j + 0.5); the box is inclusive pixel indices. */
typedef struct pk_region_stats {
  int64_t area;
  double sum_x, sum_y;
  int min_x, min_y, max_x, max_y;
} pk_region_stats;

/* pk_region_stats_compute — pk_region_stats for labels 1…count in one pass.
 *
 * labels   as written by pk_label_regions, rows `label_stride` elements apart.
 * stats    caller-owned array of `count` entries; stats[k − 1] describes label k. Labels
 *          outside 1…count are ignored. No allocation; O(width·height + count). */
void pk_region_stats_compute(const int32_t *restrict labels, int width, int height,
                             ptrdiff_t label_stride, int count, pk_region_stats *restrict stats);

/* pk_line_coverage — sub-pixel extent of one labelled region along lines of an image.
 *
 * A "line" is a row or a column: the strides choose. Pixel k of line l is at
 * src[l·src_line + k·src_step] (3 bytes, sRGB) and labels[l·label_line + k·label_step].
 * For every line the first and last pixel carrying `label` bound a run; pixels inside it count
 * as fully covered (holes such as highlights are ignored, so the region should be convex along
 * the line). The two pixels either side of each end are partly covered: their coverage α is
 * found by unmixing, in linear RGB, pixel ≈ x·object + (1 − α)·background, where `object` is
 * the object's linear RGB at any brightness (x absorbs the shading) and the background is the
 * pixel two steps beyond that end. Where object and background colours are too alike to unmix,
 * the label decides (α = 1 on the label, else 0).
 * lo, hi  caller-owned arrays of `lines` floats: edges of the run in pixel units along the line
 *         (pixel k spans [k, k + 1)); both 0 on a line without the label.
 * Returns the number of lines that hold the label. No allocation; O(lines·length). */
int pk_line_coverage(const uint8_t *restrict src, ptrdiff_t src_step, ptrdiff_t src_line,
                     const int32_t *restrict labels, ptrdiff_t label_step, ptrdiff_t label_line,
                     int length, int lines, int32_t label, const float object_linear[3],
                     float *restrict lo, float *restrict hi);


/* Filtering and pyramids (filter.c): blur, gradients, resampling and image pyramids. */


/* Tracking and optical flow (flow.c): corners, pyramidal Lucas–Kanade, dense flow. */


/* Multi-view geometry (geometry.c): fundamental and essential matrices, RANSAC, Sampson error. */


/* Frame statistics (stats.c): SSIM, differences and motion masks for temporal metrics. */

/* Physics-IQ motion masks and metrics (motion.c): bit-exact with the OpenCV calls made by the
 * Physics-IQ reference code (google-deepmind/physics-IQ-benchmark), so that masks match it
 * pixel for pixel. */

/* pk_physiq_gray_blur — grey level of each pixel (OpenCV COLOR_BGR2GRAY weights in 15-bit
 * fixed point: (9798 R + 19235 G + 3735 B + 2¹⁴) >> 15), then cv::GaussianBlur 5×5 with σ = 0,
 * for which OpenCV takes its fixed table 1 4 6 4 1 / 16 each way (reflect-101 borders, exact
 * integer sums, rounded half up once).
 * rgb      width×height pixels of 3 bytes (R, G, B), rows `rgb_stride` bytes apart.
 * scratch  caller-owned width×height uint16 (the row pass).
 * gray     out: caller-owned width×height bytes, rows packed (stride = width).
 * No allocation; O(width·height). Integer arithmetic, bit-exact. */
void pk_physiq_gray_blur(const uint8_t *restrict rgb, ptrdiff_t rgb_stride, int width, int height,
                         uint16_t *restrict scratch, uint8_t *restrict gray);

/* pk_physiq_motion_step — one frame of the reference's background subtraction:
 * average ← (1 − alpha)·average + alpha·gray (cv::accumulateWeighted, with OpenCV's fused
 * multiply-adds: elements before count − count mod 16 as fma(average, 1 − alpha, gray·alpha),
 * the rest as fma(gray, alpha, average·(1 − alpha))); then the average rounded to 8 bits
 * (cv::convertScaleAbs: through float, half to even), and mask = 255 where
 * |gray − rounded| > threshold, else 0 (cv::absdiff, cv::threshold THRESH_BINARY).
 * gray, average, mask  `count` packed elements, caller-owned; average is updated in place.
 * No allocation; O(count). */
void pk_physiq_motion_step(const uint8_t *restrict gray, double *restrict average, size_t count,
                           double alpha, int threshold, uint8_t *restrict mask);

/* pk_physiq_open_close — morphological opening then closing with a 5×5 square, in place
 * (cv::morphologyEx MORPH_OPEN then MORPH_CLOSE, default borders: the window is cut at the
 * image's edges).
 * mask     width×height bytes, rows packed, overwritten with the result.
 * scratch, temp  caller-owned width×height bytes each.
 * No allocation; O(width·height·10). */
void pk_physiq_open_close(uint8_t *restrict mask, int width, int height,
                          uint8_t *restrict scratch, uint8_t *restrict temp);

/* pk_physiq_resize_linear — cv::resize with INTER_LINEAR on 8-bit pixels, as OpenCV computes
 * it: centres aligned ((d + 0.5)·src/dst − 0.5, narrowed to float), 11-bit weights, exact row
 * sums, and the vertical pass's rounding of OpenCV's vector code (see motion.c). Not for an
 * exact halving (OpenCV switches to INTER_AREA there).
 * src      src_width×src_height pixels of `channels` bytes, rows `src_stride` bytes apart.
 * dst      out: dst_width×dst_height pixels, rows `dst_stride` bytes apart.
 * scratch  caller-owned int32, src_height·dst_width·channels elements.
 * No allocation; O((src_height + dst_height)·dst_width·channels). Bit-exact. */
void pk_physiq_resize_linear(const uint8_t *restrict src, ptrdiff_t src_stride, int src_width,
                             int src_height, int channels, uint8_t *restrict dst,
                             ptrdiff_t dst_stride, int dst_width, int dst_height,
                             int32_t *restrict scratch);

/* pk_physiq_frame_mse — mean over `count` bytes of (a/255 − b/255)², each value narrowed to
 * float and the difference squared in float as the reference does; summed in double.
 * No allocation; O(count). */
double pk_physiq_frame_mse(const uint8_t *restrict a, const uint8_t *restrict b, size_t count);


/* Video conversion (video.c): YUV to RGB and back for Y4M and decoded video. */

/* pk_yuv_to_rgb8 — planar 8-bit Y'CbCr (BT.601 matrix) to packed 8-bit RGB.
 *
 * y          width×height luma bytes, rows `y_stride` bytes apart.
 * u, v       Cb and Cr planes of ceil(width / 2^shift_x) × ceil(height / 2^shift_y) bytes,
 *            rows `c_stride` bytes apart: shifts 1,1 for 4:2:0, 0,0 for 4:4:4. Each chroma
 *            sample covers its block (nearest, no interpolation between sites).
 * full_range 0: Y' in 16…235 and Cb, Cr in 16…240 (limited, the video default); 1: 0…255.
 * dst        caller-owned width×height×3 bytes, rows `dst_stride` bytes apart; out-of-gamut
 *            values clamp to 0…255.
 * No allocation; O(width·height). Integer arithmetic, bit-exact everywhere. */
void pk_yuv_to_rgb8(const uint8_t *restrict y, ptrdiff_t y_stride, const uint8_t *restrict u,
                    const uint8_t *restrict v, ptrdiff_t c_stride, int shift_x, int shift_y,
                    int width, int height, int full_range, uint8_t *restrict dst,
                    ptrdiff_t dst_stride);

/* pk_rgb8_to_yuv — packed 8-bit RGB to planar 8-bit Y'CbCr (BT.601 matrix); the inverse of
 * pk_yuv_to_rgb8 up to rounding.
 *
 * src        width×height×3 bytes, rows `src_stride` bytes apart.
 * shift_x/y  chroma subsampling as in pk_yuv_to_rgb8; each Cb, Cr sample is computed from the
 *            mean RGB of the (up to) 2^shift_x × 2^shift_y pixels of its block.
 * full_range as in pk_yuv_to_rgb8.
 * y          caller-owned width×height bytes, rows `y_stride` apart.
 * u, v       caller-owned chroma planes of the size given above, rows `c_stride` apart.
 * No allocation; O(width·height). Integer arithmetic, bit-exact everywhere. */
void pk_rgb8_to_yuv(const uint8_t *restrict src, ptrdiff_t src_stride, int width, int height,
                    int shift_x, int shift_y, int full_range, uint8_t *restrict y,
                    ptrdiff_t y_stride, uint8_t *restrict u, uint8_t *restrict v,
                    ptrdiff_t c_stride);


#ifdef __cplusplus
}
#endif

#endif
