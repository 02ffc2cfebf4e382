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
 *            (65535 = 1.0); rows `color_stride` elements apart; the background colour
 *            where nothing was drawn. Planar so that per-sample loops vectorize.
 * ids        object id of the nearest surface; rows `id_stride` apart. Meaningful only
 *            where inv_depth > 0 (elsewhere the id is 0, background). May be NULL when no
 *            mask is wanted, which saves its writes.
 * samples_per_pixel  f (1…8): the target will be resolved in f×f blocks of samples (pixel
 *            (i, j) holds samples f·i … f·i + f − 1 across and down). Where a triangle covers
 *            a whole block, lighting, shadow and texture coordinates are evaluated once at the
 *            block's centre; the texture is still sampled at each sample.
 * Sample (x, y) is centred at (x + 0.5, y + 0.5) in target coordinates. */
typedef struct pk_raster_target {
  int32_t width, height;
  uint16_t *color[3];
  ptrdiff_t color_stride;
  float *inv_depth;
  ptrdiff_t depth_stride;
  uint16_t *ids;
  ptrdiff_t id_stride;
  int32_t samples_per_pixel;
} pk_raster_target;

/* Pinhole projection into target coordinates: u = fx·X/Z + cx, v = fy·Y/Z + cy, with camera
 * axes x right, y down, z forward (OpenCV). Geometry with Z < near is clipped away. */
typedef struct pk_raster_camera {
  double fx, fy, cx, cy;
  double near;
} pk_raster_camera;

/* Procedural textures of perspective-correct texture coordinates (metres along the surface),
 * evaluated at every sample. */
enum {
  PK_TEXTURE_NONE = 0,
  PK_TEXTURE_CHECKER = 1, /* squares of `texture_size` alternating albedo and `other` */
  PK_TEXTURE_TILES = 2,   /* tiles of `texture_size` in albedo, grout lines in `other` */
  PK_TEXTURE_WOOD = 3     /* grain bands `texture_size` apart, bent by hash-based value noise */
};

/* A shadow map of a directional light: an orthographic depth image seen from the light.
 * depth       width×height floats, rows `width` apart, caller-owned: the height towards the
 *             light of the nearest caster over each texel, −INFINITY where nothing casts.
 * from_camera row-major 3×4 affine map from camera coordinates of the frame being drawn to
 *             map coordinates (s, t, d): texel units across, metres towards the light.
 * texel       the side of one texel in metres (sets the depth bias against acne).
 * tiles       NULL, or 2·ceil(width/8)·ceil(height/8) caller-owned floats that
 *             pk_shadow_summarize fills; lookups then skip the filter where its nine taps
 *             must agree. */
typedef struct pk_shadow_map {
  int32_t width, height;
  float *depth;
  double from_camera[12];
  double texel;
  float *tiles;
} pk_shadow_map;

/* How one mesh is shaded: Lambert with ambient, from one directional light.
 * colour = albedo · (ambient + diffuse · lit · max(0, n·light)), in linear light, where lit
 * in [0, 1] is the fraction of a 3×3 percentage-closer filter on `shadow` that sees the light
 * (1 when `shadow` is NULL or the sample is outside the map). A surface facing the light with
 * nothing in front of it therefore shows exactly its albedo when ambient + diffuse = 1.
 * light   unit vector towards the light, in the same frame as the mesh normals.
 * texture one of PK_TEXTURE_*; `other` (linear RGB) and `texture_size` (metres) configure it.
 * cull_back  non-zero: skip triangles whose counter-clockwise front faces away from the camera.
 * wins_ties  non-zero: a sample as near as the stored one replaces it. A mesh drawn last with
 *            this set gives the image it would give drawn first without it: what hides it costs
 *            it only depth tests. */
typedef struct pk_raster_material {
  float albedo[3];
  float ambient, diffuse;
  float light[3];
  uint16_t id;
  int32_t cull_back;
  int32_t texture;
  float texture_size;
  float other[3];
  const pk_shadow_map *shadow;
  int32_t wins_ties;
} pk_raster_material;

