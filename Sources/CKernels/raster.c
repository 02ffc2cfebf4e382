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

void pk_raster_clear(const pk_raster_target *t, const uint16_t background[3]) {
  for (int32_t y = 0; y < t->height; y++) {
    float *restrict d = t->inv_depth + y * t->depth_stride;
    for (int32_t x = 0; x < t->width; x++) d[x] = 0.0f;
    for (int p = 0; p < 3; p++) {
      uint16_t *restrict c = t->color[p] + y * t->color_stride;
      const uint16_t bg = background[p];
      for (int32_t x = 0; x < t->width; x++) c[x] = bg;
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

/* A vertex on its way through clipping: camera position, normal, texture coordinates. */
typedef struct clip_vertex {
  double p[3];
  float n[3];
  float uv[2];
} clip_vertex;

/* A screen-space vertex: sample coordinates, 1/Z, normal, texture coordinates. */
typedef struct screen_vertex {
  double u, v, iz;
  float n[3];
  float uv[2];
} screen_vertex;

/* An edge function a→b, stored so that the two triangles sharing an edge compute exactly
 * negated values: endpoints are taken in a canonical order and the sign applied after. */
typedef struct edge {
  double au, av, a, b, sign;
  int owns_ties;
} edge;

static edge make_edge(double fu, double fv, double tu, double tv) {
  edge e;
  double pu = fu, pv = fv, qu = tu, qv = tv;
  e.sign = 1.0;
  if (pu > qu || (pu == qu && pv > qv)) {
    pu = tu;
    pv = tv;
    qu = fu;
    qv = fv;
    e.sign = -1.0;
  }
  e.au = pu;
  e.av = pv;
  e.a = -(qv - pv);
  e.b = qu - pu;
  /* Exactly one of the two triangles sharing an edge traverses it with dv > 0 (or dv == 0 and
   * du < 0), so a sample exactly on the edge goes to exactly one of them. */
  const double du = tu - fu, dv = tv - fv;
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

/* The depth test: nearer than what is stored, or as near when the material wins ties (it is
 * drawn after what it would have been drawn before; see pk_raster_material). Bitwise, so
 * that the loops using it vectorize. */
static inline int passes_depth(float iz, float stored, int wins_ties) {
  return (iz > stored) | (wins_ties & (iz == stored));
}

static inline uint16_t to_u16(float v) {
  v = v * 65535.0f + 0.5f;
  return (uint16_t)(v < 0 ? 0 : v > 65535.0f ? 65535.0f : v);
}

static inline int covered(const edge e[3], const double row[3], double pu) {
  return inside(&e[0], edge_at(&e[0], row[0], pu)) && inside(&e[1], edge_at(&e[1], row[1], pu)) &&
         inside(&e[2], edge_at(&e[2], row[2], pu));
}

/* A counter-clockwise (positive area) triangle ready to scan: its edges (edge k faces vertex
 * k) and the sample rectangle its bounding box touches. */
typedef struct triangle {
  edge e[3];
  double inv_area;
  int32_t x0, x1, y0, y1;
} triangle;

/* Sets up the triangle (u[k], v[k]) of positive `area` over a width×height grid; 0 when no
 * sample centre can be inside. */
static int setup_triangle(const double u[3], const double v[3], double area, int32_t width,
                          int32_t height, triangle *t) {
  const double umin = fmin(u[0], fmin(u[1], u[2])), umax = fmax(u[0], fmax(u[1], u[2]));
  const double vmin = fmin(v[0], fmin(v[1], v[2])), vmax = fmax(v[0], fmax(v[1], v[2]));
  /* Samples whose centres x + 0.5 lie in [umin, umax]. */
  const double x0d = fmax(ceil(umin - 0.5), 0.0), x1d = fmin(floor(umax - 0.5), width - 1.0);
  const double y0d = fmax(ceil(vmin - 0.5), 0.0), y1d = fmin(floor(vmax - 0.5), height - 1.0);
  if (!(x0d <= x1d && y0d <= y1d)) return 0;
  t->x0 = (int32_t)x0d;
  t->x1 = (int32_t)x1d;
  t->y0 = (int32_t)y0d;
  t->y1 = (int32_t)y1d;
  t->e[0] = make_edge(u[1], v[1], u[2], v[2]);
  t->e[1] = make_edge(u[2], v[2], u[0], v[0]);
  t->e[2] = make_edge(u[0], v[0], u[1], v[1]);
  t->inv_area = 1.0 / area;
  return 1;
}

/* The covered samples [*xl, *xr] of the row centred at pv, and the row's edge values. The
 * covered samples of a row form one interval: solve each edge for it, widen by one sample
 * for rounding, then trim with the exact test so the tie rule decides the ends. 0 if none. */
static int row_span(const triangle *t, double pv, double row[3], int32_t *xl, int32_t *xr) {
  double lo = t->x0, hi = t->x1;
  for (int k = 0; k < 3; k++) {
    const edge *e = &t->e[k];
    row[k] = edge_row(e, pv);
    const double slope = e->sign * e->a;
    if (slope == 0) {
      if (!inside(e, edge_at(e, row[k], 0.0))) return 0;
      continue;
    }
    const double x_zero = e->au - row[k] / e->a - 0.5;
    if (slope > 0) lo = fmax(lo, ceil(x_zero) - 1);
    else hi = fmin(hi, floor(x_zero) + 1);
  }
  if (lo > hi) return 0;
  int32_t l = (int32_t)lo, r = (int32_t)hi;
  while (l <= r && !covered(t->e, row, l + 0.5)) l++;
  while (r >= l && !covered(t->e, row, r + 0.5)) r--;
  *xl = l;
  *xr = r;
  return l <= r;
}

/* A quantity interpolated linearly in sample space: q(pu, pv) = dx·pu + dy·pv + c. Given its
 * values at the three vertices, through the edge functions (barycentric weights). */
typedef struct plane {
  double dx, dy, c;
} plane;

static plane make_plane(const triangle *t, double q0, double q1, double q2) {
  const double q[3] = {q0, q1, q2};
  plane p = {0, 0, 0};
  for (int k = 0; k < 3; k++) {
    const edge *e = &t->e[k];
    const double w = e->sign * q[k] * t->inv_area;
    p.dx += w * e->a;
    p.dy += w * e->b;
    p.c += w * (-e->a * e->au - e->b * e->av);
  }
  return p;
}

static inline uint32_t hash2(int32_t x, int32_t y) {
  uint32_t h = (uint32_t)x * 0x8da6b343u ^ (uint32_t)y * 0xd8163841u;
  h ^= h >> 15;
  h *= 0x2c1b3c6du;
  h ^= h >> 12;
  h *= 0x297a2d39u;
  h ^= h >> 15;
  return h;
}

/* floor(x) for |x| < 2^63 without a libm call (baseline x86-64 has no rounding instruction). */
static inline double floor_fast(double x) {
  const double t = (double)(int64_t)x;
  return t - (t > x);
}

/* The hashed lattice values around one cell of value noise, kept between calls: the samples
 * of a pixel mostly fall in the same cell, and the four hashes cost more than the blend. */
typedef struct noise_cell {
  int valid;
  int32_t xi, yi;
  float a, b, c, d;
} noise_cell;

/* Value noise in [0, 1]: hashed lattice values, smoothly interpolated; `grad` receives its
 * partial derivatives in x and y unless NULL. `cell` caches the lattice values (start with
 * valid = 0). */
static inline __attribute__((always_inline)) float value_noise_cached(double x, double y, float grad[2], noise_cell *cell) {
  const double xf = floor_fast(x), yf = floor_fast(y);
  const int32_t xi = (int32_t)xf, yi = (int32_t)yf;
  if (!cell->valid || cell->xi != xi || cell->yi != yi) {
    const float scale = 1.0f / 4294967295.0f;
    cell->valid = 1;
    cell->xi = xi;
    cell->yi = yi;
    cell->a = hash2(xi, yi) * scale;
    cell->b = hash2(xi + 1, yi) * scale;
    cell->c = hash2(xi, yi + 1) * scale;
    cell->d = hash2(xi + 1, yi + 1) * scale;
  }
  const float fx = (float)(x - xf), fy = (float)(y - yf);
  const float sx = fx * fx * (3 - 2 * fx), sy = fy * fy * (3 - 2 * fy);
  const float a = cell->a, b = cell->b, c = cell->c, d = cell->d;
  const float top = a + (b - a) * sx, bottom = c + (d - c) * sx;
  if (grad) {
    grad[0] = ((b - a) + ((d - c) - (b - a)) * sy) * 6 * fx * (1 - fx);
    grad[1] = (bottom - top) * 6 * fy * (1 - fy);
  }
  return top + (bottom - top) * sy;
}

static float value_noise(double x, double y, float grad[2]) {
  noise_cell cell = {0, 0, 0, 0, 0, 0, 0};
  return value_noise_cached(x, y, grad, &cell);
}

/* The wood grain's ring coordinate (one band per unit) at (x, y), texture units: bands
 * across x, bent by low-frequency noise, with fine streaks along y. */
static double wood_ring(double x, double y) {
  float unused[2];
  return x + 1.2 * value_noise(x * 0.6, y * 0.15, unused) + 0.15 * value_noise(x * 4, y * 0.5, unused);
}

/* The weight of the darker wood at ring coordinate `ring`: smooth bands. */
static inline float wood_band(double ring) {
  const float f = (float)(ring - floor_fast(ring));
  const float w = fabsf(2 * f - 1);
  return w * w * (3 - 2 * w);
}

/* Width of the tiles' grout lines, in tiles. */
static const double grout = 0.08;

static inline float checker_weight(double x, double y) {
  return (float)(((int64_t)floor_fast(x) + (int64_t)floor_fast(y)) & 1);
}

static inline float tiles_weight(double x, double y) {
  return (x - floor_fast(x) < grout || y - floor_fast(y) < grout) ? 1.0f : 0.0f;
}

/* The weight of the `other` colour at (x, y), texture coordinates over texture_size. */
static float texture_weight(const pk_raster_material *m, double x, double y) {
  switch (m->texture) {
  case PK_TEXTURE_CHECKER:
    return checker_weight(x, y);
  case PK_TEXTURE_TILES:
    return tiles_weight(x, y);
  case PK_TEXTURE_WOOD:
    return wood_band(wood_ring(x, y));
  default:
    return 0.0f;
  }
}

/* The weights of `other` at the f×f samples of a pixel, row by row into w. (x, y) are the
 * texture coordinates at the pixel centre and (dx[0], dy[0]), (dx[1], dy[1]) their
 * derivatives per sample across and down there. With Q and IZ affine, q = Q/IZ at offset o
 * from the centre is exactly q_c + (∂q·o)·IZ_c/IZ(o); `iz` holds IZ per sample, `izc` at the
 * centre. Returns 1, with only w[0] set, when all samples weigh the same: the pixel lies
 * inside one checker square or tile, which is most pixels. */
static inline __attribute__((always_inline)) int
texture_pixel(const pk_raster_material *m, double x, double y, const double dx[2], const double dy[2],
              int32_t f, float izc, const float *restrict iz, float *restrict w) {
  const double half = 0.5 * (f - 1);
  if (m->texture == PK_TEXTURE_WOOD) {
    /* The wide bends (low-frequency noise) to first order from the centre; the fine streaks,
     * which set where band edges fall within a pixel, at each sample. */
    float bend_grad[2];
    const float bend = value_noise(x * 0.6, y * 0.15, bend_grad);
    /* First the samples' streak coordinates and bent rings (plain arithmetic, which the
     * compiler vectorizes), then the streaks, whose lattice lookups do not vectorize. */
    double streak_x[64], streak_y[64], ring[64];
    for (int32_t j = 0; j < f; j++)
      for (int32_t i = 0; i < f; i++) {
        const double r = izc / iz[j * f + i];
        const double ox = ((i - half) * dx[0] + (j - half) * dx[1]) * r;
        const double oy = ((i - half) * dy[0] + (j - half) * dy[1]) * r;
        const double bent = bend + 0.6 * bend_grad[0] * ox + 0.15 * bend_grad[1] * oy;
        streak_x[j * f + i] = (x + ox) * 4;
        streak_y[j * f + i] = (y + oy) * 0.5;
        ring[j * f + i] = x + ox + 1.2 * bent;
      }
    noise_cell cell = {0, 0, 0, 0, 0, 0, 0};
    for (int32_t k = 0; k < f * f; k++)
      w[k] = wood_band(ring[k] + 0.15 * value_noise_cached(streak_x[k], streak_y[k], NULL, &cell));
    return 0;
  }
  if (m->texture != PK_TEXTURE_CHECKER && m->texture != PK_TEXTURE_TILES) {
    w[0] = 0;
    return 1;
  }
  const int checker = m->texture == PK_TEXTURE_CHECKER;
  const int32_t last = f > 1 ? f - 1 : 1;
  {
    /* Most pixels lie well inside one square or tile: bound every sample's offset from the
     * centre by the largest ratio izc/iz over the corners, and when the centre is farther than
     * that from the cell's sides (and the grout), the exact test below would find one cell
     * too. The margin covers the rounding of the offsets' few operations. */
    float iz_min = iz[0];
    for (int32_t j = 0; j < f; j += last)
      for (int32_t i = 0; i < f; i += last) iz_min = iz[j * f + i] < iz_min ? iz[j * f + i] : iz_min;
    const double r_max = izc / iz_min;
    const double ex = half * (fabs(dx[0]) + fabs(dx[1])) * r_max, ey = half * (fabs(dy[0]) + fabs(dy[1])) * r_max;
    const double mx = ex * 1e-9 + fabs(x) * 1e-12, my = ey * 1e-9 + fabs(y) * 1e-12;
    const double fx = x - floor_fast(x), fy = y - floor_fast(y);
    const double low = checker ? 0 : grout;
    if (fx > low + ex + mx && fx < 1 - ex - mx && fy > low + ey + my && fy < 1 - ey - my) {
      w[0] = checker ? checker_weight(x, y) : 0;
      return 1;
    }
  }
  /* A quotient of affine functions has its extremes over the samples at the corners. */
  double xl = INFINITY, xh = -INFINITY, yl = INFINITY, yh = -INFINITY;
  for (int32_t j = 0; j < f; j += last)
    for (int32_t i = 0; i < f; i += last) {
      const double r = izc / iz[j * f + i];
      const double sx = x + ((i - half) * dx[0] + (j - half) * dx[1]) * r;
      const double sy = y + ((i - half) * dy[0] + (j - half) * dy[1]) * r;
      xl = sx < xl ? sx : xl;
      xh = sx > xh ? sx : xh;
      yl = sy < yl ? sy : yl;
      yh = sy > yh ? sy : yh;
    }
  const int one_cell = floor_fast(xl) == floor_fast(xh) && floor_fast(yl) == floor_fast(yh);
  if (checker && one_cell) {
    w[0] = checker_weight(xl, yl);
    return 1;
  }
  if (!checker && one_cell && xl - floor_fast(xl) >= grout && yl - floor_fast(yl) >= grout) {
    w[0] = 0;
    return 1;
  }
  for (int32_t j = 0; j < f; j++)
    for (int32_t i = 0; i < f; i++) {
      const double r = izc / iz[j * f + i];
      const double sx = x + ((i - half) * dx[0] + (j - half) * dx[1]) * r;
      const double sy = y + ((i - half) * dy[0] + (j - half) * dy[1]) * r;
      w[j * f + i] = checker ? checker_weight(sx, sy) : tiles_weight(sx, sy);
    }
  return 0;
}

/* The depth bias that keeps a surface at cosine ndl > 0 to the light from shadowing itself:
 * a texel plus two texels per unit of slope (at most 8). */
static double shadow_bias(const pk_shadow_map *map, float ndl) {
  double slope = sqrt(fmax(0.0, 1.0 - (double)ndl * ndl)) / ndl;
  if (slope > 8) slope = 8;
  return map->texel * (1.0 + 2.0 * slope);
}

/* The fraction of a 3×3 percentage-closer filter around the sample that sees the light.
 * (pu, pv) is the sample position and iz its 1/Z; `bias` comes from shadow_bias. */
static float shadow_lit(const pk_shadow_map *map, const pk_raster_camera *c, double inv_fx,
                        double inv_fy, double pu, double pv, double iz, double bias) {
  /* Camera coordinates of the sample, with multiplications by 1/f (see shade_samples). */
  const double z = 1.0 / iz, x = (pu - c->cx) * inv_fx * z, y = (pv - c->cy) * inv_fy * z;
  const double *M = map->from_camera;
  const double s = M[0] * x + M[1] * y + M[2] * z + M[3];
  const double t = M[4] * x + M[5] * y + M[6] * z + M[7];
  const double d = M[8] * x + M[9] * y + M[10] * z + M[11];
  if (!(s >= -1 && t >= -1 && s < map->width + 1 && t < map->height + 1)) return 1.0f;
  const double limit = d + bias;
  const int32_t si = (int32_t)floor_fast(s), ti = (int32_t)floor_fast(t);
  if (map->tiles && si >= 0 && ti >= 0 && si < map->width && ti < map->height) {
    /* The block's extremes over the filter's reach decide when every tap agrees. */
    const float *tile = map->tiles + 2 * ((ptrdiff_t)(ti >> 3) * ((map->width + 7) >> 3) + (si >> 3));
    if (limit >= tile[0]) return 1.0f;
    if (limit < tile[1] && si >= 1 && ti >= 1 && si + 1 < map->width && ti + 1 < map->height) return 0.0f;
  }
  int dark = 0;
  for (int32_t j = ti - 1; j <= ti + 1; j++) {
    if (j < 0 || j >= map->height) continue;
    const float *row = map->depth + (ptrdiff_t)j * map->width;
    for (int32_t i = si - 1; i <= si + 1; i++)
      if (i >= 0 && i < map->width && row[i] > limit) dark++;
  }
  return 1.0f - dark / 9.0f;
}

/* Samples of the row at pv whose map coordinates may fall within one texel of the shadow map,
 * as [*a, *b] inside [xl, xr] (empty when *a > *b). Map coordinates along a row are
 * (α·pu + β)/iz(pu) + γ with iz affine and positive, so each bound is one linear inequality
 * in pu; the interval is widened by a sample for rounding. Samples outside are lit. */
static void shadow_span(const pk_shadow_map *map, const pk_raster_camera *c, double iz_dx,
                        double iz_row, double pv, int32_t xl, int32_t xr, int32_t *a,
                        int32_t *b) {
  double lo = xl, hi = xr;
  const double bounds[2][2] = {{-2.0, map->width + 2.0}, {-2.0, map->height + 2.0}};
  for (int k = 0; k < 2; k++) {
    const double *M = map->from_camera + 4 * k;
    const double alpha = M[0] / c->fx;
    const double beta = -M[0] * c->cx / c->fx + M[1] * (pv - c->cy) / c->fy + M[2];
    const double gamma = M[3];
    for (int side = 0; side < 2; side++) {
      /* value ≥ low:  (α + (γ − low)·iz_dx)·pu ≥ −(β + (γ − low)·iz_row)
       * value ≤ high: ((high − γ)·iz_dx − α)·pu ≥ −((high − γ)·iz_row − β) */
      const double bound = bounds[k][side];
      const double sa = side == 0 ? alpha + (gamma - bound) * iz_dx : (bound - gamma) * iz_dx - alpha;
      const double sb = side == 0 ? -(beta + (gamma - bound) * iz_row) : -((bound - gamma) * iz_row - beta);
      if (sa > 0) lo = fmax(lo, ceil(sb / sa - 0.5) - 1);
      else if (sa < 0) hi = fmin(hi, floor(sb / sa - 0.5) + 1);
      else if (sb > 0) {
        *a = xr + 1;
        *b = xr;
        return;
      }
    }
  }
  if (!(lo <= hi)) {
    *a = xr + 1;
    *b = xr;
    return;
  }
  *a = (int32_t)lo;
  *b = (int32_t)hi;
}

static inline void shade_color(const pk_raster_material *m, const float albedo[3], float nx,
                               float ny, float nz, float lit_scale, uint16_t out[3]) {
  const float len2 = nx * nx + ny * ny + nz * nz;
  float lambert = 0.0f;
  if (len2 > 0) {
    const float d = (nx * m->light[0] + ny * m->light[1] + nz * m->light[2]) / sqrtf(len2);
    lambert = d > 0 ? d : 0;
  }
  const float k = m->ambient + m->diffuse * lambert * lit_scale;
  out[0] = to_u16(albedo[0] * k);
  out[1] = to_u16(albedo[1] * k);
  out[2] = to_u16(albedo[2] * k);
}

static inline float cosine_to_light(const pk_raster_material *m, float nx, float ny, float nz) {
  const float len2 = nx * nx + ny * ny + nz * nz;
  if (!(len2 > 0)) return 0;
  return (nx * m->light[0] + ny * m->light[1] + nz * m->light[2]) / sqrtf(len2);
}

/* Per-triangle state of the general (per-sample) shading path. */
typedef struct shading {
  const pk_raster_target *t;
  const pk_raster_material *m;
  const pk_raster_camera *c;
  int flat;
  float flat_n[3];
  float flat_cos;   /* cosine to the light of a flat triangle */
  double flat_bias; /* its shadow_bias, when it faces the light */
  plane iz, n[3], uv[2];
} shading;

/* Shades samples xa…xb of row y (centre pv) that pass the depth test; `with_shadow` says
 * whether any of them can be in the shadow map. */
static void shade_samples(const shading *sh, int32_t y, double pv, int32_t xa, int32_t xb,
                          int with_shadow) {
  const pk_raster_target *t = sh->t;
  const pk_raster_material *m = sh->m;
  float *restrict depth = t->inv_depth + y * t->depth_stride;
  uint16_t *restrict ids = t->ids ? t->ids + y * t->id_stride : NULL;
  uint16_t *restrict red = t->color[0] + y * t->color_stride;
  uint16_t *restrict green = t->color[1] + y * t->color_stride;
  uint16_t *restrict blue = t->color[2] + y * t->color_stride;
  const double iz_row = sh->iz.dy * pv + sh->iz.c;
  const double u_row = sh->uv[0].dy * pv + sh->uv[0].c, v_row = sh->uv[1].dy * pv + sh->uv[1].c;
  const int textured = m->texture != PK_TEXTURE_NONE;
  const double inv_size = 1.0 / m->texture_size, inv_fx = 1.0 / sh->c->fx, inv_fy = 1.0 / sh->c->fy;
  for (int32_t x = xa; x <= xb; x++) {
    const double pu = x + 0.5;
    const double izd = sh->iz.dx * pu + iz_row;
    const float iz = (float)izd;
    if (!passes_depth(iz, depth[x], m->wins_ties != 0)) continue;
    depth[x] = iz;
    if (ids) ids[x] = m->id;
    float w = 0;
    if (textured) {
      const double z = 1.0 / izd;
      w = texture_weight(m, (sh->uv[0].dx * pu + u_row) * z * inv_size, (sh->uv[1].dx * pu + v_row) * z * inv_size);
    }
    float ndl = sh->flat_cos;
    if (!sh->flat) {
      /* n·(1/Z) interpolates linearly; the renormalization removes the common factor. */
      float n[3];
      for (int k = 0; k < 3; k++) n[k] = (float)(sh->n[k].dx * pu + sh->n[k].dy * pv + sh->n[k].c);
      ndl = cosine_to_light(m, n[0], n[1], n[2]);
    }
    const float lambert = ndl > 0 ? ndl : 0;
    const float lit = with_shadow && lambert > 0
                          ? shadow_lit(m->shadow, sh->c, inv_fx, inv_fy, pu, pv, izd,
                                       sh->flat ? sh->flat_bias : shadow_bias(m->shadow, ndl))
                          : 1.0f;
    const float k = m->ambient + m->diffuse * lambert * lit;
    /* As shade_pixels_f mixes, so that both paths give the same colour. */
    float base[3], step[3];
    for (int p = 0; p < 3; p++) {
      base[p] = m->albedo[p] * k;
      step[p] = m->other[p] * k - base[p];
    }
    red[x] = to_u16(base[0] + step[0] * w);
    green[x] = to_u16(base[1] + step[1] * w);
    blue[x] = to_u16(base[2] + step[2] * w);
  }
}

/* Large flat untextured triangles (the floor) cover most samples. Selects instead of branches
 * and planar buffers let the compiler vectorize this loop. */
static void fill_flat(const pk_raster_target *t, int32_t y, double iz_dx, double iz_row,
                      int32_t xa, int32_t xb, uint16_t id, int wins_ties, const uint16_t color[3]) {
  if (xa > xb) return;
  float *restrict depth = t->inv_depth + y * t->depth_stride;
  uint16_t *restrict red = t->color[0] + y * t->color_stride;
  uint16_t *restrict green = t->color[1] + y * t->color_stride;
  uint16_t *restrict blue = t->color[2] + y * t->color_stride;
  const uint16_t r = color[0], g = color[1], b = color[2];
  /* 1/Z in float from the span's first sample: four lanes on plain SSE2 where doubles get two.
   * The error, a few float steps of the value at xa, is below what the float depth buffer
   * stores anyway. */
  const float iz0 = (float)(iz_dx * (xa + 0.5) + iz_row), step = (float)iz_dx;
  const int32_t n = xb - xa + 1;
  float *restrict d = depth + xa;
  if (t->ids) {
    uint16_t *restrict ids = t->ids + y * t->id_stride + xa;
    for (int32_t k = 0; k < n; k++) {
      const int nearer = passes_depth(iz0 + step * (float)k, d[k], wins_ties);
      ids[k] = nearer ? id : ids[k];
    }
  }
  uint16_t *restrict rr = red + xa, *restrict gg = green + xa, *restrict bb = blue + xa;
  for (int32_t k = 0; k < n; k++) {
    const float iz = iz0 + step * (float)k;
    const float old_iz = d[k];
    const uint16_t old_r = rr[k], old_g = gg[k], old_b = bb[k];
    const int nearer = passes_depth(iz, old_iz, wins_ties);
    d[k] = nearer ? iz : old_iz;
    rr[k] = nearer ? r : old_r;
    gg[k] = nearer ? g : old_g;
    bb[k] = nearer ? b : old_b;
  }
}

/* Shades the whole pixels p0…p1 of the pixel row whose first sample row is ya, where the
 * triangle covers every sample: lighting, shadow and texture coordinates once at the pixel
 * centre, the texture and the depth test at each sample. A pixel with no sample nearer than
 * what is stored costs only its depth tests. Only pixels whose centres lie within samples
 * sa…sb of the row look up the shadow map. */
static inline __attribute__((always_inline)) void
shade_pixels_f(const shading *sh, int32_t ya, int32_t p0, int32_t p1, int32_t sa, int32_t sb, int32_t f) {
  const pk_raster_target *t = sh->t;
  const pk_raster_material *m = sh->m;
  float *depth[8];
  uint16_t *ids[8], *rgb[3][8];
  double iz_row[8];
  for (int32_t j = 0; j < f; j++) {
    const int32_t y = ya + j;
    depth[j] = t->inv_depth + y * t->depth_stride;
    ids[j] = t->ids ? t->ids + y * t->id_stride : NULL;
    for (int p = 0; p < 3; p++) rgb[p][j] = t->color[p] + y * t->color_stride;
    iz_row[j] = sh->iz.dy * (y + 0.5) + sh->iz.c;
  }
  const double pv = ya + 0.5 * f;
  const int ties = m->wins_ties != 0;
  const double inv_size = 1.0 / m->texture_size, inv_fx = 1.0 / sh->c->fx, inv_fy = 1.0 / sh->c->fy;
  for (int32_t px = p0; px <= p1; px++) {
    const int32_t x0 = px * f;
    float iz[64];
    int nearer[64], any = 0;
    for (int32_t j = 0; j < f; j++)
      for (int32_t i = 0; i < f; i++) {
        /* The same expression as shade_samples, so both paths store the same depths. */
        const float z = (float)(sh->iz.dx * (x0 + i + 0.5) + iz_row[j]);
        iz[j * f + i] = z;
        nearer[j * f + i] = passes_depth(z, depth[j][x0 + i], ties);
        any |= nearer[j * f + i];
      }
    if (!any) continue;

    const double pu = x0 + 0.5 * f;
    const double izc = sh->iz.dx * pu + sh->iz.dy * pv + sh->iz.c;
    float ndl = sh->flat_cos;
    if (!sh->flat) {
      float nc[3];
      for (int k = 0; k < 3; k++) nc[k] = (float)(sh->n[k].dx * pu + sh->n[k].dy * pv + sh->n[k].c);
      ndl = cosine_to_light(m, nc[0], nc[1], nc[2]);
    }
    const float lambert = ndl > 0 ? ndl : 0;
    /* The centre is at sample x0 + (f − 1)/2, halfway between two when f is even. */
    const int shadowed = 2 * x0 + f - 1 >= 2 * sa && 2 * x0 + f - 1 <= 2 * sb;
    const float lit = shadowed && lambert > 0
                          ? shadow_lit(m->shadow, sh->c, inv_fx, inv_fy, pu, pv, izc,
                                       sh->flat ? sh->flat_bias : shadow_bias(m->shadow, ndl))
                          : 1.0f;
    const float k = m->ambient + m->diffuse * lambert * lit;

    float w[64];
    int uniform = 1;
    w[0] = 0;
    if (m->texture != PK_TEXTURE_NONE) {
      /* q = Q/IZ with Q and IZ affine, so ∂q/∂pu = (∂Q/∂pu − q·∂IZ/∂pu)/IZ (likewise for pv). */
      const double z = 1.0 / izc;
      const double u = (sh->uv[0].dx * pu + sh->uv[0].dy * pv + sh->uv[0].c) * z;
      const double v = (sh->uv[1].dx * pu + sh->uv[1].dy * pv + sh->uv[1].c) * z;
      const double du[2] = {(sh->uv[0].dx - u * sh->iz.dx) * z * inv_size, (sh->uv[0].dy - u * sh->iz.dy) * z * inv_size};
      const double dv[2] = {(sh->uv[1].dx - v * sh->iz.dx) * z * inv_size, (sh->uv[1].dy - v * sh->iz.dy) * z * inv_size};
      uniform = texture_pixel(m, u * inv_size, v * inv_size, du, dv, f, (float)izc, iz, w);
    }
    /* albedo·k + (other·k − albedo·k)·w, the same expression as shade_samples. */
    float base[3], step[3];
    for (int p = 0; p < 3; p++) {
      base[p] = m->albedo[p] * k;
      step[p] = m->other[p] * k - base[p];
    }
    uint16_t color[3];
    for (int p = 0; p < 3; p++) color[p] = to_u16(base[p] + step[p] * w[0]);
    for (int32_t j = 0; j < f; j++)
      for (int32_t i = 0; i < f; i++) {
        const int32_t s = j * f + i, x = x0 + i;
        if (!nearer[s]) continue;
        if (!uniform)
          for (int p = 0; p < 3; p++) color[p] = to_u16(base[p] + step[p] * w[s]);
        depth[j][x] = iz[s];
        if (ids[j]) ids[j][x] = m->id;
        for (int p = 0; p < 3; p++) rgb[p][j][x] = color[p];
      }
  }
}

static void shade_pixels(const shading *sh, int32_t ya, int32_t p0, int32_t p1, int32_t sa, int32_t sb) {
  /* The default 3×3 supersampling as a constant, so that the sample loops unroll. */
  if (sh->t->samples_per_pixel == 3) shade_pixels_f(sh, ya, p0, p1, sa, sb, 3);
  else shade_pixels_f(sh, ya, p0, p1, sa, sb, sh->t->samples_per_pixel);
}

/* Shades samples lo…hi of row y (centre pv) one by one, as covered samples at a triangle's
 * edge. A flat triangle looks up the shadow map only where its map coordinates can fall
 * inside, and without texture fills the rest in one vectorized pass. */
static void shade_row(const shading *sh, int32_t y, double pv, int32_t lo, int32_t hi,
                      int shadowed, const uint16_t *flat_color) {
  if (lo > hi) return;
  if (!sh->flat) {
    shade_samples(sh, y, pv, lo, hi, shadowed);
    return;
  }
  const pk_raster_target *t = sh->t;
  const double iz_row = sh->iz.dy * pv + sh->iz.c;
  int32_t a = hi + 1, b = hi;
  if (shadowed) shadow_span(sh->m->shadow, sh->c, sh->iz.dx, iz_row, pv, lo, hi, &a, &b);
  if (a > b) {
    a = hi + 1;
    b = hi;
  }
  if (flat_color) fill_flat(t, y, sh->iz.dx, iz_row, lo, a - 1, sh->m->id, sh->m->wins_ties != 0, flat_color);
  else shade_samples(sh, y, pv, lo, a - 1, 0);
  shade_samples(sh, y, pv, a, b, 1);
  if (flat_color) fill_flat(t, y, sh->iz.dx, iz_row, b + 1, hi, sh->m->id, sh->m->wins_ties != 0, flat_color);
  else shade_samples(sh, y, pv, b + 1, hi, 0);
}

static void draw_triangle(const pk_raster_target *t, const pk_raster_camera *c,
                          const pk_raster_material *m, screen_vertex s0, screen_vertex s1,
                          screen_vertex s2) {
  double area = (s1.u - s0.u) * (s2.v - s0.v) - (s2.u - s0.u) * (s1.v - s0.v);
  if (!(area != 0)) return;
  if (area < 0) {
    screen_vertex tmp = s1;
    s1 = s2;
    s2 = tmp;
    area = -area;
  }
  const double us[3] = {s0.u, s1.u, s2.u}, vs[3] = {s0.v, s1.v, s2.v};
  triangle tri;
  if (!setup_triangle(us, vs, area, t->width, t->height, &tri)) return;

  shading sh;
  sh.t = t;
  sh.m = m;
  sh.c = c;
  sh.iz = make_plane(&tri, s0.iz, s1.iz, s2.iz);
  sh.flat = s0.n[0] == s1.n[0] && s0.n[1] == s1.n[1] && s0.n[2] == s1.n[2] &&
            s0.n[0] == s2.n[0] && s0.n[1] == s2.n[1] && s0.n[2] == s2.n[2];
  for (int k = 0; k < 3; k++) {
    sh.flat_n[k] = s0.n[k];
    if (!sh.flat) sh.n[k] = make_plane(&tri, s0.n[k] * s0.iz, s1.n[k] * s1.iz, s2.n[k] * s2.iz);
  }
  sh.uv[0] = sh.uv[1] = (plane){0, 0, 0};
  if (m->texture != PK_TEXTURE_NONE)
    for (int k = 0; k < 2; k++)
      sh.uv[k] = make_plane(&tri, s0.uv[k] * s0.iz, s1.uv[k] * s1.iz, s2.uv[k] * s2.iz);
  sh.flat_cos = cosine_to_light(m, s0.n[0], s0.n[1], s0.n[2]);
  /* Shadows matter only where the surface faces the light. */
  const int shadowed = m->shadow && (!sh.flat || sh.flat_cos > 0);
  sh.flat_bias = shadowed && sh.flat ? shadow_bias(m->shadow, sh.flat_cos) : 0;

  if (sh.flat && m->texture == PK_TEXTURE_NONE) {
    /* One colour for the whole triangle outside the shadow map: filled row by row. */
    uint16_t flat_color[3];
    shade_color(m, m->albedo, s0.n[0], s0.n[1], s0.n[2], 1.0f, flat_color);
    for (int32_t y = tri.y0; y <= tri.y1; y++) {
      double row[3];
      int32_t xl, xr;
      if (row_span(&tri, y + 0.5, row, &xl, &xr)) shade_row(&sh, y, y + 0.5, xl, xr, shadowed, flat_color);
    }
    return;
  }

  /* Pixel row by pixel row: the pixels whose samples are all covered are shaded once each,
   * the covered samples left at the edges one by one. */
  const int32_t f = t->samples_per_pixel;
  for (int32_t ya = tri.y0 - tri.y0 % f; ya <= tri.y1; ya += f) {
    int32_t xl[8], xr[8], has[8];
    int32_t lo = 0, hi = t->width - 1, whole = 1;
    for (int32_t j = 0; j < f; j++) {
      const int32_t y = ya + j;
      double row[3];
      has[j] = y >= tri.y0 && y <= tri.y1 && row_span(&tri, y + 0.5, row, &xl[j], &xr[j]);
      if (!has[j]) {
        whole = 0;
        continue;
      }
      lo = xl[j] > lo ? xl[j] : lo;
      hi = xr[j] < hi ? xr[j] : hi;
    }
    /* Pixels p0…p1 lie inside every row's span (all sample indices are non-negative). */
    const int32_t p0 = (lo + f - 1) / f, p1 = whole ? (hi + 1) / f - 1 : p0 - 1;
    for (int32_t j = 0; j < f; j++) {
      if (!has[j]) continue;
      const int32_t y = ya + j;
      if (p0 > p1) {
        shade_row(&sh, y, y + 0.5, xl[j], xr[j], shadowed, NULL);
        continue;
      }
      shade_row(&sh, y, y + 0.5, xl[j], p0 * f - 1, shadowed, NULL);
      shade_row(&sh, y, y + 0.5, (p1 + 1) * f, xr[j], shadowed, NULL);
    }
    if (p0 > p1) continue;
    /* Pixel centres that can fall within the shadow map, found as for a row of samples. */
    int32_t sa = p0 * f, sb = p1 * f + f - 1;
    if (!shadowed) sa = sb + 1;
    else if (sh.flat) {
      const double pv = ya + 0.5 * f;
      shadow_span(m->shadow, c, sh.iz.dx, sh.iz.dy * pv + sh.iz.c, pv, sa, sb, &sa, &sb);
    }
    shade_pixels(&sh, ya, p0, p1, sa, sb);
  }
}

static screen_vertex project(const pk_raster_camera *c, const clip_vertex *v) {
  screen_vertex s;
  s.iz = 1.0 / v->p[2];
  s.u = c->fx * v->p[0] * s.iz + c->cx;
  s.v = c->fy * v->p[1] * s.iz + c->cy;
  for (int k = 0; k < 3; k++) s.n[k] = v->n[k];
  s.uv[0] = v->uv[0];
  s.uv[1] = v->uv[1];
  return s;
}

static clip_vertex lerp_vertex(const clip_vertex *a, const clip_vertex *b, double s) {
  clip_vertex r;
  for (int k = 0; k < 3; k++) {
    r.p[k] = a->p[k] + s * (b->p[k] - a->p[k]);
    r.n[k] = (float)(a->n[k] + s * (b->n[k] - a->n[k]));
  }
  for (int k = 0; k < 2; k++) r.uv[k] = (float)(a->uv[k] + s * (b->uv[k] - a->uv[k]));
  return r;
}

/* Gathers triangle i; returns 0 when back-face culling (if asked) drops it. */
static int gather(const double *restrict positions, const float *restrict normals,
                  const float *restrict uvs, const uint32_t *restrict indices, int32_t i,
                  int cull_back, clip_vertex in[3]) {
  for (int k = 0; k < 3; k++) {
    const uint32_t vi = indices[3 * i + k];
    for (int j = 0; j < 3; j++) {
      in[k].p[j] = positions[3 * vi + j];
      in[k].n[j] = normals ? normals[3 * vi + j] : 0.0f;
    }
    in[k].uv[0] = uvs ? uvs[2 * vi] : 0.0f;
    in[k].uv[1] = uvs ? uvs[2 * vi + 1] : 0.0f;
  }
  if (!cull_back) return 1;
  const double ax = in[1].p[0] - in[0].p[0], ay = in[1].p[1] - in[0].p[1],
               az = in[1].p[2] - in[0].p[2];
  const double bx = in[2].p[0] - in[0].p[0], by = in[2].p[1] - in[0].p[1],
               bz = in[2].p[2] - in[0].p[2];
  const double nx = ay * bz - az * by, ny = az * bx - ax * bz, nz = ax * by - ay * bx;
  return nx * in[0].p[0] + ny * in[0].p[1] + nz * in[0].p[2] < 0;
}

/* Sutherland–Hodgman against Z = near: a triangle becomes at most a quad. Returns the
 * number of vertices written to `out` (fewer than 3: nothing left). */
static int clip_near(const clip_vertex in[3], double near, clip_vertex out[4]) {
  int n = 0;
  for (int k = 0; k < 3; k++) {
    const clip_vertex *a = &in[k], *b = &in[(k + 1) % 3];
    const int a_in = a->p[2] >= near, b_in = b->p[2] >= near;
    if (a_in) out[n++] = *a;
    if (a_in != b_in) out[n++] = lerp_vertex(a, b, (near - a->p[2]) / (b->p[2] - a->p[2]));
  }
  return n;
}

void pk_raster_triangles(const pk_raster_target *t, const pk_raster_camera *c,
                         const double *restrict positions, const float *restrict normals,
                         const float *restrict uvs, const uint32_t *restrict indices,
                         int32_t triangle_count, const pk_raster_material *m) {
  for (int32_t i = 0; i < triangle_count; i++) {
    clip_vertex in[3], out[4];
    if (!gather(positions, normals, uvs, indices, i, m->cull_back, in)) continue;
    const int n = clip_near(in, c->near, out);
    if (n < 3) continue;
    const screen_vertex s0 = project(c, &out[0]);
    draw_triangle(t, c, m, s0, project(c, &out[1]), project(c, &out[2]));
    if (n == 4) draw_triangle(t, c, m, s0, project(c, &out[2]), project(c, &out[3]));
  }
}

/* Marks with 1 the cells of a width×height byte grid whose centres the triangle covers. */
static void mark_triangle(double u[3], double v[3], int32_t width, int32_t height,
                          uint8_t *restrict cells) {
  double area = (u[1] - u[0]) * (v[2] - v[0]) - (u[2] - u[0]) * (v[1] - v[0]);
  if (!(area != 0)) return;
  if (area < 0) {
    double tu = u[1], tv = v[1];
    u[1] = u[2];
    v[1] = v[2];
    u[2] = tu;
    v[2] = tv;
    area = -area;
  }
  triangle tri;
  if (!setup_triangle(u, v, area, width, height, &tri)) return;
  for (int32_t y = tri.y0; y <= tri.y1; y++) {
    double row[3];
    int32_t xl, xr;
    if (!row_span(&tri, y + 0.5, row, &xl, &xr)) continue;
    for (int32_t x = xl; x <= xr; x++) cells[(ptrdiff_t)y * width + x] = 1;
  }
}

int64_t pk_raster_coverage(const pk_raster_camera *c, const double *restrict positions,
                           const uint32_t *restrict indices, int32_t triangle_count, int32_t x0,
                           int32_t y0, int32_t width, int32_t height, uint8_t *restrict scratch) {
  for (ptrdiff_t k = 0; k < (ptrdiff_t)width * height; k++) scratch[k] = 0;
  pk_raster_camera window = *c;
  window.cx -= x0;
  window.cy -= y0;
  for (int32_t i = 0; i < triangle_count; i++) {
    clip_vertex in[3], out[4];
    gather(positions, NULL, NULL, indices, i, 0, in);
    const int n = clip_near(in, c->near, out);
    for (int k = 1; k + 1 < n; k++) {
      const screen_vertex a = project(&window, &out[0]), b = project(&window, &out[k]),
                          d = project(&window, &out[k + 1]);
      double u[3] = {a.u, b.u, d.u}, v[3] = {a.v, b.v, d.v};
      mark_triangle(u, v, width, height, scratch);
    }
  }
  int64_t count = 0;
  for (ptrdiff_t k = 0; k < (ptrdiff_t)width * height; k++) count += scratch[k];
  return count;
}

void pk_shadow_clear(const pk_shadow_map *map) {
  for (ptrdiff_t k = 0; k < (ptrdiff_t)map->width * map->height; k++) map->depth[k] = -INFINITY;
}

void pk_shadow_summarize(const pk_shadow_map *map) {
  if (!map->tiles) return;
  const int32_t w = map->width, h = map->height, tw = (w + 7) >> 3, th = (h + 7) >> 3;
  for (int32_t ty = 0; ty < th; ty++)
    for (int32_t tx = 0; tx < tw; tx++) {
      const int32_t x0 = tx * 8 > 0 ? tx * 8 - 1 : 0, x1 = tx * 8 + 9 < w ? tx * 8 + 9 : w;
      const int32_t y0 = ty * 8 > 0 ? ty * 8 - 1 : 0, y1 = ty * 8 + 9 < h ? ty * 8 + 9 : h;
      float hi = -INFINITY, lo = INFINITY;
      for (int32_t y = y0; y < y1; y++) {
        const float *row = map->depth + (ptrdiff_t)y * w;
        for (int32_t x = x0; x < x1; x++) {
          hi = row[x] > hi ? row[x] : hi;
          lo = row[x] < lo ? row[x] : lo;
        }
      }
      map->tiles[2 * ((ptrdiff_t)ty * tw + tx)] = hi;
      map->tiles[2 * ((ptrdiff_t)ty * tw + tx) + 1] = lo;
    }
}

void pk_shadow_triangles(const pk_shadow_map *map, const double *restrict p,
                         const uint32_t *restrict indices, int32_t triangle_count) {
  for (int32_t i = 0; i < triangle_count; i++) {
    const uint32_t a = indices[3 * i], b = indices[3 * i + 1], d = indices[3 * i + 2];
    double u[3] = {p[3 * a], p[3 * b], p[3 * d]}, v[3] = {p[3 * a + 1], p[3 * b + 1], p[3 * d + 1]};
    double h[3] = {p[3 * a + 2], p[3 * b + 2], p[3 * d + 2]};
    double area = (u[1] - u[0]) * (v[2] - v[0]) - (u[2] - u[0]) * (v[1] - v[0]);
    if (!(area != 0)) continue;
    if (area < 0) {
      double tu = u[1], tv = v[1], th = h[1];
      u[1] = u[2];
      v[1] = v[2];
      h[1] = h[2];
      u[2] = tu;
      v[2] = tv;
      h[2] = th;
      area = -area;
    }
    triangle tri;
    if (!setup_triangle(u, v, area, map->width, map->height, &tri)) continue;
    const plane height = make_plane(&tri, h[0], h[1], h[2]);
    for (int32_t y = tri.y0; y <= tri.y1; y++) {
      const double pv = y + 0.5;
      double row[3];
      int32_t xl, xr;
      if (!row_span(&tri, pv, row, &xl, &xr)) continue;
      float *restrict out = map->depth + (ptrdiff_t)y * map->width;
      const double h_row = height.dy * pv + height.c;
      for (int32_t x = xl; x <= xr; x++) {
        const float value = (float)(height.dx * (x + 0.5) + h_row);
        out[x] = value > out[x] ? value : out[x];
      }
    }
  }
}

void pk_scale_brightness(uint8_t *restrict rgb, size_t count, double gain, const uint8_t *table) {
  uint8_t map[256];
  for (int code = 0; code < 256; code++) {
    const double c = code / 255.0;
    const double lin = c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
    const double v = floor(lin * gain * 65535.0 + 0.5);
    map[code] = table[(int32_t)(v < 0 ? 0 : v > 65535 ? 65535 : v)];
  }
  for (size_t k = 0; k < count; k++) rgb[k] = map[rgb[k]];
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
  uint16_t mean[3][64];
  for (int p = 0; p < 3; p++) {
    if (f == 3) {
      /* For 3×3 samples the sums stay below 2^20, where multiplying by ceil(2^32/9) and
       * shifting by 32 divides exactly; a 32×32→64-bit multiply vectorizes on plain SSE2. */
      for (int32_t x = 0; x < cw; x++) {
        const uint32_t sum = half + acc[p][3 * x] + acc[p][3 * x + 1] + acc[p][3 * x + 2];
        mean[p][x] = (uint16_t)(((uint64_t)sum * 477218589u) >> 32);
      }
    } else {
      for (int32_t x = 0; x < cw; x++) {
        uint32_t sum = half;
        for (int32_t sx = 0; sx < f; sx++) sum += acc[p][x * f + sx];
        mean[p][x] = (uint16_t)((sum * reciprocal) >> 40);
      }
    }
  }
  for (int32_t x = 0; x < cw; x++) {
    out[3 * x] = table[mean[0][x]];
    out[3 * x + 1] = table[mean[1][x]];
    out[3 * x + 2] = table[mean[2][x]];
  }
}

void pk_raster_resolve(const pk_raster_target *t, int32_t f, const uint8_t *table,
                       uint8_t *restrict rgb, ptrdiff_t rgb_stride, uint16_t *restrict ids, ptrdiff_t id_stride, float *restrict depth,
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
      for (int p = 0; p < 3; p++) {
        const uint16_t *restrict c = t->color[p] + (ptrdiff_t)y * f * t->color_stride + x0 * f;
        const ptrdiff_t s1 = t->color_stride;
        uint32_t *restrict a = acc[p];
        if (f == 3) { /* the default: one pass, no read-modify-write of the sums */
          for (int32_t k = 0; k < samples; k++) a[k] = (uint32_t)c[k] + c[k + s1] + c[k + 2 * s1];
          continue;
        }
        for (int32_t k = 0; k < samples; k++) a[k] = c[k];
        for (int32_t sy = 1; sy < f; sy++)
          for (int32_t k = 0; k < samples; k++) a[k] += c[k + sy * s1];
      }
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
