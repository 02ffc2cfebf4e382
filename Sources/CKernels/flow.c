#include "CKernels.h"

#include <math.h>
#include <string.h>

/* Tracking and optical flow: Shi–Tomasi corners, pyramidal Lucas–Kanade, patch descriptors and
 * Farnebäck's dense flow by polynomial expansion. The contracts are in CKernels.h. */

static inline int pk__clamp(int v, int lo, int hi) { return v < lo ? lo : (v > hi ? hi : v); }

/* The largest kernel radius the box and expansion kernels keep on the stack. */
enum { PK__MAX_KERNEL_RADIUS = 32 };

void pk_min_eigen(const float *restrict gx, const float *restrict gy, ptrdiff_t stride, int width,
                  int height, int radius, float *restrict out, ptrdiff_t out_stride,
                  float *restrict scratch) {
  ptrdiff_t plane = (ptrdiff_t)width * height;
  float *xx = scratch, *xy = scratch + plane, *yy = scratch + 2 * plane, *tmp = scratch + 3 * plane;
  for (int y = 0; y < height; y++) {
    const float *a = gx + y * stride, *b = gy + y * stride;
    float *pxx = xx + (ptrdiff_t)y * width, *pxy = xy + (ptrdiff_t)y * width,
          *pyy = yy + (ptrdiff_t)y * width;
    for (int x = 0; x < width; x++) {
      pxx[x] = a[x] * a[x];
      pxy[x] = a[x] * b[x];
      pyy[x] = b[x] * b[x];
    }
  }
  if (radius > PK__MAX_KERNEL_RADIUS) radius = PK__MAX_KERNEL_RADIUS;
  float box[2 * PK__MAX_KERNEL_RADIUS + 1];
  for (int k = 0; k <= 2 * radius; k++) box[k] = 1.0f / (float)(2 * radius + 1);
  pk_blur_separable(xx, width, width, height, box, radius, xx, width, tmp);
  pk_blur_separable(xy, width, width, height, box, radius, xy, width, tmp);
  pk_blur_separable(yy, width, width, height, box, radius, yy, width, tmp);
  for (int y = 0; y < height; y++) {
    const float *a = xx + (ptrdiff_t)y * width, *b = xy + (ptrdiff_t)y * width,
                *c = yy + (ptrdiff_t)y * width;
    float *o = out + y * out_stride;
    for (int x = 0; x < width; x++) {
      float half = 0.5f * (a[x] - c[x]);
      o[x] = 0.5f * (a[x] + c[x]) - sqrtf(half * half + b[x] * b[x]);
    }
  }
}

/* Candidate order for corner selection: score descending, then raster index ascending. Scores
 * are positive floats, whose bit patterns order like the values, so pairs hold (bits, index). */
static inline int pk__corner_after(const int32_t *p, size_t i, size_t j) {
  int32_t si = p[2 * i], sj = p[2 * j];
  return si < sj || (si == sj && p[2 * i + 1] > p[2 * j + 1]);
}

static void pk__corner_swap(int32_t *p, size_t i, size_t j) {
  int32_t s = p[2 * i], k = p[2 * i + 1];
  p[2 * i] = p[2 * j];
  p[2 * i + 1] = p[2 * j + 1];
  p[2 * j] = s;
  p[2 * j + 1] = k;
}

static void pk__corner_sift(int32_t *p, size_t root, size_t n) {
  for (;;) {
    size_t child = 2 * root + 1;
    if (child >= n) return;
    if (child + 1 < n && pk__corner_after(p, child + 1, child)) child++;
    if (!pk__corner_after(p, child, root)) return;
    pk__corner_swap(p, root, child);
    root = child;
  }
}

