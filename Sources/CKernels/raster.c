/* raster.c — the reference engine's triangle rasterizer.
 *
 * Geometry arrives in camera coordinates (OpenCV axes: x right, y down, z forward) and is
 * projected here, so near-plane clipping happens before division by Z. Coverage and depth
 * use double precision: the floor is one large quad whose clipped vertices project millions
 * of samples off screen, where float edge functions would misplace its horizon. Shading is
 * in linear light, stored as 16-bit fixed point per sample; the resolve pass box-filters in
 * integers and encodes sRGB through a table, so results are exact and deterministic. */
#include "CKernels.h"

#include <math.h>

void pk_raster_clear(const pk_raster_target *t) {
  for (int32_t y = 0; y < t->height; y++) {
    float *restrict d = t->inv_depth + y * t->depth_stride;
    for (int32_t x = 0; x < t->width; x++) d[x] = 0.0f;
  }
}

void pk_transform_vertices(const float *restrict positions, const float *restrict normals,
                           int32_t count, const double m[12], const double r[9],
                           double *restrict out_positions, float *restrict out_normals) {
  for (int32_t i = 0; i < count; i++) {
    const double px = positions[3 * i], py = positions[3 * i + 1], pz = positions[3 * i + 2];
    out_positions[3 * i + 0] = m[0] * px + m[1] * py + m[2] * pz + m[3];
    out_positions[3 * i + 1] = m[4] * px + m[5] * py + m[6] * pz + m[7];
    out_positions[3 * i + 2] = m[8] * px + m[9] * py + m[10] * pz + m[11];
    const double nx = normals[3 * i], ny = normals[3 * i + 1], nz = normals[3 * i + 2];
    out_normals[3 * i + 0] = (float)(r[0] * nx + r[1] * ny + r[2] * nz);
    out_normals[3 * i + 1] = (float)(r[3] * nx + r[4] * ny + r[5] * nz);
    out_normals[3 * i + 2] = (float)(r[6] * nx + r[7] * ny + r[8] * nz);
  }
}

/* A vertex on its way through clipping: camera position and normal. */
typedef struct clip_vertex {
  double p[3];
  float n[3];
} clip_vertex;

/* A screen-space vertex: sample coordinates, 1/Z, normal. */
typedef struct screen_vertex {
  double u, v, iz;
  float n[3];
} screen_vertex;

/* An edge function a→b, stored so that the two triangles sharing an edge compute exactly
 * negated values: endpoints are taken in a canonical order and the sign applied after. */
typedef struct edge {
  double au, av, a, b, sign;
  int owns_ties;
} edge;

static edge make_edge(const screen_vertex *from, const screen_vertex *to) {
  edge e;
  const screen_vertex *p = from, *q = to;
  e.sign = 1.0;
  if (p->u > q->u || (p->u == q->u && p->v > q->v)) {
    p = to;
    q = from;
    e.sign = -1.0;
  }
  e.au = p->u;
  e.av = p->v;
  e.a = -(q->v - p->v);
  e.b = q->u - p->u;
  /* Exactly one of the two triangles sharing an edge traverses it with dv > 0 (or dv == 0 and
   * du < 0), so a sample exactly on the edge goes to exactly one of them. */
  const double du = to->u - from->u, dv = to->v - from->v;
  e.owns_ties = dv > 0 || (dv == 0 && du < 0);
  return e;
}

static inline double edge_row(const edge *e, double pv) { return e->b * (pv - e->av); }

static inline double edge_at(const edge *e, double row, double pu) {
  return e->sign * (e->a * (pu - e->au) + row);
}

static inline int inside(const edge *e, double value) {
  return value > 0 || (value == 0 && e->owns_ties);
}

static inline uint16_t to_u16(float v) {
  v = v * 65535.0f + 0.5f;
  return (uint16_t)(v < 0 ? 0 : v > 65535.0f ? 65535.0f : v);
}

static inline int covered(const edge e[3], const double row[3], double pu) {
  return inside(&e[0], edge_at(&e[0], row[0], pu)) && inside(&e[1], edge_at(&e[1], row[1], pu)) &&
         inside(&e[2], edge_at(&e[2], row[2], pu));
}

