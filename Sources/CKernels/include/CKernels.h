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


#ifdef __cplusplus
}
#endif

#endif