int pk_select_corners(const float *restrict score, ptrdiff_t stride, int width, int height,
                      float quality, float min_distance, int border, int max_corners,
                      float *restrict xy, float *restrict scores, int32_t *restrict scratch_pairs,
                      uint8_t *restrict scratch_mask) {
  int b = border > 1 ? border : 1;
  float best = 0;
  for (int y = b; y < height - b; y++)
    for (int x = b; x < width - b; x++) best = fmaxf(best, score[y * stride + x]);
  if (best <= 0) return 0;
  float threshold = quality * best;
  size_t n = 0;
  for (int y = b; y < height - b; y++) {
    const float *r = score + y * stride;
    for (int x = b; x < width - b; x++) {
      float v = r[x];
      if (v < threshold || v <= 0) continue;
      /* Strict against earlier neighbours, non-strict against later: one winner per plateau. */
      if (v <= r[x - stride - 1] || v <= r[x - stride] || v <= r[x - stride + 1] || v <= r[x - 1] ||
          v < r[x + 1] || v < r[x + stride - 1] || v < r[x + stride] || v < r[x + stride + 1])
        continue;
      int32_t bits;
      memcpy(&bits, &v, sizeof bits);
      scratch_pairs[2 * n] = bits;
      scratch_pairs[2 * n + 1] = y * width + x;
      n++;
    }
  }
  for (size_t i = n / 2; i-- > 0;) pk__corner_sift(scratch_pairs, i, n);
  for (size_t end = n; end > 1; end--) {
    pk__corner_swap(scratch_pairs, 0, end - 1);
    pk__corner_sift(scratch_pairs, 0, end - 1);
  }
  /* Heap sort left the "latest" candidate first; walk from the back for best-first. */
  memset(scratch_mask, 0, (size_t)width * (size_t)height);
  int reach = (int)ceilf(min_distance);
  float d2 = min_distance * min_distance;
  int kept = 0;
  for (size_t c = n; c-- > 0 && kept < max_corners;) {
    int idx = scratch_pairs[2 * c + 1];
    if (scratch_mask[idx]) continue;
    int x = idx % width, y = idx / width;
    xy[2 * kept] = (float)x + 0.5f;
    xy[2 * kept + 1] = (float)y + 0.5f;
    if (scores) memcpy(&scores[kept], &scratch_pairs[2 * c], sizeof(float));
    kept++;
    for (int dy = -reach; dy <= reach; dy++) {
      int yy = y + dy;
      if (yy < 0 || yy >= height) continue;
      for (int dx = -reach; dx <= reach; dx++) {
        int xx = x + dx;
        if (xx >= 0 && xx < width && (float)(dx * dx + dy * dy) < d2)
          scratch_mask[yy * width + xx] = 1;
      }
    }
  }
  return kept;
}

/* A (2r+1)² window of bilinear samples centred on (cx, cy). Every sample of the window has the
 * same fractional offset, so the four weights are computed once. Returns 0 when the window lies
 * wholly outside the image. */
static int pk__window(const float *img, ptrdiff_t stride, int width, int height, float cx,
                      float cy, int r, float *restrict out) {
  int side = 2 * r + 1;
  float fx = cx - 0.5f - (float)r, fy = cy - 0.5f - (float)r;
  float flx = floorf(fx), fly = floorf(fy);
  if (flx < (float)(-side) || fly < (float)(-side) || flx > (float)width || fly > (float)height)
    return 0;
  int x0 = (int)flx, y0 = (int)fly;
  float ax = fx - flx, ay = fy - fly;
  float w00 = (1 - ax) * (1 - ay), w01 = ax * (1 - ay), w10 = (1 - ax) * ay, w11 = ax * ay;
  if (x0 >= 0 && y0 >= 0 && x0 + side < width && y0 + side < height) {
    for (int j = 0; j < side; j++) {
      const float *r0 = img + (y0 + j) * stride + x0, *r1 = r0 + stride;
      float *o = out + j * side;
      for (int i = 0; i < side; i++)
        o[i] = w00 * r0[i] + w01 * r0[i + 1] + w10 * r1[i] + w11 * r1[i + 1];
    }
    return 1;
  }
  for (int j = 0; j < side; j++) {
    const float *r0 = img + pk__clamp(y0 + j, 0, height - 1) * stride;
    const float *r1 = img + pk__clamp(y0 + j + 1, 0, height - 1) * stride;
    for (int i = 0; i < side; i++) {
      int xa = pk__clamp(x0 + i, 0, width - 1), xb = pk__clamp(x0 + i + 1, 0, width - 1);
      out[j * side + i] = w00 * r0[xa] + w01 * r0[xb] + w10 * r1[xa] + w11 * r1[xb];
    }
  }
  return 1;
}