/* pk_raster_clear — empties the target: inv_depth 0 and colour `background` (16-bit linear
 * RGB) everywhere, so the resolve pass sums colours without testing depth. Ids are left as
 * they are; they count only where inv_depth > 0. O(width·height), no allocation. */
void pk_raster_clear(const pk_raster_target *target, const uint16_t background[3]);

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
 *                   renormalized per pixel (per sample where the triangle covers only part
 *                   of a pixel). Triangles whose three normals are equal, with no texture,
 *                   are shaded once per triangle (except where shadowed).
 * uvs               uv floats per vertex (metres), interpolated with 1/Z; may be NULL when
 *                   the material has no texture.
 * indices           3 vertex indices per triangle, counter-clockwise seen from the front.
 * A sample is covered when its centre is inside the triangle; edges shared by two triangles
 * cover each sample exactly once (a tie rule on the edge direction). A covered sample nearer
 * than the stored one (greater 1/Z) gets the shaded colour, 1/Z and material id.
 * Triangles are clipped against Z = near. No allocation; deterministic for a given draw
 * order. Cost O(triangles + rows + covered samples): each row's covered span is solved
 * from the edge equations, so samples outside a triangle are never visited. */
void pk_raster_triangles(const pk_raster_target *target, const pk_raster_camera *camera,
                         const double *restrict camera_positions, const float *restrict normals,
                         const float *restrict uvs, const uint32_t *restrict indices,
                         int32_t triangle_count, const pk_raster_material *material);

/* pk_shadow_clear — sets every texel of `map` to −INFINITY (nothing casts). O(texels). */
void pk_shadow_clear(const pk_shadow_map *map);

/* pk_shadow_triangles — draws casters into a shadow map, keeping the largest d per texel.
 * map_positions  (s, t, d) doubles per vertex in map coordinates (texel units, metres towards
 *                the light), e.g. from pk_transform_vertices with a body-to-map transform.
 * indices        3 vertex indices per triangle; both windings are drawn.
 * A texel is covered when its centre is inside the triangle. No allocation; O(triangles +
 * covered texels). */
void pk_shadow_triangles(const pk_shadow_map *map, const double *restrict map_positions,
                         const uint32_t *restrict indices, int32_t triangle_count);

/* pk_shadow_summarize — for each 8×8 block of texels, the largest and smallest depth over the
 * block widened by one texel on every side (the reach of the 3×3 filter around any texel of
 * the block), into map->tiles (nothing when NULL). Call after the last pk_shadow_triangles.
 * O(texels). */
void pk_shadow_summarize(const pk_shadow_map *map);

/* pk_raster_coverage — counts the pixels whose centres a mesh covers, with nothing else drawn:
 * the area an object would show if nothing were in front of it. Uses `scratch` as a bitmap of
 * width×height bytes (caller-owned) for the window of pixels [x0, x0+width)×[y0, y0+height)
 * of the camera `camera` (pixel coordinates). Triangles are clipped like pk_raster_triangles
 * and both windings count. Returns the count. O(triangles + covered pixels + window). */
int64_t pk_raster_coverage(const pk_raster_camera *camera, const double *restrict camera_positions,
                           const uint32_t *restrict indices, int32_t triangle_count, int32_t x0,
                           int32_t y0, int32_t width, int32_t height, uint8_t *restrict scratch);

/* pk_scale_brightness — multiplies the linear light of 8-bit sRGB bytes by `gain` in place,
 * re-encoding with `table` (pk_srgb_encode_table). O(count). */
void pk_scale_brightness(uint8_t *restrict rgb, size_t count, double gain, const uint8_t *table);

/* pk_srgb_encode_table — fills `table[0..65536)` so that table[i] is the 8-bit sRGB code of
 * linear value i/65535, the target's colour encoding. Finer than any 8-bit step.
 * O(65536); call once and keep the table. */