static void shade(const pk_raster_material *m, float nx, float ny, float nz, uint16_t out[3]) {
  const float len2 = nx * nx + ny * ny + nz * nz;
  float lambert = 0.0f;
  if (len2 > 0) {
    const float d = (nx * m->light[0] + ny * m->light[1] + nz * m->light[2]) / sqrtf(len2);
    lambert = d > 0 ? d : 0;
  }
  const float k = m->ambient + m->diffuse * lambert;
  out[0] = to_u16(m->albedo[0] * k);
  out[1] = to_u16(m->albedo[1] * k);
  out[2] = to_u16(m->albedo[2] * k);
}

static void draw_triangle(const pk_raster_target *t, const pk_raster_material *m,
                          screen_vertex s0, screen_vertex s1, screen_vertex s2) {
  double area = (s1.u - s0.u) * (s2.v - s0.v) - (s2.u - s0.u) * (s1.v - s0.v);
  if (!(area != 0)) return;
  if (area < 0) {
    screen_vertex tmp = s1;
    s1 = s2;
    s2 = tmp;
    area = -area;
  }
  double umin = fmin(s0.u, fmin(s1.u, s2.u)), umax = fmax(s0.u, fmax(s1.u, s2.u));
  double vmin = fmin(s0.v, fmin(s1.v, s2.v)), vmax = fmax(s0.v, fmax(s1.v, s2.v));
  /* Samples whose centres x + 0.5 lie in [umin, umax]. */
  const double x0d = fmax(ceil(umin - 0.5), 0.0), x1d = fmin(floor(umax - 0.5), t->width - 1.0);
  const double y0d = fmax(ceil(vmin - 0.5), 0.0), y1d = fmin(floor(vmax - 0.5), t->height - 1.0);
  if (x0d > x1d || y0d > y1d) return;
  const int32_t x0 = (int32_t)x0d, x1 = (int32_t)x1d, y0 = (int32_t)y0d, y1 = (int32_t)y1d;

  const edge e[3] = {make_edge(&s1, &s2), make_edge(&s2, &s0), make_edge(&s0, &s1)};
  const double inv_area = 1.0 / area;
  /* 1/Z is affine in screen space: iz(x, y) = iz_dx·(x + 0.5) + iz_row(y). */
  const double iz_dx =
      (e[0].sign * e[0].a * s0.iz + e[1].sign * e[1].a * s1.iz + e[2].sign * e[2].a * s2.iz) *
      inv_area;
  const int flat = s0.n[0] == s1.n[0] && s0.n[1] == s1.n[1] && s0.n[2] == s1.n[2] &&
                   s0.n[0] == s2.n[0] && s0.n[1] == s2.n[1] && s0.n[2] == s2.n[2];
  uint16_t flat_color[3];
  if (flat) shade(m, s0.n[0], s0.n[1], s0.n[2], flat_color);

  for (int32_t y = y0; y <= y1; y++) {
    const double pv = y + 0.5;
    const double row[3] = {edge_row(&e[0], pv), edge_row(&e[1], pv), edge_row(&e[2], pv)};
    /* The covered samples of a row form one interval. Solve each edge for it, widen by one
     * sample for rounding, then trim with the exact test so the tie rule decides the ends. */
    double lo = x0, hi = x1;
    int empty = 0;
    for (int k = 0; k < 3; k++) {
      const double slope = e[k].sign * e[k].a;
      if (slope == 0) {
        if (!inside(&e[k], edge_at(&e[k], row[k], 0.0))) empty = 1;
        continue;
      }
      const double x_zero = e[k].au - row[k] / e[k].a - 0.5;
      if (slope > 0) lo = fmax(lo, ceil(x_zero) - 1);
      else hi = fmin(hi, floor(x_zero) + 1);
    }
    if (empty || lo > hi) continue;
    int32_t xl = (int32_t)lo, xr = (int32_t)hi;
    while (xl <= xr && !covered(e, row, xl + 0.5)) xl++;
    while (xr >= xl && !covered(e, row, xr + 0.5)) xr--;
    if (xl > xr) continue;

    float *restrict depth = t->inv_depth + y * t->depth_stride;
    uint16_t *restrict ids = t->ids + y * t->id_stride;
    uint16_t *restrict red = t->color[0] + y * t->color_stride;
    uint16_t *restrict green = t->color[1] + y * t->color_stride;
    uint16_t *restrict blue = t->color[2] + y * t->color_stride;
    const double iz_row = (e[0].sign * (row[0] - e[0].a * e[0].au) * s0.iz +
                           e[1].sign * (row[1] - e[1].a * e[1].au) * s1.iz +
                           e[2].sign * (row[2] - e[2].a * e[2].au) * s2.iz) *
                          inv_area;
    if (flat) {
      /* Large flat triangles (the floor) cover most samples. Selects instead of branches
       * and planar buffers let the compiler vectorize this loop. */
      const uint16_t id = m->id, r = flat_color[0], g = flat_color[1], b = flat_color[2];
      for (int32_t x = xl; x <= xr; x++) {
        const float iz = (float)(iz_dx * (x + 0.5) + iz_row);
        const float old_iz = depth[x];
        const uint16_t old_id = ids[x], old_r = red[x], old_g = green[x], old_b = blue[x];
        const int nearer = iz > old_iz;
        depth[x] = nearer ? iz : old_iz;
        ids[x] = nearer ? id : old_id;
        red[x] = nearer ? r : old_r;
        green[x] = nearer ? g : old_g;
        blue[x] = nearer ? b : old_b;
      }
      continue;
    }
    for (int32_t x = xl; x <= xr; x++) {
      const double pu = x + 0.5;
      const float iz = (float)(iz_dx * pu + iz_row);
      if (!(iz > depth[x])) continue;
      depth[x] = iz;
      ids[x] = m->id;
      /* Perspective-correct weights are b_i/Z_i up to a common factor, which the
       * renormalization of the normal removes. */
      const float c0 = (float)(edge_at(&e[0], row[0], pu) * s0.iz),
                  c1 = (float)(edge_at(&e[1], row[1], pu) * s1.iz),
                  c2 = (float)(edge_at(&e[2], row[2], pu) * s2.iz);
      uint16_t rgb[3];
      shade(m, c0 * s0.n[0] + c1 * s1.n[0] + c2 * s2.n[0], c0 * s0.n[1] + c1 * s1.n[1] + c2 * s2.n[1],
            c0 * s0.n[2] + c1 * s1.n[2] + c2 * s2.n[2], rgb);
      red[x] = rgb[0];
      green[x] = rgb[1];
      blue[x] = rgb[2];
    }
  }
}