/* Window buffers for one Lucas–Kanade point: template, its derivatives, and the moving window. */
enum { PK__LK_AREA = (2 * PK_LK_MAX_RADIUS + 1) * (2 * PK_LK_MAX_RADIUS + 1) };
typedef struct pk__lk_window {
  float t[PK__LK_AREA], tx[PK__LK_AREA], ty[PK__LK_AREA], j[PK__LK_AREA];
} pk__lk_window;

/* Samples the template window and its derivatives at (px, py) and sums the gradient matrix
 * into g (g11, g12, g22). Returns 0 when the window is off the image or its smaller eigenvalue
 * per sample is below min_eigen (too flat to track). */
static int pk__lk_template(const pk_image_f32 *img, const pk_image_f32 *gx,
                           const pk_image_f32 *gy, float px, float py, int radius,
                           float min_eigen, pk__lk_window *w, double g[3]) {
  if (!pk__window(img->data, img->stride, img->width, img->height, px, py, radius, w->t) ||
      !pk__window(gx->data, gx->stride, gx->width, gx->height, px, py, radius, w->tx) ||
      !pk__window(gy->data, gy->stride, gy->width, gy->height, px, py, radius, w->ty))
    return 0;
  int n = (2 * radius + 1) * (2 * radius + 1);
  g[0] = g[1] = g[2] = 0;
  for (int k = 0; k < n; k++) {
    g[0] += (double)w->tx[k] * w->tx[k];
    g[1] += (double)w->tx[k] * w->ty[k];
    g[2] += (double)w->ty[k] * w->ty[k];
  }
  double half = 0.5 * (g[0] - g[2]);
  double lmin = (0.5 * (g[0] + g[2]) - sqrt(half * half + g[1] * g[1])) / n;
  return lmin >= min_eigen && g[0] * g[2] - g[1] * g[1] > 0;
}

void pk_lk_track(const pk_image_f32 *prev, const pk_image_f32 *prev_gx,
                 const pk_image_f32 *prev_gy, const pk_image_f32 *next, int levels,
                 const float *restrict from, float *restrict to, int count, int radius,
                 int max_iterations, float epsilon, float min_eigen, uint8_t *restrict status,
                 float *restrict residual) {
  pk__lk_window w;
  const float *I = w.t, *Ix = w.tx, *Iy = w.ty;
  float *J = w.j;
  if (radius > PK_LK_MAX_RADIUS) radius = PK_LK_MAX_RADIUS;
  int n = (2 * radius + 1) * (2 * radius + 1);
  for (int p = 0; p < count; p++) {
    float top = ldexpf(1.0f, -(levels - 1));
    float gx = (to[2 * p] - from[2 * p]) * top, gy = (to[2 * p + 1] - from[2 * p + 1]) * top;
    float nux = 0, nuy = 0;
    int ok = 1;
    for (int L = levels - 1; L >= 0 && ok; L--) {
      const pk_image_f32 *a = &prev[L], *dx = &prev_gx[L], *dy = &prev_gy[L], *b = &next[L];
      float scale = ldexpf(1.0f, -L);
      float px = from[2 * p] * scale, py = from[2 * p + 1] * scale;
      double g[3];
      if (!pk__lk_template(a, dx, dy, px, py, radius, min_eigen, &w, g)) {
        ok = 0;
        break;
      }
      double g11 = g[0], g12 = g[1], g22 = g[2], det = g11 * g22 - g12 * g12;
      nux = nuy = 0;
      for (int it = 0; it < max_iterations; it++) {
        if (!pk__window(b->data, b->stride, b->width, b->height, px + gx + nux, py + gy + nuy,
                        radius, J)) {
          ok = 0;
          break;
        }
        double bx = 0, by = 0;
        for (int k = 0; k < n; k++) {
          float e = I[k] - J[k];
          bx += (double)e * Ix[k];
          by += (double)e * Iy[k];
        }
        float ddx = (float)((g22 * bx - g12 * by) / det), ddy = (float)((g11 * by - g12 * bx) / det);
        nux += ddx;
        nuy += ddy;
        if (ddx * ddx + ddy * ddy < epsilon * epsilon) break;
      }
      if (L > 0) {
        gx = 2 * (gx + nux);
        gy = 2 * (gy + nuy);
      }
    }
    float tx = from[2 * p] + gx + nux, ty = from[2 * p + 1] + gy + nuy;
    if (ok && (!(tx >= 0 && ty >= 0 && tx < (float)next[0].width && ty < (float)next[0].height)))
      ok = 0;
    status[p] = (uint8_t)ok;
    to[2 * p] = tx;
    to[2 * p + 1] = ty;
    if (residual) {
      float sum = 0;
      if (ok && pk__window(next[0].data, next[0].stride, next[0].width, next[0].height, tx, ty,
                           radius, J))
        for (int k = 0; k < n; k++) sum += fabsf(I[k] - J[k]);
      residual[p] = ok ? sum / (float)n : INFINITY;
    }
  }
}