void pk_srgb_encode_table(uint8_t *table);

/* pk_raster_resolve — downsamples a target by `factor` (1...8) in each axis into pixels.
 * rgb      out: (width/factor)×(height/factor) pixels of 3 sRGB bytes, rows `rgb_stride`
 *          bytes apart: the box-filtered mean of factor² linear samples (the background
 *          colour where nothing was drawn, as pk_raster_clear leaves it), rounded and
 *          encoded with `table` (pk_srgb_encode_table).
 * ids      out (may be NULL; must be when the target has no ids): the id of sample
 *          (factor/2, factor/2) of each pixel, the
 *          sample at the pixel centre when factor is odd. Rows `id_stride` apart.
 * depth    out (may be NULL): Z in metres at that same sample, +infinity where nothing was
 *          drawn. Rows `depth_stride` apart.
 * O(width·height) of the target, no allocation. */
void pk_raster_resolve(const pk_raster_target *target, int32_t factor, const uint8_t *table,
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

/* Coordinates. Every point coordinate in the filter, flow and geometry kernels is continuous
 * with pixel (i, j) covering [i, i + 1) × [j, j + 1), so its centre is (i + 0.5, j + 0.5), x right,
 * y down. Grey images are floats on the 0…255 scale of the 8-bit input. */

/* A read-only view of a float image, for kernels that take several levels at once. */
typedef struct pk_image_f32 {
  const float *data;
  int32_t width, height;
  ptrdiff_t stride;
} pk_image_f32;

/* pk_rgb8_to_grey — luma Y = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601, as OpenCV) of an 8-bit
 * RGB image, as floats on the 0…255 scale.
 * src   width×height pixels of 3 bytes, rows `src_stride` bytes apart.
 * dst   caller-owned floats, rows `dst_stride` floats apart. No allocation; O(width·height). */
void pk_rgb8_to_grey(const uint8_t *restrict src, int width, int height, ptrdiff_t src_stride,
                     float *restrict dst, ptrdiff_t dst_stride);

/* pk_gaussian_kernel — fills weights[0 … 2·radius] with exp(−k²/2σ²), k = −radius … radius,
 * normalised to sum 1. radius ≥ 0, sigma > 0. O(radius). */
void pk_gaussian_kernel(float sigma, int radius, float *weights);

/* pk_blur_separable — correlates a float image with weights[0 … 2·radius] along x, then along y
 * (weights[radius] is the centre tap). Borders replicate the edge pixel.
 * src, dst  width×height floats, rows `src_stride` / `dst_stride` apart; dst may equal src.
 * scratch   caller-owned width·height floats (the horizontal pass).
 * No allocation; O(width·height·radius), both passes vectorize along rows. */
void pk_blur_separable(const float *src, ptrdiff_t src_stride, int width, int height,
                       const float *weights, int radius, float *dst, ptrdiff_t dst_stride,
                       float *restrict scratch);

/* pk_scharr — image derivatives ∂I/∂x and ∂I/∂y by the Scharr operator ([3 10 3] smoothing
 * across, central difference along), scaled by 1/32 so that a ramp of slope s gives s.
 * Borders replicate the edge. src, gx, gy width×height floats; gx and gy share `dst_stride`.
 * No allocation; O(width·height). */
void pk_scharr(const float *restrict src, ptrdiff_t src_stride, int width, int height,
               float *restrict gx, float *restrict gy, ptrdiff_t dst_stride);

/* pk_downsample2 — one pyramid step: a (width/2)×(height/2) image (rounded down) whose pixel i
 * is the separable binomial [1 3 3 1]/8 of source pixels 2i−1 … 2i+2, centred on the boundary
 * between 2i and 2i+1. So a point (x, y) of the source is exactly (x/2, y/2) in the result.
 * Borders replicate. scratch: caller-owned (width/2)·height floats. No allocation; O(w·h). */
void pk_downsample2(const float *restrict src, ptrdiff_t src_stride, int width, int height,
                    float *restrict dst, ptrdiff_t dst_stride, float *restrict scratch);

/* pk_sample_bilinear — the image at the continuous point (x, y), pixel centres at i + 0.5,
 * interpolated bilinearly; points outside the image take the nearest edge value.
 * step  floats from one pixel to the next in a row: 1 for a grey image, 2 for one component of
 *       an interleaved flow field (pass a pointer to that component). Rows `stride` floats
 *       apart. O(1). */
float pk_sample_bilinear(const float *img, ptrdiff_t stride, ptrdiff_t step, int width,
                         int height, float x, float y);


/* Tracking and optical flow (flow.c): corners, pyramidal Lucas–Kanade, dense flow. */

/* pk_min_eigen — Shi–Tomasi cornerness: the smaller eigenvalue of the structure tensor
 * Σ [gx² gx·gy; gx·gy gy²] over a (2·radius+1)² box, divided by the box area.
 * gx, gy   derivatives (pk_scharr), width×height floats, rows `stride` apart.
 * out      caller-owned width×height floats, rows `out_stride` apart.
 * scratch  caller-owned 4·width·height floats. radius ≤ 32 (larger is clamped: the box taps
 * live on the stack). No allocation; O(width·height·radius). */
void pk_min_eigen(const float *restrict gx, const float *restrict gy, ptrdiff_t stride, int width,
                  int height, int radius, float *restrict out, ptrdiff_t out_stride,
                  float *restrict scratch);

/* pk_select_corners — Shi–Tomasi corner picking: pixels that are 3×3 local maxima of `score`,
 * at least `border` pixels from the edge, with score ≥ quality·(largest score) and > 0, taken in
 * decreasing score (ties: raster order) and kept when no kept corner lies closer than
 * `min_distance` pixels. Writes up to `max_corners` centres (i + 0.5, j + 0.5) as x, y pairs to
 * `xy` and their scores to `scores` (may be NULL); returns how many.
 * scratch_pairs  caller-owned width·height·2 int32 (candidate list, heap-sorted in place).
 * scratch_mask   caller-owned width·height bytes (pixels too close to a kept corner).
 * No allocation; deterministic; O(w·h + c·log c + kept·min_distance²) for c candidates. */
int pk_select_corners(const float *restrict score, ptrdiff_t stride, int width, int height,
                      float quality, float min_distance, int border, int max_corners,
                      float *restrict xy, float *restrict scores, int32_t *restrict scratch_pairs,
                      uint8_t *restrict scratch_mask);

/* The largest window radius pk_lk_track accepts; its window lives on the stack. */
#define PK_LK_MAX_RADIUS 15

/* pk_lk_track — pyramidal Lucas–Kanade (Bouguet's formulation): for each point, the
 * displacement that best matches a (2·radius+1)² window of `prev` in `next`, coarse to fine.
 * prev, next        `levels` images each, level 0 the full size, level L+1 from pk_downsample2
 *                   of level L (so coordinates halve exactly).
 * prev_gx, prev_gy  pk_scharr derivatives of each prev level.
 * from              `count` x, y pairs in level-0 coordinates.
 * to                in: an initial guess of each point's position in next (e.g. a copy of
 *                   `from`); out: the tracked position.
 * status            out: 1 tracked; 0 lost (window too flat: smaller eigenvalue of the
 *                   window's gradient matrix per sample below `min_eigen`, in grey levels²/px²,
 *                   or the result outside the image).
 * residual          out (may be NULL): mean |prev − next| over the final level-0 window.
 * Iterates at most `max_iterations` per level, stopping when an update is below `epsilon` px.
 * radius ≤ PK_LK_MAX_RADIUS. No allocation; points are independent, so any split of them
 * across threads gives the same result. O(count·levels·iterations·radius²). */
void pk_lk_track(const pk_image_f32 *prev, const pk_image_f32 *prev_gx,
                 const pk_image_f32 *prev_gy, const pk_image_f32 *next, int levels,
                 const float *restrict from, float *restrict to, int count, int radius,
                 int max_iterations, float epsilon, float min_eigen, uint8_t *restrict status,
                 float *restrict residual);

/* pk_lk_refine_affine — Lucas–Kanade at full resolution with an affine window (inverse
 * compositional, Baker & Matthews 2004): each window of `prev` around from[i] is matched in
 * `next` under x ↦ to[i] + M·(x − from[i]), M a 2×2 matrix starting at the identity, so the
 * window may shear and scale as a surface seen from a new angle does. Use it after pk_lk_track
 * (or a match) has brought `to` within a pixel or two; it removes the bias a translation-only
 * window has under foreshortening. Each iteration also fits the window's gain and bias, so
 * a change of shading between the views does not pull the position.
 * prev, prev_gx, prev_gy, next  level-0 images (pk_scharr derivatives of prev).
 * to        in: the starting position; out: the refined position.
 * affine    out (may be NULL): M per point as 4 floats, row-major.
 * status    out: 1 converged (update below `epsilon` px within `max_iterations`, window textured
 *           enough for `min_eigen` as in pk_lk_track, result in the image); 0 otherwise.
 * residual  out (may be NULL): mean |next(warp) − prev| over the window after the gain and
 *           bias fit, in prev's grey levels.
 * radius ≤ PK_LK_MAX_RADIUS. No allocation; points independent. O(count·iterations·radius²). */
void pk_lk_refine_affine(const pk_image_f32 *prev, const pk_image_f32 *prev_gx,
                         const pk_image_f32 *prev_gy, const pk_image_f32 *next,
                         const float *restrict from, float *restrict to, int count, int radius,
                         int max_iterations, float epsilon, float min_eigen,
                         float *restrict affine, uint8_t *restrict status,
                         float *restrict residual);

/* pk_patch_descriptors — zero-mean, unit-norm (2·radius+1)² patches of `img` around each point
 * (bilinear samples on the pixel grid through the point), for matching by normalised
 * cross-correlation: the dot product of two descriptors is their NCC. A flat patch gets all
 * zeros. out: caller-owned count·(2·radius+1)² floats. No allocation; O(count·radius²). */
void pk_patch_descriptors(const float *restrict img, ptrdiff_t stride, int width, int height,
                          const float *restrict xy, int count, int radius, float *restrict out);

/* pk_match_descriptors — for each descriptor of set 1, the descriptor of set 2 with the largest
 * dot product among points of set 2 within `max_distance` pixels of it (distance between xy1[i]
 * and xy2[j]; pass a huge value for no limit).
 * d1, d2        count1×dim and count2×dim floats.
 * best          out: index into set 2, or −1 when none is in range.
 * best_score    out: that dot product; second_score out: the next best (−1 when none).
 * No allocation; ties go to the lower index; O(count1·count2·dim). */
void pk_match_descriptors(const float *restrict d1, const float *restrict xy1, int count1,
                          const float *restrict d2, const float *restrict xy2, int count2,
                          int dim, float max_distance, int32_t *restrict best,
                          float *restrict best_score, float *restrict second_score);

/* pk_poly_expand — Farnebäck's polynomial expansion: a weighted least-squares fit of
 * f(x, y) ≈ c + bx·x + by·y + rxx·x² + ryy·y² + rxy·x·y around every pixel, weights a Gaussian
 * of `sigma` over a (2·radius+1)² window. The fit separates (Gaussian applicability), so it is
 * six 1-D correlations and a fixed 3×3 solve per pixel.
 * out      five planes bx, by, rxx, ryy, rxy of width×height floats, rows `out_stride` apart,
 *          planes `plane_stride` apart.
 * scratch  caller-owned 3·width·height floats. Borders replicate. radius ≤ 32 (larger is
 * clamped). No allocation; O(width·height·radius). */
void pk_poly_expand(const float *restrict src, ptrdiff_t src_stride, int width, int height,
                    float sigma, int radius, float *restrict out, ptrdiff_t out_stride,
                    ptrdiff_t plane_stride, float *restrict scratch);

/* pk_farneback_matrices — one Farnebäck iteration, step 1: per pixel the normal equations
 * (AᵀA and AᵀΔb, five planes g11, g12, g22, h1, h2 into `m`) of the local displacement
 * constraint between expansion r1 at the pixel and r2 at the pixel moved by `flow`.
 * r1, r2  pk_poly_expand output (same strides); flow u, v interleaved, rows `flow_stride`
 *         floats apart; m five planes with r1's strides. No allocation; O(width·height). */
void pk_farneback_matrices(const float *restrict r1, const float *restrict r2,
                           ptrdiff_t stride, ptrdiff_t plane_stride, int width, int height,
                           const float *restrict flow, ptrdiff_t flow_stride, float *restrict m);

/* pk_farneback_solve — step 2, after the caller has blurred the five planes of `m` (the
 * neighbourhood average): flow = (G + λI)⁻¹ (h + λ·flow) per pixel, so λ (grey levels²/px⁴)
 * pulls textureless pixels towards their current flow instead of towards noise.
 * Updates `flow` in place. No allocation; O(width·height). */
void pk_farneback_solve(const float *restrict m, ptrdiff_t stride, ptrdiff_t plane_stride,
                        int width, int height, float lambda, float *restrict flow,
                        ptrdiff_t flow_stride);

/* pk_flow_upsample2 — a flow field for the next finer pyramid level: dst (dst_width ×
 * dst_height, at most twice src's size) is 2 × src sampled bilinearly at the same scene point.
 * Flows u, v interleaved; strides in floats. No allocation; O(dst pixels). */
void pk_flow_upsample2(const float *restrict src, ptrdiff_t src_stride, int src_width,
                       int src_height, float *restrict dst, ptrdiff_t dst_stride, int dst_width,
                       int dst_height);

/* pk_flow_median3 — 3×3 median of each flow component (borders use the pixels present),
 * which removes isolated outliers between iterations. src and dst must differ.
 * Interior pixels go through a branch-free 19-step min/max network (Devillard's opt_med9) that
 * the compiler vectorizes along rows; pk_flow_median3_reference is its plain scalar twin, and
 * the two agree exactly. No allocation; O(width·height). */
void pk_flow_median3(const float *restrict src, float *restrict dst, ptrdiff_t stride, int width,
                     int height);

/* pk_flow_median3_reference — the same median by insertion sort at every pixel: the scalar
 * twin that tests compare pk_flow_median3 against. */
void pk_flow_median3_reference(const float *restrict src, float *restrict dst, ptrdiff_t stride,
                               int width, int height);

/* pk_flow_fb_error — forward–backward consistency: for each pixel p,
 * |forward(p) + backward(p + forward(p))| in pixels, backward sampled bilinearly (edge-clamped).
 * Small where the two flows agree; large at occlusions and failures.
 * forward, backward  u, v interleaved, rows `flow_stride` floats apart.
 * err                caller-owned width×height floats, rows `err_stride` apart.
 * No allocation; O(width·height). */
void pk_flow_fb_error(const float *restrict forward, const float *restrict backward,
                      ptrdiff_t flow_stride, int width, int height, float *restrict err,
                      ptrdiff_t err_stride);


/* Multi-view geometry (geometry.c): fundamental and essential matrices, RANSAC, Sampson error. */

/* Matrices are row-major doubles; points are x, y pairs of doubles. Camera convention (OpenCV
 * pinhole): X_cam = R·X_world + t, x right, y down, z forward, pixel = K·X_cam / Z. */

/* pk_jacobi_eigen — all eigenvalues and eigenvectors of a symmetric n×n matrix (n ≤ 9) by
 * cyclic Jacobi rotations, run until the off-diagonal mass is below 1e-30 of the total or 60
 * sweeps. a is overwritten. values: n, ascending; vectors: n×n, row k the unit eigenvector
 * of values[k]. Jacobi rather than QR because it is short, unconditionally stable and exact
 * enough for the 3×3 and 9×9 systems here. No allocation; O(n³) per sweep. Returns sweeps. */
int pk_jacobi_eigen(double *restrict a, int n, double *restrict values, double *restrict vectors);

/* pk_solve_spd — solves A·x = b for a symmetric positive-definite n×n matrix A (n ≤ 9,
 * row-major) by Cholesky factorisation. Returns 1, or 0 when A is not positive definite (x is
 * then unspecified). No allocation; O(n³). */
int pk_solve_spd(int n, const double *restrict A, const double *restrict b, double *restrict x);

/* pk_fundamental_eight_point — the normalised eight-point algorithm (Hartley 1997): the F with
 * x2ᵀ·F·x1 = 0 in the least-squares sense over the chosen correspondences, each image's points
 * translated to their centroid and scaled to mean distance √2 first, rank 2 enforced by
 * removing the smallest singular value, returned with ‖F‖ = 1.
 * x1, x2   count points each; idx: which of them to use (`n_idx` ≥ 8), or NULL for all.
 * weights  NULL, or one weight per point of x1 (indexed like x1, not like idx) multiplying
 *          that point's equation.
 * Returns 1, or 0 when the points are degenerate. No allocation; O(n). */
int pk_fundamental_eight_point(const double *restrict x1, const double *restrict x2,
                               const int32_t *restrict idx, int n_idx, int count,
                               const double *restrict weights, double F[9]);

/* pk_fundamental_refine — least-squares F that approximately minimises the Sampson distance
 * over the chosen correspondences: `rounds` eight-point solves, each weighting a point's
 * algebraic error x2ᵀFx1 by 1 / (the Sampson denominator under the previous F), which turns it
 * into the Sampson distance (iteratively reweighted least squares). F holds the starting
 * model and receives the result. idx, n_idx as for pk_fundamental_eight_point.
 * scratch  caller-owned count doubles. Returns 1, or 0 (F unchanged) when a solve fails.
 * No allocation; O(rounds·n). */
int pk_fundamental_refine(const double *restrict x1, const double *restrict x2,
                          const int32_t *restrict idx, int n_idx, int count, int rounds,
                          double F[9], double *restrict scratch);

/* pk_sampson_errors — first-order geometric (Sampson) distance of each correspondence to F, in
 * pixels: |x2ᵀFx1| / √((Fx1)₁² + (Fx1)₂² + (Fᵀx2)₁² + (Fᵀx2)₂²). out: count doubles. O(count). */
void pk_sampson_errors(const double F[9], const double *restrict x1, const double *restrict x2,
                       int count, double *restrict out);

/* pk_fundamental_ransac — F robust to outliers: RANSAC over 8-point samples drawn by a seeded
 * splitmix64 generator (same seed, same result), inliers those with Sampson error <
 * `threshold` px. Models are ranked by MSAC's cost (squared Sampson errors capped at
 * threshold²), so of models keeping as many points the better fitting wins; the iteration count
 * shrinks adaptively to log(1 − confidence) / log(1 − w⁸) for the best inlier ratio w so far
 * (at most `max_iterations`). Each new best is refitted on its inliers by
 * pk_fundamental_refine (LO-RANSAC), up to four times (inliers recomputed in between), each
 * refit kept only if it lowers the cost, before it sets the iteration count.
 * inliers  out: count bytes, 1 for an inlier of the returned F.
 * scratch  caller-owned count int32 + count doubles (pass as the two pointers).
 * Returns the inlier count, or 0 when no model was found (count < 8 or degenerate).
 * No allocation; O(iterations·count). */
int pk_fundamental_ransac(const double *restrict x1, const double *restrict x2, int count,
                          double threshold, double confidence, int max_iterations, uint64_t seed,
                          double F[9], uint8_t *restrict inliers, int32_t *restrict scratch_idx,
                          double *restrict scratch_err);

/* pk_essential_from_fundamental — E = K2ᵀ·F·K1 for intrinsics K1, K2 (both in the pixel
 * convention of the points F was estimated from). O(1). */
void pk_essential_from_fundamental(const double F[9], const double K1[9], const double K2[9],
                                   double E[9]);

/* pk_essential_decompose — the relative pose (R, t), X₂ = R·X₁ + t with ‖t‖ = 1, of the four
 * that E = [t]ₓR admits (SVD, W and Wᵀ, ±t) which puts the most correspondences in front of
 * both cameras (cheirality; each point triangulated along its ray).
 * n1, n2   count normalised image points, K⁻¹·(x, y, 1) without the 1.
 * mask     count bytes, non-zero = use the point, or NULL for all.
 * Returns how many used points lie in front of both cameras for the chosen pose.
 * No allocation; O(count). */
int pk_essential_decompose(const double E[9], const double *restrict n1,
                           const double *restrict n2, const uint8_t *restrict mask, int count,
                           double R[9], double t[3]);

/* pk_pose_refine — calibrated refinement of a relative pose: Levenberg–Marquardt over the five
 * degrees of freedom of (R, unit t) minimising the sum of squared Sampson distances, in pixels,
 * of the correspondences to F = K2⁻ᵀ·[t]ₓ·R·K1⁻¹. An uncalibrated F has seven degrees of
 * freedom, and with a narrow field of view two of them trade perspective for error so freely
 * that the rotation taken from K2ᵀ·F·K1 can be degrees off while fitting the points as well;
 * knowing K removes them. R = exp([ω]ₓ)·R, t moves in its tangent plane and is renormalised;
 * the Jacobian is numerical (central differences).
 * x1, x2  count pixel points; mask as for pk_essential_decompose (NULL = all).
 * R, t    in: the starting pose (e.g. from pk_essential_decompose); out: the refined pose.
 * Returns the final RMS Sampson distance in pixels. No allocation; O(iterations·count). */
double pk_pose_refine(const double *restrict x1, const double *restrict x2,
                      const uint8_t *restrict mask, int count, const double K1[9],
                      const double K2[9], int iterations, double R[9], double t[3]);

/* pk_rotation_angle_deg — the angle of the rotation R1ᵀ·R2 between two rotations, in degrees
 * (0…180), computed stably for small angles. O(1). */
double pk_rotation_angle_deg(const double R1[9], const double R2[9]);


/* Frame statistics (stats.c): SSIM, differences and motion masks for temporal metrics. */

/* pk_ssim — mean structural similarity (Wang, Bovik, Sheikh, Simoncelli 2004) of two grey
 * images on the 0…255 scale: Gaussian window 11×11, σ = 1.5, K1 = 0.01, K2 = 0.03, L = 255,
 * averaged over the pixels whose whole window lies inside the image (the reference code's
 * 'valid' region; an image smaller than 11 px uses every pixel with replicated borders). The
 * reference's optional automatic downsampling is not applied.
 * scratch  caller-owned 6·width·height floats. No allocation; O(width·height·11), double sums
 * in raster order, so the result is deterministic. */
double pk_ssim(const float *restrict a, ptrdiff_t a_stride, const float *restrict b,
               ptrdiff_t b_stride, int width, int height, float *restrict scratch);

/* pk_mean_abs_diff_u8 — mean of |a − b| over `rows` rows of `row_bytes` bytes (for RGB, pass
 * 3·width), rows `a_stride` / `b_stride` bytes apart. Integer sums: exact and deterministic.
 * O(rows·row_bytes). */
double pk_mean_abs_diff_u8(const uint8_t *restrict a, ptrdiff_t a_stride,
                           const uint8_t *restrict b, ptrdiff_t b_stride, int row_bytes,
                           int rows);

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