static screen_vertex project(const pk_raster_camera *c, const clip_vertex *v) {
  screen_vertex s;
  s.iz = 1.0 / v->p[2];
  s.u = c->fx * v->p[0] * s.iz + c->cx;
  s.v = c->fy * v->p[1] * s.iz + c->cy;
  s.n[0] = v->n[0];
  s.n[1] = v->n[1];
  s.n[2] = v->n[2];
  return s;
}

static clip_vertex lerp_vertex(const clip_vertex *a, const clip_vertex *b, double s) {
  clip_vertex r;
  for (int k = 0; k < 3; k++) {
    r.p[k] = a->p[k] + s * (b->p[k] - a->p[k]);
    r.n[k] = (float)(a->n[k] + s * (b->n[k] - a->n[k]));
  }
  return r;
}

void pk_raster_triangles(const pk_raster_target *t, const pk_raster_camera *c,
                         const double *restrict positions, const float *restrict normals,
                         const uint32_t *restrict indices, int32_t triangle_count,
                         const pk_raster_material *m) {
  for (int32_t i = 0; i < triangle_count; i++) {
    clip_vertex in[3];
    for (int k = 0; k < 3; k++) {
      const uint32_t vi = indices[3 * i + k];
      for (int j = 0; j < 3; j++) {
        in[k].p[j] = positions[3 * vi + j];
        in[k].n[j] = normals[3 * vi + j];
      }
    }
    if (m->cull_back) {
      const double ax = in[1].p[0] - in[0].p[0], ay = in[1].p[1] - in[0].p[1],
                   az = in[1].p[2] - in[0].p[2];
      const double bx = in[2].p[0] - in[0].p[0], by = in[2].p[1] - in[0].p[1],
                   bz = in[2].p[2] - in[0].p[2];
      const double nx = ay * bz - az * by, ny = az * bx - ax * bz, nz = ax * by - ay * bx;
      if (nx * in[0].p[0] + ny * in[0].p[1] + nz * in[0].p[2] >= 0) continue;
    }
    /* Sutherland–Hodgman against Z = near: a triangle becomes at most a quad. */
    clip_vertex out[4];
    int n = 0;
    for (int k = 0; k < 3; k++) {
      const clip_vertex *a = &in[k], *b = &in[(k + 1) % 3];
      const int a_in = a->p[2] >= c->near, b_in = b->p[2] >= c->near;
      if (a_in) out[n++] = *a;
      if (a_in != b_in) out[n++] = lerp_vertex(a, b, (c->near - a->p[2]) / (b->p[2] - a->p[2]));
    }
    if (n < 3) continue;
    const screen_vertex s0 = project(c, &out[0]);
    draw_triangle(t, m, s0, project(c, &out[1]), project(c, &out[2]));
    if (n == 4) draw_triangle(t, m, s0, project(c, &out[2]), project(c, &out[3]));
  }
}