void pk_lk_refine_affine(const pk_image_f32 *prev, const pk_image_f32 *prev_gx,
                         const pk_image_f32 *prev_gy, const pk_image_f32 *next,
                         const float *restrict from, float *restrict to, int count, int radius,
                         int max_iterations, float epsilon, float min_eigen,
                         float *restrict affine, uint8_t *restrict status,
                         float *restrict residual) {
  pk__lk_window w;
  const float *T = w.t, *Tx = w.tx, *Ty = w.ty;
  float *J = w.j;
  if (radius > PK_LK_MAX_RADIUS) radius = PK_LK_MAX_RADIUS;
  int side = 2 * radius + 1, n = side * side;
  const pk_image_f32 *b = next;
  for (int p = 0; p < count; p++) {
    float px = from[2 * p], py = from[2 * p + 1];
    double M[4] = {1, 0, 0, 1}, q[2] = {to[2 * p], to[2 * p + 1]}, g[3];
    int ok = pk__lk_template(prev, prev_gx, prev_gy, px, py, radius, min_eigen, &w, g);
    /* Steepest-descent images are fixed in the inverse compositional form, so is H. */
    double H[36] = {0};
    for (int k = 0; ok && k < n; k++) {
      double dx = k % side - radius, dy = k / side - radius;
      double sd[6] = {Tx[k] * dx, Ty[k] * dx, Tx[k] * dy, Ty[k] * dy, Tx[k], Ty[k]};
      for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++) H[i * 6 + j] += sd[i] * sd[j];
    }
    int converged = 0;
    double err_sum = 0;
    double t_mean = 0, t_var = 0;
    for (int k = 0; k < n; k++) t_mean += T[k];
    t_mean /= n;
    for (int k = 0; k < n; k++) t_var += (T[k] - t_mean) * (T[k] - t_mean);
    for (int it = 0; ok && it < max_iterations; it++) {
      double rhs[6] = {0}, d[6];
      /* Sample the warped window, then fit its gain and bias to the template (least squares)
       * and compare in the template's photometric frame: a surface turning towards or away
       * from the light changes brightness between views without changing geometry. */
      double j_mean = 0, cov = 0;
      for (int k = 0; k < n; k++) {
        double dx = k % side - radius, dy = k / side - radius;
        float wx = (float)(q[0] + M[0] * dx + M[1] * dy), wy = (float)(q[1] + M[2] * dx + M[3] * dy);
        J[k] = pk_sample_bilinear(b->data, b->stride, 1, b->width, b->height, wx, wy);
        j_mean += J[k];
      }
      j_mean /= n;
      for (int k = 0; k < n; k++) cov += (J[k] - j_mean) * (T[k] - t_mean);
      double gain = t_var > 0 && cov > 0 ? cov / t_var : 1;
      err_sum = 0;
      for (int k = 0; k < n; k++) {
        double dx = k % side - radius, dy = k / side - radius;
        double e = (J[k] - j_mean) / gain - (T[k] - t_mean);
        err_sum += fabs(e);
        double sd[6] = {Tx[k] * dx, Ty[k] * dx, Tx[k] * dy, Ty[k] * dy, Tx[k], Ty[k]};
        for (int i = 0; i < 6; i++) rhs[i] += sd[i] * e;
      }
      if (!pk_solve_spd(6, H, rhs, d)) {
        ok = 0;
        break;
      }
      /* W ← W ∘ W(Δ)⁻¹ with W(Δ): x ↦ (I + [d0 d2; d1 d3])·x + (d4, d5). */
      double A[4] = {1 + d[0], d[2], d[1], 1 + d[3]};
      double det = A[0] * A[3] - A[1] * A[2];
      if (!(fabs(det) > 1e-6)) {
        ok = 0;
        break;
      }
      double Ai[4] = {A[3] / det, -A[1] / det, -A[2] / det, A[0] / det};
      double MA[4] = {M[0] * Ai[0] + M[1] * Ai[2], M[0] * Ai[1] + M[1] * Ai[3],
                      M[2] * Ai[0] + M[3] * Ai[2], M[2] * Ai[1] + M[3] * Ai[3]};
      double sx = MA[0] * d[4] + MA[1] * d[5], sy = MA[2] * d[4] + MA[3] * d[5];
      q[0] -= sx;
      q[1] -= sy;
      memcpy(M, MA, sizeof M);
      if (sx * sx + sy * sy < (double)epsilon * epsilon) {
        converged = 1;
        break;
      }
    }
    ok = ok && converged && q[0] >= 0 && q[1] >= 0 && q[0] < b->width && q[1] < b->height;
    status[p] = (uint8_t)ok;
    to[2 * p] = (float)q[0];
    to[2 * p + 1] = (float)q[1];
    if (affine)
      for (int i = 0; i < 4; i++) affine[4 * p + i] = (float)M[i];
    if (residual) residual[p] = ok ? (float)(err_sum / n) : INFINITY;
  }
}

