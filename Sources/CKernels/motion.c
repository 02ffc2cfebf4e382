/* motion.c — the Physics-IQ motion masks and the resampling and error its metrics use,
 * bit-exact with the OpenCV calls the Physics-IQ reference code makes (OpenCV 5.0 and 4.11 on
 * x86-64, checked on random inputs; see tools/physics-iq-parity). Where OpenCV's vectorised
 * loops round differently from its scalar tails, the rule is copied, element index and all:
 * the comments say which call and which rule. */
#include "CKernels.h"

#include <math.h>

/* The reference rounds each product on its own; a fused multiply-add would change last bits. */
#pragma STDC FP_CONTRACT OFF

/* OpenCV's cv::borderInterpolate for BORDER_REFLECT_101 (…2 1 | 0 1 2 … n−1 | n−2 n−3…). */
static int pk_reflect101(int p, int n) {
  if (n == 1) return 0;
  while (p < 0 || p >= n) p = p < 0 ? -p : 2 * n - 2 - p;
  return p;
}

void pk_physiq_gray_blur(const uint8_t *restrict rgb, ptrdiff_t rgb_stride, int width, int height,
                         uint16_t *restrict scratch, uint8_t *restrict gray) {
  /* Grey first, into the rows of `gray` (cv::cvtColor COLOR_BGR2GRAY, 15-bit weights). */
  for (int y = 0; y < height; y++) {
    const uint8_t *s = rgb + y * rgb_stride;
    uint8_t *g = gray + (ptrdiff_t)y * width;
    for (int x = 0; x < width; x++) {
      uint32_t v = 9798u * s[3 * x] + 19235u * s[3 * x + 1] + 3735u * s[3 * x + 2] + 16384u;
      g[x] = (uint8_t)(v >> 15);
    }
  }
  /* cv::GaussianBlur(5×5, σ = 0) on 8 bits: kernel 1 4 6 4 1 / 16 in 8-bit fixed point
   * (16 64 96 64 16), rows first, sums kept exact, rounded once at the end. */
  static const uint32_t k[5] = {16, 64, 96, 64, 16};
  int xs[5];
  for (int y = 0; y < height; y++) {
    const uint8_t *g = gray + (ptrdiff_t)y * width;
    uint16_t *r = scratch + (ptrdiff_t)y * width;
    for (int x = 0; x < width; x++) {
      if (x < 2 || x + 2 >= width) {
        for (int i = 0; i < 5; i++) xs[i] = pk_reflect101(x + i - 2, width);
        r[x] = (uint16_t)(k[0] * g[xs[0]] + k[1] * g[xs[1]] + k[2] * g[xs[2]] +
                          k[3] * g[xs[3]] + k[4] * g[xs[4]]);
      } else {
        r[x] = (uint16_t)(k[0] * g[x - 2] + k[1] * g[x - 1] + k[2] * g[x] + k[3] * g[x + 1] +
                          k[4] * g[x + 2]);
      }
    }
  }
  for (int y = 0; y < height; y++) {
    const uint16_t *rows[5];
    for (int i = 0; i < 5; i++)
      rows[i] = scratch + (ptrdiff_t)pk_reflect101(y + i - 2, height) * width;
    uint8_t *g = gray + (ptrdiff_t)y * width;
    for (int x = 0; x < width; x++) {
      uint32_t v = k[0] * rows[0][x] + k[1] * rows[1][x] + k[2] * rows[2][x] +
                   k[3] * rows[3][x] + k[4] * rows[4][x];
      g[x] = (uint8_t)((v + 32768u) >> 16);
    }
  }
}

void pk_physiq_motion_step(const uint8_t *restrict gray, double *restrict average, size_t count,
                           double alpha, int threshold, uint8_t *restrict mask) {
  const double beta = 1.0 - alpha;
  /* cv::accumulateWeighted(8U → 64F) runs 16 elements a vector step as
   * fma(dst, β, src·α) and the rest in scalar code that compiles to fma(src, α, dst·β). */
  const size_t vector_end = count - count % 16;
  for (size_t i = 0; i < count; i++) {
    const double s = (double)gray[i];
    average[i] = i < vector_end ? fma(average[i], beta, s * alpha) : fma(s, alpha, average[i] * beta);
  }
  for (size_t i = 0; i < count; i++) {
    /* cv::convertScaleAbs(64F → 8U): its vector loop (which covers every element once there
     * are at least 16) narrows to float before rounding half to even; shorter buffers round
     * the double directly. Values here are never negative or above 255. */
    const double a = average[i];
    const double rounded = count >= 16 ? (double)rintf((float)a) : rint(a);
    const int level = (int)rounded;
    const int diff = gray[i] > level ? gray[i] - level : level - gray[i];
    mask[i] = diff > threshold ? 255 : 0;
  }
}

/* One pass of a 5×5 minimum (erode) or maximum (dilate) with the window cut at the image's
 * edges, which is what OpenCV's default morphology border (the neutral value) amounts to.
 * Written once per operation so that the inner loops have no branch and vectorize. */
