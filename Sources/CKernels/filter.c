#include "CKernels.h"

#include <math.h>

/* Filtering kernels under the tracking, flow and statistics code: grey conversion, separable
 * blur, derivatives and the pyramid step. The contracts are in CKernels.h. Loops put the tap
 * outside and the pixel inside so that the compiler vectorizes along rows. */

static inline int pk__clampi(int v, int lo, int hi) { return v < lo ? lo : (v > hi ? hi : v); }

void pk_rgb8_to_grey(const uint8_t *restrict src, int width, int height, ptrdiff_t src_stride,
                     float *restrict dst, ptrdiff_t dst_stride) {
  for (int y = 0; y < height; y++) {
    const uint8_t *s = src + y * src_stride;
    float *d = dst + y * dst_stride;
    for (int x = 0; x < width; x++)
      d[x] = 0.299f * (float)s[3 * x] + 0.587f * (float)s[3 * x + 1] + 0.114f * (float)s[3 * x + 2];
  }
}

void pk_gaussian_kernel(float sigma, int radius, float *weights) {
  double sum = 0;
  for (int k = -radius; k <= radius; k++) {
    double w = exp(-(double)(k * k) / (2.0 * (double)sigma * (double)sigma));
    weights[k + radius] = (float)w;
    sum += w;
  }
  for (int k = 0; k <= 2 * radius; k++) weights[k] = (float)(weights[k] / sum);
}

/* One row correlated with the kernel: the interior without index clamping, the ends with it. */
static void pk__correlate_row(const float *restrict s, int width, const float *restrict w,
                              int radius, float *restrict d) {
  int lo = radius < width ? radius : width, hi = width - radius > lo ? width - radius : lo;
  for (int x = 0; x < lo; x++) {
    float acc = 0;
    for (int k = -radius; k <= radius; k++) acc += w[k + radius] * s[pk__clampi(x + k, 0, width - 1)];
    d[x] = acc;
  }
  for (int x = lo; x < hi; x++) d[x] = 0;
  for (int k = -radius; k <= radius; k++) {
    float wk = w[k + radius];
    const float *sk = s + k;
    for (int x = lo; x < hi; x++) d[x] += wk * sk[x];
  }
  for (int x = hi; x < width; x++) {
    float acc = 0;
    for (int k = -radius; k <= radius; k++) acc += w[k + radius] * s[pk__clampi(x + k, 0, width - 1)];
    d[x] = acc;
  }
}

void pk_blur_separable(const float *src, ptrdiff_t src_stride, int width, int height,
                       const float *weights, int radius, float *dst, ptrdiff_t dst_stride,
                       float *restrict scratch) {
  for (int y = 0; y < height; y++)
    pk__correlate_row(src + y * src_stride, width, weights, radius, scratch + (ptrdiff_t)y * width);
  for (int y = 0; y < height; y++) {
    float *d = dst + y * dst_stride;
    for (int x = 0; x < width; x++) d[x] = 0;
    for (int k = -radius; k <= radius; k++) {
      float wk = weights[k + radius];
      const float *s = scratch + (ptrdiff_t)pk__clampi(y + k, 0, height - 1) * width;
      for (int x = 0; x < width; x++) d[x] += wk * s[x];
    }
  }
}

void pk_scharr(const float *restrict src, ptrdiff_t src_stride, int width, int height,
               float *restrict gx, float *restrict gy, ptrdiff_t dst_stride) {
  for (int y = 0; y < height; y++) {
    const float *up = src + pk__clampi(y - 1, 0, height - 1) * src_stride;
    const float *mid = src + y * src_stride;
    const float *down = src + pk__clampi(y + 1, 0, height - 1) * src_stride;
    float *ox = gx + y * dst_stride, *oy = gy + y * dst_stride;
    for (int x = 0; x < width; x++) {
      int l = x > 0 ? x - 1 : 0, r = x + 1 < width ? x + 1 : width - 1;
      ox[x] = (3.0f * (up[r] - up[l]) + 10.0f * (mid[r] - mid[l]) + 3.0f * (down[r] - down[l])) *
              (1.0f / 32.0f);
      oy[x] = (3.0f * (down[l] - up[l]) + 10.0f * (down[x] - up[x]) + 3.0f * (down[r] - up[r])) *
              (1.0f / 32.0f);
    }
  }
}

void pk_downsample2(const float *restrict src, ptrdiff_t src_stride, int width, int height,
                    float *restrict dst, ptrdiff_t dst_stride, float *restrict scratch) {
  int w2 = width / 2, h2 = height / 2;
  for (int y = 0; y < height; y++) {
    const float *s = src + y * src_stride;
    float *d = scratch + (ptrdiff_t)y * w2;
    for (int i = 0; i < w2; i++) {
      int a = 2 * i - 1 < 0 ? 0 : 2 * i - 1, c = 2 * i + 2 < width ? 2 * i + 2 : width - 1;
      d[i] = 0.125f * (s[a] + s[c]) + 0.375f * (s[2 * i] + s[2 * i + 1]);
    }
  }
  for (int j = 0; j < h2; j++) {
    const float *r0 = scratch + (ptrdiff_t)(2 * j - 1 < 0 ? 0 : 2 * j - 1) * w2;
    const float *r1 = scratch + (ptrdiff_t)(2 * j) * w2;
    const float *r2 = scratch + (ptrdiff_t)(2 * j + 1) * w2;
    const float *r3 = scratch + (ptrdiff_t)(2 * j + 2 < height ? 2 * j + 2 : height - 1) * w2;
    float *d = dst + j * dst_stride;
    for (int i = 0; i < w2; i++) d[i] = 0.125f * (r0[i] + r3[i]) + 0.375f * (r1[i] + r2[i]);
  }
}

float pk_sample_bilinear(const float *img, ptrdiff_t stride, ptrdiff_t step, int width,
                         int height, float x, float y) {
  float fx = fminf(fmaxf(x - 0.5f, 0.0f), (float)(width - 1));
  float fy = fminf(fmaxf(y - 0.5f, 0.0f), (float)(height - 1));
  int x0 = (int)fx, y0 = (int)fy;
  int x1 = x0 + 1 < width ? x0 + 1 : x0, y1 = y0 + 1 < height ? y0 + 1 : y0;
  float ax = fx - (float)x0, ay = fy - (float)y0;
  const float *r0 = img + y0 * stride, *r1 = img + y1 * stride;
  ptrdiff_t i0 = x0 * step, i1 = x1 * step;
  float top = r0[i0] + ax * (r0[i1] - r0[i0]);
  float bottom = r1[i0] + ax * (r1[i1] - r1[i0]);
  return top + ay * (bottom - top);
}