void pk_patch_descriptors(const float *restrict img, ptrdiff_t stride, int width, int height,
                          const float *restrict xy, int count, int radius, float *restrict out) {
  int n = (2 * radius + 1) * (2 * radius + 1);
  for (int p = 0; p < count; p++) {
    float *d = out + (ptrdiff_t)p * n;
    if (!pk__window(img, stride, width, height, xy[2 * p], xy[2 * p + 1], radius, d)) {
      for (int k = 0; k < n; k++) d[k] = 0;
      continue;
    }
    double mean = 0, ss = 0;
    for (int k = 0; k < n; k++) mean += d[k];
    mean /= n;
    for (int k = 0; k < n; k++) ss += (d[k] - mean) * (d[k] - mean);
    float inv = ss > 1e-6 * n ? (float)(1.0 / sqrt(ss)) : 0.0f;
    for (int k = 0; k < n; k++) d[k] = (float)(d[k] - mean) * inv;
  }
}

void pk_match_descriptors(const float *restrict d1, const float *restrict xy1, int count1,
                          const float *restrict d2, const float *restrict xy2, int count2,
                          int dim, float max_distance, int32_t *restrict best,
                          float *restrict best_score, float *restrict second_score) {
  float md2 = max_distance * max_distance;
  for (int i = 0; i < count1; i++) {
    const float *a = d1 + (ptrdiff_t)i * dim;
    int32_t arg = -1;
    float s1 = -1, s2 = -1;
    for (int j = 0; j < count2; j++) {
      float ex = xy1[2 * i] - xy2[2 * j], ey = xy1[2 * i + 1] - xy2[2 * j + 1];
      if (ex * ex + ey * ey > md2) continue;
      const float *c = d2 + (ptrdiff_t)j * dim;
      float s = 0;
      for (int k = 0; k < dim; k++) s += a[k] * c[k];
      if (arg < 0 || s > s1) {
        s2 = arg < 0 ? -1 : s1;
        s1 = s;
        arg = j;
      } else if (s > s2) {
        s2 = s;
      }
    }
    best[i] = arg;
    best_score[i] = arg < 0 ? -1 : s1;
    second_score[i] = s2;
  }
}