void pk_srgb_encode_table(uint8_t *table) {
  for (int32_t i = 0; i < 65536; i++) {
    const double lin = i / 65535.0;
    const double s = lin <= 0.0031308 ? 12.92 * lin : 1.055 * pow(lin, 1.0 / 2.4) - 0.055;
    const double code = floor(s * 255.0 + 0.5);
    table[i] = (uint8_t)(code < 0 ? 0 : code > 255 ? 255 : code);
  }
}

/* Sums groups of f accumulated columns into pixels and encodes them. */
static inline void filter_columns(uint32_t acc[3][512], int32_t cw, int32_t f, uint64_t reciprocal,
                                  const uint8_t *table, uint8_t *restrict out) {
  const uint32_t half = (uint32_t)(f * f) / 2;
  for (int32_t x = 0; x < cw; x++) {
    for (int p = 0; p < 3; p++) {
      uint32_t sum = half;
      for (int32_t sx = 0; sx < f; sx++) sum += acc[p][x * f + sx];
      out[3 * x + p] = table[(sum * reciprocal) >> 40];
    }
  }
}

void pk_raster_resolve(const pk_raster_target *t, int32_t f, const uint16_t background[3],
                       const uint8_t *table, uint8_t *restrict rgb, ptrdiff_t rgb_stride,
                       uint16_t *restrict ids, ptrdiff_t id_stride, float *restrict depth,
                       ptrdiff_t depth_stride) {
  const int32_t w = t->width / f, h = t->height / f;
  const uint32_t n = (uint32_t)(f * f);
  /* Division by n as a multiply: with sums below 2^23 and n ≤ 64, ceil(2^40/n) gives the
   * exact quotient. */
  const uint64_t reciprocal = ((1ull << 40) + n - 1) / n;
  const int32_t mid = f / 2;
  enum { chunk = 64 };
  for (int32_t y = 0; y < h; y++) {
    uint8_t *restrict out = rgb + y * rgb_stride;
    for (int32_t x0 = 0; x0 < w; x0 += chunk) {
      const int32_t cw = w - x0 < chunk ? w - x0 : chunk, samples = cw * f;
      /* Sum the f sample rows first (contiguous, vectorizes), then groups of f columns. */
      uint32_t acc[3][512]; /* chunk × the largest factor, 8 */
      for (int p = 0; p < 3; p++)
        for (int32_t k = 0; k < samples; k++) acc[p][k] = 0;
      for (int32_t sy = 0; sy < f; sy++) {
        const ptrdiff_t row = (ptrdiff_t)(y * f + sy);
        const float *restrict d = t->inv_depth + row * t->depth_stride + x0 * f;
        for (int p = 0; p < 3; p++) {
          const uint16_t *restrict c = t->color[p] + row * t->color_stride + x0 * f;
          const uint16_t bg = background[p];
          uint32_t *restrict a = acc[p];
          for (int32_t k = 0; k < samples; k++) {
            const uint16_t drawn = c[k]; /* loaded unconditionally, so the loop vectorizes */
            a[k] += d[k] > 0 ? drawn : bg;
          }
        }
      }
      if (f == 3) /* the default; a constant f lets the compiler unroll the sums */
        filter_columns(acc, cw, 3, reciprocal, table, out + 3 * x0);
      else
        filter_columns(acc, cw, f, reciprocal, table, out + 3 * x0);
    }
    const int32_t sy = y * f + mid;
    const float *d = t->inv_depth + sy * t->depth_stride;
    if (ids) {
      const uint16_t *src = t->ids + sy * t->id_stride;
      for (int32_t x = 0; x < w; x++) ids[y * id_stride + x] = d[x * f + mid] > 0 ? src[x * f + mid] : 0;
    }
    if (depth) {
      for (int32_t x = 0; x < w; x++) {
        const float iz = d[x * f + mid];
        depth[y * depth_stride + x] = iz > 0 ? 1.0f / iz : INFINITY;
      }
    }
  }
}
