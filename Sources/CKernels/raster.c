/* raster.c — the reference engine's triangle rasterizer.
 *
 * Geometry arrives in camera coordinates (OpenCV axes: x right, y down, z forward) and is
 * projected here, so near-plane clipping happens before division by Z. Coverage and depth
 * use double precision: the floor is one large quad whose clipped vertices project millions
 * of samples off screen, where float edge functions would misplace its horizon. Shading is
 * in linear light and written per sample; the resolve pass box-filters and encodes sRGB. */
#include "CKernels.h"

#include <math.h>

void pk_raster_clear(const pk_raster_target *t, const float background[3]) {
  for (int32_t y = 0; y < t->height; y++) {
    float *restrict c = t->color + y * t->color_stride;
    float *restrict d = t->inv_depth + y * t->depth_stride;
    uint16_t *restrict id = t->ids + y * t->id_stride;
    for (int32_t x = 0; x < t->width; x++) {
      c[3 * x + 0] = background[0];
      c[3 * x + 1] = background[1];
      c[3 * x + 2] = background[2];
      d[x] = 0.0f;
      id[x] = 0;
    }
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

static void shade(const pk_raster_material *m, float nx, float ny, float nz, float out[3]) {
  const float len2 = nx * nx + ny * ny + nz * nz;
  float lambert = 0.0f;
  if (len2 > 0) {
    const float d = (nx * m->light[0] + ny * m->light[1] + nz * m->light[2]) / sqrtf(len2);
    lambert = d > 0 ? d : 0;
  }
  const float k = m->ambient + m->diffuse * lambert;
  out[0] = m->albedo[0] * k;
  out[1] = m->albedo[1] * k;
  out[2] = m->albedo[2] * k;
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

  const edge e12 = make_edge(&s1, &s2), e20 = make_edge(&s2, &s0), e01 = make_edge(&s0, &s1);
  const double inv_area = 1.0 / area;
  const int flat = s0.n[0] == s1.n[0] && s0.n[1] == s1.n[1] && s0.n[2] == s1.n[2] &&
                   s0.n[0] == s2.n[0] && s0.n[1] == s2.n[1] && s0.n[2] == s2.n[2];
  float flat_color[3];
  if (flat) shade(m, s0.n[0], s0.n[1], s0.n[2], flat_color);

  for (int32_t y = y0; y <= y1; y++) {
    const double pv = y + 0.5;
    const double r12 = edge_row(&e12, pv), r20 = edge_row(&e20, pv), r01 = edge_row(&e01, pv);
    float *restrict color = t->color + y * t->color_stride;
    float *restrict depth = t->inv_depth + y * t->depth_stride;
    uint16_t *restrict ids = t->ids + y * t->id_stride;
    for (int32_t x = x0; x <= x1; x++) {
      const double pu = x + 0.5;
      const double w0 = edge_at(&e12, r12, pu), w1 = edge_at(&e20, r20, pu),
                   w2 = edge_at(&e01, r01, pu);
      if (!(inside(&e12, w0) && inside(&e20, w1) && inside(&e01, w2))) continue;
      const double b0 = w0 * inv_area, b1 = w1 * inv_area, b2 = w2 * inv_area;
      const double iz = b0 * s0.iz + b1 * s1.iz + b2 * s2.iz;
      if (!((float)iz > depth[x])) continue;
      depth[x] = (float)iz;
      ids[x] = m->id;
      if (flat) {
        color[3 * x + 0] = flat_color[0];
        color[3 * x + 1] = flat_color[1];
        color[3 * x + 2] = flat_color[2];
      } else {
        /* Perspective-correct weights are b_i/Z_i up to a common factor, which the
         * renormalization of the normal removes. */
        const float c0 = (float)(b0 * s0.iz), c1 = (float)(b1 * s1.iz), c2 = (float)(b2 * s2.iz);
        shade(m, c0 * s0.n[0] + c1 * s1.n[0] + c2 * s2.n[0],
              c0 * s0.n[1] + c1 * s1.n[1] + c2 * s2.n[1],
              c0 * s0.n[2] + c1 * s1.n[2] + c2 * s2.n[2], color + 3 * x);
      }
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

void pk_srgb_encode_table(uint8_t *table, int32_t size) {
  for (int32_t i = 0; i < size; i++) {
    const double lin = (double)i / (size - 1);
    const double s = lin <= 0.0031308 ? 12.92 * lin : 1.055 * pow(lin, 1.0 / 2.4) - 0.055;
    const double code = floor(s * 255.0 + 0.5);
    table[i] = (uint8_t)(code < 0 ? 0 : code > 255 ? 255 : code);
  }
}

void pk_raster_resolve(const pk_raster_target *t, int32_t f, const uint8_t *table,
                       int32_t table_size, uint8_t *restrict rgb, ptrdiff_t rgb_stride,
                       uint16_t *restrict ids, ptrdiff_t id_stride, float *restrict depth,
                       ptrdiff_t depth_stride) {
  const int32_t w = t->width / f, h = t->height / f;
  const float scale = (float)(table_size - 1) / (float)(f * f);
  const int32_t mid = f / 2;
  for (int32_t y = 0; y < h; y++) {
    uint8_t *restrict out = rgb + y * rgb_stride;
    for (int32_t x = 0; x < w; x++) {
      float sum[3] = {0, 0, 0};
      for (int32_t sy = 0; sy < f; sy++) {
        const float *row = t->color + (y * f + sy) * t->color_stride + 3 * x * f;
        for (int32_t sx = 0; sx < 3 * f; sx += 3) {
          sum[0] += row[sx];
          sum[1] += row[sx + 1];
          sum[2] += row[sx + 2];
        }
      }
      for (int k = 0; k < 3; k++) {
        float v = sum[k] * scale + 0.5f;
        v = v < 0 ? 0 : v > (float)(table_size - 1) ? (float)(table_size - 1) : v;
        out[3 * x + k] = table[(int32_t)v];
      }
    }
    const int32_t sy = y * f + mid;
    if (ids) {
      const uint16_t *src = t->ids + sy * t->id_stride;
      for (int32_t x = 0; x < w; x++) ids[y * id_stride + x] = src[x * f + mid];
    }
    if (depth) {
      const float *src = t->inv_depth + sy * t->depth_stride;
      for (int32_t x = 0; x < w; x++) {
        const float iz = src[x * f + mid];
        depth[y * depth_stride + x] = iz > 0 ? 1.0f / iz : INFINITY;
      }
    }
  }
}