void pk_poly_expand(const float *restrict src, ptrdiff_t src_stride, int width, int height,
                    float sigma, int radius, float *restrict out, ptrdiff_t out_stride,
                    ptrdiff_t plane_stride, float *restrict scratch) {
  if (radius > PK__MAX_KERNEL_RADIUS) radius = PK__MAX_KERNEL_RADIUS;
  float g[2 * PK__MAX_KERNEL_RADIUS + 1], kg[2 * PK__MAX_KERNEL_RADIUS + 1],
      kkg[2 * PK__MAX_KERNEL_RADIUS + 1];
  pk_gaussian_kernel(sigma, radius, g);
  double m0 = 0, m2 = 0, m4 = 0;
  for (int k = -radius; k <= radius; k++) {
    double w = g[k + radius];
    kg[k + radius] = (float)(k * w);
    kkg[k + radius] = (float)(k * k * w);
    m0 += w;
    m2 += k * k * w;
    m4 += (double)k * k * k * k * w;
  }
  /* Normal equations of the even basis (1, x², y²): its Gram matrix, inverted by cofactors.
   * Only the rows for rxx and ryy are needed. The odd terms decouple. */
  double G[9] = {m0 * m0, m0 * m2, m0 * m2, m0 * m2, m0 * m4, m2 * m2, m0 * m2, m2 * m2, m0 * m4};
  double c00 = G[4] * G[8] - G[5] * G[7], c01 = G[5] * G[6] - G[3] * G[8],
         c02 = G[3] * G[7] - G[4] * G[6];
  double det = G[0] * c00 + G[1] * c01 + G[2] * c02;
  double i10 = (G[2] * G[7] - G[1] * G[8]) / det, i11 = (G[0] * G[8] - G[2] * G[6]) / det,
         i12 = (G[1] * G[6] - G[0] * G[7]) / det;
  double i20 = (G[1] * G[5] - G[2] * G[4]) / det, i21 = (G[2] * G[3] - G[0] * G[5]) / det,
         i22 = (G[0] * G[4] - G[1] * G[3]) / det;
  float ib = (float)(1.0 / (m0 * m2)), ixy = (float)(1.0 / (m2 * m2));

  ptrdiff_t plane = (ptrdiff_t)width * height;
  float *v0 = scratch, *v1 = scratch + plane, *v2 = scratch + 2 * plane;
  for (int y = 0; y < height; y++) {
    float *a = v0 + (ptrdiff_t)y * width, *b = v1 + (ptrdiff_t)y * width,
          *c = v2 + (ptrdiff_t)y * width;
    for (int x = 0; x < width; x++) a[x] = b[x] = c[x] = 0;
    for (int k = -radius; k <= radius; k++) {
      const float *s = src + pk__clamp(y + k, 0, height - 1) * src_stride;
      float w0 = g[k + radius], w1 = kg[k + radius], w2 = kkg[k + radius];
      for (int x = 0; x < width; x++) {
        a[x] += w0 * s[x];
        b[x] += w1 * s[x];
        c[x] += w2 * s[x];
      }
    }
  }
  for (int y = 0; y < height; y++) {
    const float *a = v0 + (ptrdiff_t)y * width, *b = v1 + (ptrdiff_t)y * width,
                *c = v2 + (ptrdiff_t)y * width;
    float *obx = out + y * out_stride, *oby = obx + plane_stride, *oxx = oby + plane_stride,
          *oyy = oxx + plane_stride, *oxy = oyy + plane_stride;
    for (int x = 0; x < width; x++) {
      float s00 = 0, s10 = 0, s20 = 0, s01 = 0, s11 = 0, s02 = 0;
      if (x >= radius && x + radius < width) {
        for (int k = -radius; k <= radius; k++) {
          float w0 = g[k + radius], w1 = kg[k + radius], w2 = kkg[k + radius];
          float va = a[x + k], vb = b[x + k];
          s00 += w0 * va;
          s10 += w1 * va;
          s20 += w2 * va;
          s01 += w0 * vb;
          s11 += w1 * vb;
          s02 += w0 * c[x + k];
        }
      } else {
        for (int k = -radius; k <= radius; k++) {
          int xx = pk__clamp(x + k, 0, width - 1);
          float w0 = g[k + radius], w1 = kg[k + radius], w2 = kkg[k + radius];
          s00 += w0 * a[xx];
          s10 += w1 * a[xx];
          s20 += w2 * a[xx];
          s01 += w0 * b[xx];
          s11 += w1 * b[xx];
          s02 += w0 * c[xx];
        }
      }
      obx[x] = s10 * ib;
      oby[x] = s01 * ib;
      oxx[x] = (float)(i10 * s00 + i11 * s20 + i12 * s02);
      oyy[x] = (float)(i20 * s00 + i21 * s20 + i22 * s02);
      oxy[x] = s11 * ixy;
    }
  }
}

