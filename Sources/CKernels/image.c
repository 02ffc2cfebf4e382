#include "CKernels.h"

#include <math.h>

/* Image kernels for the analyzers: colour conversion, colour masks, region labelling and
 * sub-pixel extents. The contracts are in CKernels.h. */

static float pk__srgb_decode(float c) {
  return c <= 0.04045f ? c / 12.92f : powf((c + 0.055f) / 1.055f, 2.4f);
}

static void pk__srgb8_table(float table[256]) {
  for (int i = 0; i < 256; i++) table[i] = pk__srgb_decode((float)i / 255.0f);
}

/* Cube root of a positive normal float, to within an ulp or two: a guess from the exponent
 * bits (a third of the exponent, within about 5%), then two Halley steps, each of which
 * cubes the error (5% → 1e-4 → 1e-12). libm's cbrtf took a sixth of colour tracking's time;
 * plain float arithmetic also keeps the result the same on every machine. */
static float pk__cbrt(float t) {
  union {
    float f;
    uint32_t u;
  } v = {t};
  v.u = v.u / 3 + 709921077u;
  float y = v.f;
  for (int i = 0; i < 2; i++) {
    const float y3 = y * y * y;
    y = y * (y3 + 2.0f * t) / (2.0f * y3 + t);
  }
  return y;
}

/* CIELAB's f(t): a cube root above (6/29)³, a line below it. */
static float pk__lab_f(float t) {
  const float eps = 216.0f / 24389.0f;
  return t > eps ? pk__cbrt(t) : (24389.0f / 27.0f * t + 16.0f) / 116.0f;
}

void pk_srgb8_to_lab(const uint8_t *restrict src, int width, int height, ptrdiff_t src_stride,
                     float *restrict lab, ptrdiff_t lab_stride) {
  float lin[256];
  pk__srgb8_table(lin);
  /* D65 reference white (Xn = 0.95047, Zn = 1.08883) folded into the matrix rows. */
  const float m[9] = {0.4124564f / 0.95047f, 0.3575761f / 0.95047f, 0.1804375f / 0.95047f,
                      0.2126729f, 0.7151522f, 0.0721750f,
                      0.0193339f / 1.08883f, 0.1191920f / 1.08883f, 0.9503041f / 1.08883f};
  for (int y = 0; y < height; y++) {
    const uint8_t *s = src + y * src_stride;
    float *d = lab + y * lab_stride;
    for (int x = 0; x < width; x++) {
      float r = lin[s[3 * x]], g = lin[s[3 * x + 1]], b = lin[s[3 * x + 2]];
      float fx = pk__lab_f(m[0] * r + m[1] * g + m[2] * b);
      float fy = pk__lab_f(m[3] * r + m[4] * g + m[5] * b);
      float fz = pk__lab_f(m[6] * r + m[7] * g + m[8] * b);
      d[3 * x] = 116.0f * fy - 16.0f;
      d[3 * x + 1] = 500.0f * (fx - fy);
      d[3 * x + 2] = 200.0f * (fy - fz);
    }
  }
}

size_t pk_lab_match_mask(const float *restrict lab, int width, int height, ptrdiff_t lab_stride,
                         float ref_a, float ref_b, float ref_saturation, float min_chroma,
                         float min_cos, float sat_ratio, uint8_t *restrict mask,
                         ptrdiff_t mask_stride) {
  float ref_c = sqrtf(ref_a * ref_a + ref_b * ref_b);
  float ua = ref_c > 0 ? ref_a / ref_c : 0, ub = ref_c > 0 ? ref_b / ref_c : 0;
  float sat_lo = ref_saturation / sat_ratio, sat_hi = ref_saturation * sat_ratio;
  size_t count = 0;
  for (int y = 0; y < height; y++) {
    const float *p = lab + y * lab_stride;
    uint8_t *o = mask + y * mask_stride;
    for (int x = 0; x < width; x++) {
      float l = p[3 * x], a = p[3 * x + 1], b = p[3 * x + 2];
      float c = sqrtf(a * a + b * b);
      float sat = c / (l + 16.0f);
      int hit = c >= min_chroma && (a * ua + b * ub) >= min_cos * c && sat >= sat_lo &&
                sat <= sat_hi;
      o[x] = (uint8_t)hit;
      count += (size_t)hit;
    }
  }
  return count;
}

static int32_t pk__find(int32_t *parent, int32_t i) {
  while (parent[i] != i) {
    parent[i] = parent[parent[i]];
    i = parent[i];
  }
  return i;
}

static void pk__union(int32_t *parent, int32_t a, int32_t b) {
  a = pk__find(parent, a);
  b = pk__find(parent, b);
  if (a < b) parent[b] = a;
  else if (b < a) parent[a] = b;
}

