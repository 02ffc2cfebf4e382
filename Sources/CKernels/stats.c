#include "CKernels.h"

#include <stdlib.h>

/* Frame statistics for the temporal-quality metrics: SSIM and mean absolute difference. The
 * contracts are in CKernels.h. */

double pk_ssim(const float *restrict a, ptrdiff_t a_stride, const float *restrict b,
               ptrdiff_t b_stride, int width, int height, float *restrict scratch) {
  enum { R = 5 };
  const double c1 = (0.01 * 255) * (0.01 * 255), c2 = (0.03 * 255) * (0.03 * 255);
  ptrdiff_t plane = (ptrdiff_t)width * height;
  float *mu_a = scratch, *mu_b = scratch + plane, *aa = scratch + 2 * plane,
        *bb = scratch + 3 * plane, *ab = scratch + 4 * plane, *tmp = scratch + 5 * plane;
  for (int y = 0; y < height; y++) {
    const float *pa = a + y * a_stride, *pb = b + y * b_stride;
    ptrdiff_t o = (ptrdiff_t)y * width;
    for (int x = 0; x < width; x++) {
      mu_a[o + x] = pa[x];
      mu_b[o + x] = pb[x];
      aa[o + x] = pa[x] * pa[x];
      bb[o + x] = pb[x] * pb[x];
      ab[o + x] = pa[x] * pb[x];
    }
  }
  float w[2 * R + 1];
  pk_gaussian_kernel(1.5f, R, w);
  for (int p = 0; p < 5; p++) pk_blur_separable(scratch + p * plane, width, width, height, w, R,
                                                scratch + p * plane, width, tmp);
  int inside = width > 2 * R && height > 2 * R;
  int x0 = inside ? R : 0, x1 = inside ? width - R : width;
  int y0 = inside ? R : 0, y1 = inside ? height - R : height;
  double total = 0;
  for (int y = y0; y < y1; y++) {
    double row = 0;
    for (int x = x0; x < x1; x++) {
      ptrdiff_t o = (ptrdiff_t)y * width + x;
      double ma = mu_a[o], mb = mu_b[o];
      double va = aa[o] - ma * ma, vb = bb[o] - mb * mb, cov = ab[o] - ma * mb;
      row += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
    }
    total += row;
  }
  return total / ((double)(x1 - x0) * (double)(y1 - y0));
}

double pk_mean_abs_diff_u8(const uint8_t *restrict a, ptrdiff_t a_stride,
                           const uint8_t *restrict b, ptrdiff_t b_stride, int row_bytes,
                           int rows) {
  uint64_t total = 0;
  for (int y = 0; y < rows; y++) {
    const uint8_t *pa = a + y * a_stride, *pb = b + y * b_stride;
    uint32_t row = 0; /* at most 255 · row_bytes: fits for rows under 16 M bytes */
    for (int x = 0; x < row_bytes; x++) row += (uint32_t)abs((int)pa[x] - (int)pb[x]);
    total += row;
  }
  return rows > 0 && row_bytes > 0 ? (double)total / ((double)rows * row_bytes) : 0;
}