void pk_farneback_matrices(const float *restrict r1, const float *restrict r2,
                           ptrdiff_t stride, ptrdiff_t plane_stride, int width, int height,
                           const float *restrict flow, ptrdiff_t flow_stride, float *restrict m) {
  for (int y = 0; y < height; y++) {
    const float *f = flow + y * flow_stride;
    for (int x = 0; x < width; x++) {
      float u = f[2 * x], v = f[2 * x + 1];
      /* r2 at the moved point: bilinear with edge clamping, weights shared by the planes. */
      float fx = fminf(fmaxf((float)x + u, 0.0f), (float)(width - 1));
      float fy = fminf(fmaxf((float)y + v, 0.0f), (float)(height - 1));
      int x0 = (int)fx, y0 = (int)fy;
      int x1 = x0 + 1 < width ? x0 + 1 : x0, y1 = y0 + 1 < height ? y0 + 1 : y0;
      float ax = fx - (float)x0, ay = fy - (float)y0;
      float w00 = (1 - ax) * (1 - ay), w01 = ax * (1 - ay), w10 = (1 - ax) * ay, w11 = ax * ay;
      float q[5];
      for (int c = 0; c < 5; c++) {
        const float *pl = r2 + c * plane_stride;
        q[c] = w00 * pl[y0 * stride + x0] + w01 * pl[y0 * stride + x1] +
               w10 * pl[y1 * stride + x0] + w11 * pl[y1 * stride + x1];
      }
      ptrdiff_t o = y * stride + x;
      const float *p = r1 + o;
      float a11 = 0.5f * (p[2 * plane_stride] + q[2]);
      float a22 = 0.5f * (p[3 * plane_stride] + q[3]);
      float a12 = 0.25f * (p[4 * plane_stride] + q[4]);
      float db1 = -0.5f * (q[0] - p[0]) + a11 * u + a12 * v;
      float db2 = -0.5f * (q[1] - p[plane_stride]) + a12 * u + a22 * v;
      m[o] = a11 * a11 + a12 * a12;
      m[o + plane_stride] = a12 * (a11 + a22);
      m[o + 2 * plane_stride] = a12 * a12 + a22 * a22;
      m[o + 3 * plane_stride] = a11 * db1 + a12 * db2;
      m[o + 4 * plane_stride] = a12 * db1 + a22 * db2;
    }
  }
}

void pk_farneback_solve(const float *restrict m, ptrdiff_t stride, ptrdiff_t plane_stride,
                        int width, int height, float lambda, float *restrict flow,
                        ptrdiff_t flow_stride) {
  for (int y = 0; y < height; y++) {
    float *f = flow + y * flow_stride;
    for (int x = 0; x < width; x++) {
      const float *p = m + y * stride + x;
      float a = p[0] + lambda, b = p[plane_stride], c = p[2 * plane_stride] + lambda;
      float r1 = p[3 * plane_stride] + lambda * f[2 * x];
      float r2 = p[4 * plane_stride] + lambda * f[2 * x + 1];
      float det = a * c - b * b;
      if (det > 0) {
        f[2 * x] = (c * r1 - b * r2) / det;
        f[2 * x + 1] = (a * r2 - b * r1) / det;
      }
    }
  }
}

/* A flow field (u, v interleaved) at the continuous point (x, y), bilinear, edge-clamped. */
static void pk__sample_flow(const float *flow, ptrdiff_t stride, int width, int height, float x,
                            float y, float *u, float *v) {
  *u = pk_sample_bilinear(flow, stride, 2, width, height, x, y);
  *v = pk_sample_bilinear(flow + 1, stride, 2, width, height, x, y);
}

void pk_flow_upsample2(const float *restrict src, ptrdiff_t src_stride, int src_width,
                       int src_height, float *restrict dst, ptrdiff_t dst_stride, int dst_width,
                       int dst_height) {
  for (int y = 0; y < dst_height; y++) {
    float *d = dst + y * dst_stride;
    for (int x = 0; x < dst_width; x++) {
      float u, v;
      pk__sample_flow(src, src_stride, src_width, src_height, ((float)x + 0.5f) * 0.5f,
                      ((float)y + 0.5f) * 0.5f, &u, &v);
      d[2 * x] = 2 * u;
      d[2 * x + 1] = 2 * v;
    }
  }
}

