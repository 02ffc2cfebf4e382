/* Video conversion: 8-bit Y'CbCr (BT.601 matrix) to and from packed 8-bit RGB, for Y4M files
 * and any other planar source. Integer arithmetic with 16 fractional bits, so results are the
 * same on every machine and compiler. */
#include "CKernels.h"

#define PK_FIX 16
#define PK_ONE (1 << PK_FIX)
#define PK_HALF (1 << (PK_FIX - 1))

static inline uint8_t pk_clamp_u8(int32_t v) { return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v); }

/* BT.601 luma weights Kr = 0.299, Kb = 0.114. Limited range maps Y' to 16…235 and Cb, Cr to
 * 16…240 (scales 219/255 and 224/255); full range uses 0…255 for all three. The coefficients
 * below are the exact products rounded to 1/65536. */

void pk_yuv_to_rgb8(const uint8_t *restrict y, ptrdiff_t y_stride, const uint8_t *restrict u,
                    const uint8_t *restrict v, ptrdiff_t c_stride, int shift_x, int shift_y,
                    int width, int height, int full_range, uint8_t *restrict dst,
                    ptrdiff_t dst_stride) {
  /* Inverse of the forward matrix: R = Y + 1.402·Cr', G = Y − 0.344136·Cb' − 0.714136·Cr',
   * B = Y + 1.772·Cb' with Y, Cb', Cr' expanded from limited range when needed. */
  const int32_t ys = full_range ? PK_ONE : 76309;    /* 255/219 */
  const int32_t yo = full_range ? 0 : 16;
  const int32_t cs = full_range ? PK_ONE : 74711;    /* 255/224 */
  const int32_t rv = (int32_t)(1.402 * (1 << 14) + 0.5);
  const int32_t gu = (int32_t)(0.344136 * (1 << 14) + 0.5);
  const int32_t gv = (int32_t)(0.714136 * (1 << 14) + 0.5);
  const int32_t bu = (int32_t)(1.772 * (1 << 14) + 0.5);
  for (int j = 0; j < height; j++) {
    const uint8_t *yr = y + j * y_stride;
    const uint8_t *ur = u + (j >> shift_y) * c_stride;
    const uint8_t *vr = v + (j >> shift_y) * c_stride;
    uint8_t *out = dst + j * dst_stride;
    for (int i = 0; i < width; i++) {
      /* luma and chroma in 1/65536 units of full-range 8-bit levels */
      int64_t l = (int64_t)(yr[i] - yo) * ys;
      int64_t cb = (int64_t)(ur[i >> shift_x] - 128) * cs;
      int64_t cr = (int64_t)(vr[i >> shift_x] - 128) * cs;
      int64_t r = l + ((rv * cr) >> 14);
      int64_t g = l - ((gu * cb + gv * cr) >> 14);
      int64_t b = l + ((bu * cb) >> 14);
      out[3 * i] = pk_clamp_u8((int32_t)((r + PK_HALF) >> PK_FIX));
      out[3 * i + 1] = pk_clamp_u8((int32_t)((g + PK_HALF) >> PK_FIX));
      out[3 * i + 2] = pk_clamp_u8((int32_t)((b + PK_HALF) >> PK_FIX));
    }
  }
}

void pk_rgb8_to_yuv(const uint8_t *restrict src, ptrdiff_t src_stride, int width, int height,
                    int shift_x, int shift_y, int full_range, uint8_t *restrict y,
                    ptrdiff_t y_stride, uint8_t *restrict u, uint8_t *restrict v,
                    ptrdiff_t c_stride) {
  /* Y = 0.299 R + 0.587 G + 0.114 B; Cb = (B − Y)/1.772; Cr = (R − Y)/1.402; all × 65536 and
   * folded with the range scale. */
  const double ys = full_range ? 1.0 : 219.0 / 255.0;
  const double cs = full_range ? 1.0 : 224.0 / 255.0;
  const int32_t yo = full_range ? 0 : 16;
  const int32_t yr = (int32_t)(0.299 * ys * PK_ONE + 0.5);
  const int32_t yg = (int32_t)(0.587 * ys * PK_ONE + 0.5);
  const int32_t yb = (int32_t)(0.114 * ys * PK_ONE + 0.5);
  const int32_t ur = (int32_t)(-0.168736 * cs * PK_ONE - 0.5);
  const int32_t ug = (int32_t)(-0.331264 * cs * PK_ONE - 0.5);
  const int32_t ub = (int32_t)(0.5 * cs * PK_ONE + 0.5);
  const int32_t vr = ub;
  const int32_t vg = (int32_t)(-0.418688 * cs * PK_ONE - 0.5);
  const int32_t vb = (int32_t)(-0.081312 * cs * PK_ONE - 0.5);
  for (int j = 0; j < height; j++) {
    const uint8_t *in = src + j * src_stride;
    uint8_t *out = y + j * y_stride;
    for (int i = 0; i < width; i++) {
      int32_t r = in[3 * i], g = in[3 * i + 1], b = in[3 * i + 2];
      out[i] = pk_clamp_u8(yo + ((yr * r + yg * g + yb * b + PK_HALF) >> PK_FIX));
    }
  }
  /* Chroma: the mean RGB of each block (edge blocks are smaller), then the matrix. */
  const int cw = (width + (1 << shift_x) - 1) >> shift_x;
  const int ch = (height + (1 << shift_y) - 1) >> shift_y;
  for (int cj = 0; cj < ch; cj++) {
    for (int ci = 0; ci < cw; ci++) {
      int32_t sr = 0, sg = 0, sb = 0, n = 0;
      for (int j = cj << shift_y; j < ((cj + 1) << shift_y) && j < height; j++) {
        const uint8_t *in = src + j * src_stride;
        for (int i = ci << shift_x; i < ((ci + 1) << shift_x) && i < width; i++) {
          sr += in[3 * i];
          sg += in[3 * i + 1];
          sb += in[3 * i + 2];
          n++;
        }
      }
      /* (sum · coefficient) ÷ n, rounded to nearest, with an offset of 128 levels */
      int64_t cb = (int64_t)ur * sr + (int64_t)ug * sg + (int64_t)ub * sb;
      int64_t cr = (int64_t)vr * sr + (int64_t)vg * sg + (int64_t)vb * sb;
      int64_t d = (int64_t)n << PK_FIX;
      int64_t qb = (cb >= 0 ? cb + d / 2 : cb - d / 2) / d;
      int64_t qr = (cr >= 0 ? cr + d / 2 : cr - d / 2) / d;
      u[cj * c_stride + ci] = pk_clamp_u8((int32_t)(128 + qb));
      v[cj * c_stride + ci] = pk_clamp_u8((int32_t)(128 + qr));
    }
  }
}