#define PK_MIN(a, b) ((a) < (b) ? (a) : (b))
#define PK_MAX(a, b) ((a) > (b) ? (a) : (b))
#define PK_MORPH5(NAME, OP)                                                                      \
  static void NAME(const uint8_t *restrict src, int width, int height, uint8_t *restrict rows,   \
                   uint8_t *restrict dst) {                                                      \
    for (int y = 0; y < height; y++) {                                                           \
      const uint8_t *s = src + (ptrdiff_t)y * width;                                             \
      uint8_t *t = rows + (ptrdiff_t)y * width;                                                  \
      for (int x = 0; x < width; x++) {                                                          \
        if (x == 2 && width > 4) {                                                               \
          for (; x < width - 2; x++)                                                             \
            t[x] = OP(OP(OP(s[x - 2], s[x - 1]), OP(s[x], s[x + 1])), s[x + 2]);                 \
          if (x >= width) break;                                                                 \
        }                                                                                        \
        const int lo = x >= 2 ? x - 2 : 0, hi = x + 2 < width ? x + 2 : width - 1;               \
        uint8_t v = s[lo];                                                                       \
        for (int i = lo + 1; i <= hi; i++) v = OP(v, s[i]);                                      \
        t[x] = v;                                                                                \
      }                                                                                          \
    }                                                                                            \
    for (int y = 0; y < height; y++) {                                                           \
      const int lo = y >= 2 ? y - 2 : 0, hi = y + 2 < height ? y + 2 : height - 1;               \
      uint8_t *d = dst + (ptrdiff_t)y * width;                                                   \
      for (int x = 0; x < width; x++) d[x] = rows[(ptrdiff_t)lo * width + x];                    \
      for (int j = lo + 1; j <= hi; j++) {                                                       \
        const uint8_t *r = rows + (ptrdiff_t)j * width;                                          \
        for (int x = 0; x < width; x++) d[x] = OP(d[x], r[x]);                                   \
      }                                                                                          \
    }                                                                                            \
  }
PK_MORPH5(pk_erode5, PK_MIN)
PK_MORPH5(pk_dilate5, PK_MAX)

void pk_physiq_open_close(uint8_t *restrict mask, int width, int height,
                          uint8_t *restrict scratch, uint8_t *restrict temp) {
  pk_erode5(mask, width, height, scratch, temp);  /* open: erode… */
  pk_dilate5(temp, width, height, scratch, mask); /* …then dilate */
  pk_dilate5(mask, width, height, scratch, temp); /* close: dilate… */
  pk_erode5(temp, width, height, scratch, mask);  /* …then erode */
}

/* Source index and 11-bit weights of one output column or row, as cv::resize INTER_LINEAR
 * computes them: the centre mapped in double, narrowed to float, the fraction in float. */
static void pk_linear_tap(int d, int src_size, double scale, int *index, int *next,
                          int32_t *w0, int32_t *w1) {
  const double centre = (d + 0.5) * scale;
  float f = (float)(centre - 0.5);
  int s = (int)floorf(f);
  f -= (float)s;
  if (s < 0) f = 0.f, s = 0;
  if (s >= src_size - 1) f = 0.f, s = src_size - 1;
  *index = s;
  *next = s + 1 < src_size ? s + 1 : s;
  *w0 = (int32_t)lrintf((1.f - f) * 2048.f);
  *w1 = (int32_t)lrintf(f * 2048.f);
}

void pk_physiq_resize_linear(const uint8_t *restrict src, ptrdiff_t src_stride, int src_width,
                             int src_height, int channels, uint8_t *restrict dst,
                             ptrdiff_t dst_stride, int dst_width, int dst_height,
                             int32_t *restrict scratch) {
  const double scale_x = 1.0 / ((double)dst_width / src_width);
  const double scale_y = 1.0 / ((double)dst_height / src_height);
  const ptrdiff_t row = (ptrdiff_t)dst_width * channels;
  /* Horizontal pass on every source row: exact integer sums of two taps. */
  for (int dx = 0; dx < dst_width; dx++) {
    int s0, s1;
    int32_t w0, w1;
    pk_linear_tap(dx, src_width, scale_x, &s0, &s1, &w0, &w1);
    for (int y = 0; y < src_height; y++) {
      const uint8_t *s = src + y * src_stride;
      int32_t *t = scratch + y * row + (ptrdiff_t)dx * channels;
      for (int c = 0; c < channels; c++)
        t[c] = s[s0 * channels + c] * w0 + s[s1 * channels + c] * w1;
    }
  }
  /* Vertical pass as OpenCV's vector code does it (VResizeLinearVec_32s8u), which all widths
   * go through: each row sum shifted right by 4, a signed 16-bit multiply keeping the high
   * half, then (a + b + 2) >> 2. It differs by one from exact rounding on some pixels. */
  for (int dy = 0; dy < dst_height; dy++) {
    int s0, s1;
    int32_t w0, w1;
    pk_linear_tap(dy, src_height, scale_y, &s0, &s1, &w0, &w1);
    const int32_t *a = scratch + s0 * row, *b = scratch + s1 * row;
    uint8_t *d = dst + dy * dst_stride;
    for (ptrdiff_t i = 0; i < row; i++) {
      const int32_t v = ((((a[i] >> 4) * w0) >> 16) + (((b[i] >> 4) * w1) >> 16) + 2) >> 2;
      d[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
  }
}

double pk_physiq_frame_mse(const uint8_t *restrict a, const uint8_t *restrict b, size_t count) {
  /* The reference works on float64 pixels / 255 cast to float32, squares the float32
   * difference and averages. Summing in double here differs from numpy's float32 pairwise sum
   * by far less than 1e-9 at these sizes. */
  double sum = 0;
  for (size_t i = 0; i < count; i++) {
    const float d = (float)(a[i] / 255.0) - (float)(b[i] / 255.0);
    sum += (double)(d * d);
  }
  return count ? sum / (double)count : 0;
}