/* The median of the pixels present in the 3×3 neighbourhood of (x, y), one component. */
static float pk__median_at(const float *src, ptrdiff_t stride, int width, int height, int x,
                           int y, int c) {
  float vals[9];
  int n = 0;
  for (int dy = -1; dy <= 1; dy++) {
    int yy = y + dy;
    if (yy < 0 || yy >= height) continue;
    for (int dx = -1; dx <= 1; dx++) {
      int xx = x + dx;
      if (xx < 0 || xx >= width) continue;
      float v = src[yy * stride + 2 * xx + c];
      int k = n++;
      while (k > 0 && vals[k - 1] > v) {
        vals[k] = vals[k - 1];
        k--;
      }
      vals[k] = v;
    }
  }
  return vals[n / 2];
}

void pk_flow_median3_reference(const float *restrict src, float *restrict dst, ptrdiff_t stride,
                               int width, int height) {
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      for (int c = 0; c < 2; c++)
        dst[y * stride + 2 * x + c] = pk__median_at(src, stride, width, height, x, y, c);
}

/* Compare-exchange as selects rather than fminf/fmaxf, whose NaN rules stop vectorization. */
#define PK__SORT2(a, b)              \
  do {                               \
    float lo_ = (a) < (b) ? (a) : (b); \
    b = (a) < (b) ? (b) : (a);       \
    a = lo_;                         \
  } while (0)

void pk_flow_median3(const float *restrict src, float *restrict dst, ptrdiff_t stride, int width,
                     int height) {
  for (int y = 0; y < height; y++) {
    int interior = y > 0 && y < height - 1 && width > 2;
    for (int x = 0; x < width; x++) {
      if (interior && x == 1) {
        const float *up = src + (y - 1) * stride, *mid = src + y * stride,
                    *down = src + (y + 1) * stride;
        float *d = dst + y * stride;
        for (int i = 2; i < 2 * (width - 1); i++) { /* both components, interleaved */
          float p0 = up[i - 2], p1 = up[i], p2 = up[i + 2], p3 = mid[i - 2], p4 = mid[i],
                p5 = mid[i + 2], p6 = down[i - 2], p7 = down[i], p8 = down[i + 2];
          PK__SORT2(p1, p2); PK__SORT2(p4, p5); PK__SORT2(p7, p8);
          PK__SORT2(p0, p1); PK__SORT2(p3, p4); PK__SORT2(p6, p7);
          PK__SORT2(p1, p2); PK__SORT2(p4, p5); PK__SORT2(p7, p8);
          PK__SORT2(p0, p3); PK__SORT2(p5, p8); PK__SORT2(p4, p7);
          PK__SORT2(p3, p6); PK__SORT2(p1, p4); PK__SORT2(p2, p5);
          PK__SORT2(p4, p7); PK__SORT2(p4, p2); PK__SORT2(p6, p4);
          PK__SORT2(p4, p2);
          d[i] = p4;
        }
        x = width - 2;
        continue;
      }
      for (int c = 0; c < 2; c++)
        dst[y * stride + 2 * x + c] = pk__median_at(src, stride, width, height, x, y, c);
    }
  }
}

#undef PK__SORT2

void pk_flow_fb_error(const float *restrict forward, const float *restrict backward,
                      ptrdiff_t flow_stride, int width, int height, float *restrict err,
                      ptrdiff_t err_stride) {
  for (int y = 0; y < height; y++) {
    const float *f = forward + y * flow_stride;
    for (int x = 0; x < width; x++) {
      float u = f[2 * x], v = f[2 * x + 1], bu, bv;
      pk__sample_flow(backward, flow_stride, width, height, (float)x + 0.5f + u,
                      (float)y + 0.5f + v, &bu, &bv);
      err[y * err_stride + x] = sqrtf((u + bu) * (u + bu) + (v + bv) * (v + bv));
    }
  }
}