int pk_label_regions(const uint8_t *restrict mask, int width, int height, ptrdiff_t mask_stride,
                     int32_t *restrict labels, ptrdiff_t label_stride, int32_t *restrict parent,
                     size_t parent_capacity) {
  int32_t next = 1;
  if (parent_capacity < 1) return -1;
  parent[0] = 0;
  for (int y = 0; y < height; y++) {
    const uint8_t *m = mask + y * mask_stride;
    int32_t *l = labels + y * label_stride;
    const int32_t *up = y > 0 ? l - label_stride : NULL;
    for (int x = 0; x < width; x++) {
      if (!m[x]) {
        l[x] = 0;
        continue;
      }
      /* Already-visited neighbours in 8-connectivity: W, NW, N, NE. */
      int32_t n[4] = {x > 0 ? l[x - 1] : 0, up && x > 0 ? up[x - 1] : 0, up ? up[x] : 0,
                      up && x + 1 < width ? up[x + 1] : 0};
      int32_t best = 0;
      for (int k = 0; k < 4; k++)
        if (n[k] && (!best || n[k] < best)) best = n[k];
      if (!best) {
        if ((size_t)next >= parent_capacity) return -1;
        parent[next] = next;
        best = next++;
      } else {
        for (int k = 0; k < 4; k++)
          if (n[k] && n[k] != best) pk__union(parent, best, n[k]);
      }
      l[x] = best;
    }
  }
  /* Flatten, then number the roots in order of first appearance: a root is always the
   * smallest provisional label of its set, and those were handed out in raster order, so a
   * root is numbered before any label that points to it. */
  for (int32_t i = 1; i < next; i++) parent[i] = pk__find(parent, i);
  int32_t count = 0;
  for (int32_t i = 1; i < next; i++) parent[i] = parent[i] == i ? ++count : parent[parent[i]];
  for (int y = 0; y < height; y++) {
    int32_t *l = labels + y * label_stride;
    for (int x = 0; x < width; x++)
      if (l[x]) l[x] = parent[l[x]];
  }
  return count;
}

void pk_region_stats_compute(const int32_t *restrict labels, int width, int height,
                             ptrdiff_t label_stride, int count, pk_region_stats *restrict stats) {
  for (int k = 0; k < count; k++) {
    stats[k].area = 0;
    stats[k].sum_x = stats[k].sum_y = 0;
    stats[k].min_x = width;
    stats[k].min_y = height;
    stats[k].max_x = stats[k].max_y = -1;
  }
  for (int y = 0; y < height; y++) {
    const int32_t *l = labels + y * label_stride;
    for (int x = 0; x < width; x++) {
      int32_t k = l[x];
      if (k < 1 || k > count) continue;
      pk_region_stats *s = &stats[k - 1];
      s->area++;
      s->sum_x += x + 0.5;
      s->sum_y += y + 0.5;
      if (x < s->min_x) s->min_x = x;
      if (x > s->max_x) s->max_x = x;
      if (y < s->min_y) s->min_y = y;
      if (y > s->max_y) s->max_y = y;
    }
  }
}

/* Coverage α of one pixel by the object against a background pixel, by least squares on
 * p = x·object + y·background with α = 1 − y, clamped to [0, 1]. */
static float pk__coverage(const float lin[256], const uint8_t *p, const uint8_t *bg,
                          const float obj[3], int labelled) {
  float pv[3] = {lin[p[0]], lin[p[1]], lin[p[2]]};
  float bv[3] = {lin[bg[0]], lin[bg[1]], lin[bg[2]]};
  float oo = 0, ob = 0, bb = 0, op = 0, bp = 0;
  for (int c = 0; c < 3; c++) {
    oo += obj[c] * obj[c];
    ob += obj[c] * bv[c];
    bb += bv[c] * bv[c];
    op += obj[c] * pv[c];
    bp += bv[c] * pv[c];
  }
  float det = oo * bb - ob * ob;
  /* Nearly parallel colours (relative sine² below 1e-3) cannot be told apart. */
  if (det <= 1e-3f * oo * bb) return labelled ? 1.0f : 0.0f;
  float y = (oo * bp - ob * op) / det;
  float alpha = 1.0f - y;
  return alpha < 0 ? 0 : alpha > 1 ? 1 : alpha;
}

int pk_line_coverage(const uint8_t *restrict src, ptrdiff_t src_step, ptrdiff_t src_line,
                     const int32_t *restrict labels, ptrdiff_t label_step, ptrdiff_t label_line,
                     int length, int lines, int32_t label, const float object_linear[3],
                     float *restrict lo, float *restrict hi) {
  float lin[256];
  pk__srgb8_table(lin);
  int found = 0;
  for (int l = 0; l < lines; l++) {
    const uint8_t *s = src + l * src_line;
    const int32_t *lab = labels + l * label_line;
    int first = -1, last = -1;
    for (int k = 0; k < length; k++) {
      if (lab[k * label_step] == label) {
        if (first < 0) first = k;
        last = k;
      }
    }
    lo[l] = hi[l] = 0;
    if (first < 0) continue;
    found++;
    /* α of pixel k against the background two steps beyond the run's end on that side;
     * pixels outside the image count as uncovered. */
#define PK_ALPHA(k, bgk)                                                                        \
  ((k) < 0 || (k) >= length ? 0.0f                                                             \
   : ((bgk) < 0 || (bgk) >= length)                                                            \
       ? (lab[(k) * label_step] == label ? 1.0f : 0.0f)                                        \
       : pk__coverage(lin, s + (k) * src_step, s + (bgk) * src_step, object_linear,            \
                      lab[(k) * label_step] == label))
    float before = PK_ALPHA(first - 1, first - 2);
    float after = PK_ALPHA(last + 1, last + 2);
    if (first == last) {
      float a = PK_ALPHA(first, first - 2);
      lo[l] = first + 0.5f - 0.5f * a - before;
      hi[l] = first + 0.5f + 0.5f * a + after;
    } else {
      lo[l] = first + 1.0f - PK_ALPHA(first, first - 2) - before;
      hi[l] = last + PK_ALPHA(last, last + 2) + after;
    }
#undef PK_ALPHA
  }
  return found;
}
