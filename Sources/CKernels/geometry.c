#include "CKernels.h"

#include <math.h>
#include <string.h>

/* Two-view geometry: a Jacobi eigen-solver, the normalised eight-point algorithm, RANSAC,
 * Sampson distance and the essential-matrix decomposition. The contracts are in CKernels.h.
 * Everything is in double: these systems are tiny and badly scaled before normalisation. */

int pk_jacobi_eigen(double *restrict a, int n, double *restrict values, double *restrict vectors) {
  double V[81];
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) V[i * n + j] = i == j ? 1.0 : 0.0;
  int sweep = 0;
  for (; sweep < 60; sweep++) {
    double off = 0, total = 0;
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) {
        double v = a[i * n + j] * a[i * n + j];
        total += v;
        if (i != j) off += v;
      }
    if (off <= 1e-30 * total || off == 0) break;
    for (int p = 0; p < n - 1; p++)
      for (int q = p + 1; q < n; q++) {
        double apq = a[p * n + q];
        if (apq == 0) continue;
        /* The rotation that zeroes a[p][q] (Numerical Recipes' stable form). */
        double theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        double t = (theta >= 0 ? 1.0 : -1.0) / (fabs(theta) + sqrt(theta * theta + 1));
        double c = 1 / sqrt(t * t + 1), s = t * c;
        for (int k = 0; k < n; k++) {
          double akp = a[k * n + p], akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (int k = 0; k < n; k++) {
          double apk = a[p * n + k], aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (int k = 0; k < n; k++) {
          double vkp = V[k * n + p], vkq = V[k * n + q];
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
  }
  int order[9];
  for (int i = 0; i < n; i++) order[i] = i;
  for (int i = 1; i < n; i++) /* insertion sort by eigenvalue, ascending */
    for (int k = i; k > 0 && a[order[k] * n + order[k]] < a[order[k - 1] * n + order[k - 1]]; k--) {
      int tmp = order[k];
      order[k] = order[k - 1];
      order[k - 1] = tmp;
    }
  for (int k = 0; k < n; k++) {
    values[k] = a[order[k] * n + order[k]];
    for (int i = 0; i < n; i++) vectors[k * n + i] = V[i * n + order[k]];
  }
  return sweep;
}

static void pk__mul3(const double A[9], const double B[9], double C[9]) {
  double T[9];
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      T[i * 3 + j] = A[i * 3] * B[j] + A[i * 3 + 1] * B[3 + j] + A[i * 3 + 2] * B[6 + j];
  memcpy(C, T, sizeof T);
}

static void pk__transpose3(const double A[9], double T[9]) {
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) T[j * 3 + i] = A[i * 3 + j];
}

static void pk__cross(const double a[3], const double b[3], double c[3]) {
  c[0] = a[1] * b[2] - a[2] * b[1];
  c[1] = a[2] * b[0] - a[0] * b[2];
  c[2] = a[0] * b[1] - a[1] * b[0];
}

/* Hartley's similarity: centroid to the origin, mean distance √2. Returns 0 if all coincide. */
static int pk__normaliser(const double *pts, const int32_t *idx, int n, double T[9]) {
  double cx = 0, cy = 0, d = 0;
  for (int k = 0; k < n; k++) {
    int i = idx ? idx[k] : k;
    cx += pts[2 * i];
    cy += pts[2 * i + 1];
  }
  cx /= n;
  cy /= n;
  for (int k = 0; k < n; k++) {
    int i = idx ? idx[k] : k;
    d += hypot(pts[2 * i] - cx, pts[2 * i + 1] - cy);
  }
  d /= n;
  if (!(d > 0)) return 0;
  double s = sqrt(2.0) / d;
  double M[9] = {s, 0, -s * cx, 0, s, -s * cy, 0, 0, 1};
  memcpy(T, M, sizeof M);
  return 1;
}

int pk_fundamental_eight_point(const double *restrict x1, const double *restrict x2,
                               const int32_t *restrict idx, int n_idx, int count,
                               const double *restrict weights, double F[9]) {
  int n = idx ? n_idx : count;
  double T1[9], T2[9];
  if (n < 8 || !pk__normaliser(x1, idx, n, T1) || !pk__normaliser(x2, idx, n, T2)) return 0;
  double AtA[81] = {0};
  for (int k = 0; k < n; k++) {
    int i = idx ? idx[k] : k;
    double u1 = T1[0] * x1[2 * i] + T1[2], v1 = T1[4] * x1[2 * i + 1] + T1[5];
    double u2 = T2[0] * x2[2 * i] + T2[2], v2 = T2[4] * x2[2 * i + 1] + T2[5];
    double r[9] = {u2 * u1, u2 * v1, u2, v2 * u1, v2 * v1, v2, u1, v1, 1};
    double w = weights ? weights[i] * weights[i] : 1.0;
    for (int a = 0; a < 9; a++)
      for (int b = a; b < 9; b++) AtA[a * 9 + b] += w * r[a] * r[b];
  }
  for (int a = 0; a < 9; a++)
    for (int b = 0; b < a; b++) AtA[a * 9 + b] = AtA[b * 9 + a];
  double values[9], vectors[81];
  pk_jacobi_eigen(AtA, 9, values, vectors);
  /* A second null direction means the points do not pin F down (too few distinct, or a
   * critical configuration). */
  if (values[1] <= 1e-13 * values[8]) return 0;
  double G[9];
  memcpy(G, vectors, sizeof G);
  /* Rank 2: F ← F(I − v vᵀ) with v the right singular vector of the smallest singular value,
   * i.e. the eigenvector of FᵀF with the smallest eigenvalue. */
  double Gt[9], GtG[9], ev[3], evec[9];
  pk__transpose3(G, Gt);
  pk__mul3(Gt, G, GtG);
  pk_jacobi_eigen(GtG, 3, ev, evec);
  const double *v = evec;
  double P[9];
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) P[i * 3 + j] = (i == j ? 1.0 : 0.0) - v[i] * v[j];
  pk__mul3(G, P, G);
  double T2t[9];
  pk__transpose3(T2, T2t);
  pk__mul3(T2t, G, G);
  pk__mul3(G, T1, G);
  double norm = 0;
  for (int i = 0; i < 9; i++) norm += G[i] * G[i];
  norm = sqrt(norm);
  if (!(norm > 0)) return 0;
  for (int i = 0; i < 9; i++) F[i] = G[i] / norm;
  return 1;
}

/* The Sampson distance of one correspondence; `den` (may be NULL) receives the squared norm of
 * the algebraic error's gradient, the distance's denominator. */
static double pk__sampson_den(const double F[9], const double *p1, const double *p2, double *den_out) {
  double a = p1[0], b = p1[1], c = p2[0], d = p2[1];
  double f0 = F[0] * a + F[1] * b + F[2], f1 = F[3] * a + F[4] * b + F[5],
         f2 = F[6] * a + F[7] * b + F[8];
  double g0 = F[0] * c + F[3] * d + F[6], g1 = F[1] * c + F[4] * d + F[7];
  double e = c * f0 + d * f1 + f2;
  double den = f0 * f0 + f1 * f1 + g0 * g0 + g1 * g1;
  if (den_out) *den_out = den;
  return den > 0 ? fabs(e) / sqrt(den) : INFINITY;
}

int pk_fundamental_refine(const double *restrict x1, const double *restrict x2,
                          const int32_t *restrict idx, int n_idx, int count, int rounds,
                          double F[9], double *restrict scratch) {
  double G[9];
  memcpy(G, F, sizeof G);
  int n = idx ? n_idx : count;
  for (int r = 0; r < rounds; r++) {
    for (int k = 0; k < n; k++) {
      int i = idx ? idx[k] : k;
      double den;
      pk__sampson_den(G, x1 + 2 * i, x2 + 2 * i, &den);
      scratch[i] = den > 0 ? 1 / sqrt(den) : 0;
    }
    if (!pk_fundamental_eight_point(x1, x2, idx, n_idx, count, scratch, G)) return 0;
  }
  memcpy(F, G, sizeof G);
  return 1;
}

void pk_sampson_errors(const double F[9], const double *restrict x1, const double *restrict x2,
                       int count, double *restrict out) {
  for (int i = 0; i < count; i++) out[i] = pk__sampson_den(F, x1 + 2 * i, x2 + 2 * i, NULL);
}

static uint64_t pk__splitmix64(uint64_t *state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static int pk__count_inliers(const double F[9], const double *x1, const double *x2, int count,
                             double threshold, double *err) {
  pk_sampson_errors(F, x1, x2, count, err);
  int n = 0;
  for (int i = 0; i < count; i++) n += err[i] < threshold;
  return n;
}

/* MSAC's cost of F: each correspondence's squared Sampson error, capped at threshold². Unlike
 * the inlier count it prefers, of two models keeping as many points, the one that fits them
 * better: with near-degenerate scenes (a dolly towards a mostly planar floor) many models keep
 * most points under the threshold, and counting alone picks a poor one. */
static double pk__msac_cost(const double F[9], const double *x1, const double *x2, int count,
                            double threshold, double *err, int *inlier_count) {
  pk_sampson_errors(F, x1, x2, count, err);
  double cost = 0, cap = threshold * threshold;
  int n = 0;
  for (int i = 0; i < count; i++) {
    double e2 = err[i] * err[i];
    n += err[i] < threshold;
    cost += e2 < cap ? e2 : cap;
  }
  *inlier_count = n;
  return cost;
}

/* Local optimisation of a RANSAC model (LO-RANSAC): Sampson-weighted least squares on its
 * consensus set, up to four times, each refit kept only when it lowers the cost (a refit can
 * drift when the consensus still holds a few outliers). An eight-point sample fits noisy
 * points poorly, so without this the adaptive stop can end on a model that keeps too few. */
static double pk__refit(double F[9], double cost, const double *x1, const double *x2, int count,
                        double threshold, int32_t *idx, double *err, int *inlier_count) {
  double model[9];
  for (int round = 0; round < 4; round++) {
    pk__count_inliers(F, x1, x2, count, threshold, err);
    int m = 0;
    for (int i = 0; i < count; i++)
      if (err[i] < threshold) idx[m++] = i;
    if (m < 8 || !pk_fundamental_eight_point(x1, x2, idx, m, count, NULL, model)) break;
    pk_fundamental_refine(x1, x2, idx, m, count, 3, model, err);
    int n;
    double refit = pk__msac_cost(model, x1, x2, count, threshold, err, &n);
    if (!(refit < cost)) break;
    cost = refit;
    *inlier_count = n;
    memcpy(F, model, 9 * sizeof(double));
  }
  return cost;
}

int pk_fundamental_ransac(const double *restrict x1, const double *restrict x2, int count,
                          double threshold, double confidence, int max_iterations, uint64_t seed,
                          double F[9], uint8_t *restrict inliers, int32_t *restrict scratch_idx,
                          double *restrict scratch_err) {
  if (count < 8) return 0;
  uint64_t state = seed;
  double best[9], model[9];
  double best_cost = INFINITY;
  int best_count = 0;
  long needed = max_iterations;
  for (long it = 0; it < needed; it++) {
    int32_t sample[8];
    for (int k = 0; k < 8; k++) {
      int32_t pick;
      int fresh;
      do {
        pick = (int32_t)(((pk__splitmix64(&state) >> 32) * (uint64_t)count) >> 32);
        fresh = 1;
        for (int j = 0; j < k; j++) fresh &= sample[j] != pick;
      } while (!fresh);
      sample[k] = pick;
    }
    if (!pk_fundamental_eight_point(x1, x2, sample, 8, count, NULL, model)) continue;
    int n;
    double cost = pk__msac_cost(model, x1, x2, count, threshold, scratch_err, &n);
    if (!(cost < best_cost)) continue;
    cost = pk__refit(model, cost, x1, x2, count, threshold, scratch_idx, scratch_err, &n);
    best_cost = cost;
    memcpy(best, model, sizeof best);
    if (n > best_count) {
      best_count = n;
      double w8 = pow((double)n / count, 8);
      if (w8 >= 1) {
        needed = it + 1;
      } else if (w8 > 0) {
        double k = log(1 - confidence) / log(1 - w8);
        if (k < (double)needed) needed = (long)ceil(k);
      }
    }
  }
  if (best_count < 8) return 0;
  best_count = pk__count_inliers(best, x1, x2, count, threshold, scratch_err);
  for (int i = 0; i < count; i++) inliers[i] = scratch_err[i] < threshold;
  memcpy(F, best, sizeof best);
  return best_count;
}

void pk_essential_from_fundamental(const double F[9], const double K1[9], const double K2[9],
                                   double E[9]) {
  double K2t[9];
  pk__transpose3(K2, K2t);
  pk__mul3(K2t, F, E);
  pk__mul3(E, K1, E);
}

/* Points in front of both cameras for pose (R, t), each depth found along the first ray:
 * z₂·x₂ = z₁·R·x₁ + t, crossed with x₂, gives z₁ in closed form. */
static int pk__in_front(const double R[9], const double t[3], const double *n1, const double *n2,
                        const uint8_t *mask, int count) {
  int front = 0;
  for (int i = 0; i < count; i++) {
    if (mask && !mask[i]) continue;
    double a[3] = {n1[2 * i], n1[2 * i + 1], 1}, b[3] = {n2[2 * i], n2[2 * i + 1], 1};
    double Ra[3] = {R[0] * a[0] + R[1] * a[1] + R[2], R[3] * a[0] + R[4] * a[1] + R[5],
                    R[6] * a[0] + R[7] * a[1] + R[8]};
    double w[3], z[3];
    pk__cross(b, Ra, w);
    pk__cross(b, t, z);
    double ww = w[0] * w[0] + w[1] * w[1] + w[2] * w[2];
    if (!(ww > 0)) continue;
    double z1 = -(w[0] * z[0] + w[1] * z[1] + w[2] * z[2]) / ww;
    double z2 = z1 * Ra[2] + t[2];
    front += z1 > 0 && z2 > 0;
  }
  return front;
}

int pk_essential_decompose(const double E[9], const double *restrict n1,
                           const double *restrict n2, const uint8_t *restrict mask, int count,
                           double R[9], double t[3]) {
  double Et[9], EtE[9], values[3], vecs[9];
  pk__transpose3(E, Et);
  pk__mul3(Et, E, EtE);
  pk_jacobi_eigen(EtE, 3, values, vecs);
  /* E = σ(u₁v₁ᵀ + u₂v₂ᵀ): v₁, v₂ from EᵀE, u_k = E·v_k / σ_k; third columns by cross products
   * so that U and V are rotations and so are U·W·Vᵀ and U·Wᵀ·Vᵀ. */
  double v1[3] = {vecs[6], vecs[7], vecs[8]}, v2[3] = {vecs[3], vecs[4], vecs[5]}, v3[3];
  pk__cross(v1, v2, v3);
  double u1[3], u2[3], u3[3];
  for (int i = 0; i < 3; i++) {
    u1[i] = E[i * 3] * v1[0] + E[i * 3 + 1] * v1[1] + E[i * 3 + 2] * v1[2];
    u2[i] = E[i * 3] * v2[0] + E[i * 3 + 1] * v2[1] + E[i * 3 + 2] * v2[2];
  }
  double l1 = sqrt(u1[0] * u1[0] + u1[1] * u1[1] + u1[2] * u1[2]);
  if (!(l1 > 0)) return 0;
  for (int i = 0; i < 3; i++) u1[i] /= l1;
  double d = u1[0] * u2[0] + u1[1] * u2[1] + u1[2] * u2[2];
  for (int i = 0; i < 3; i++) u2[i] -= d * u1[i];
  double l2 = sqrt(u2[0] * u2[0] + u2[1] * u2[1] + u2[2] * u2[2]);
  if (!(l2 > 0)) return 0;
  for (int i = 0; i < 3; i++) u2[i] /= l2;
  pk__cross(u1, u2, u3);
  double U[9] = {u1[0], u2[0], u3[0], u1[1], u2[1], u3[1], u1[2], u2[2], u3[2]};
  double Vt[9] = {v1[0], v1[1], v1[2], v2[0], v2[1], v2[2], v3[0], v3[1], v3[2]};
  const double W[9] = {0, -1, 0, 1, 0, 0, 0, 0, 1}, Wt[9] = {0, 1, 0, -1, 0, 0, 0, 0, 1};
  double Ra[9], Rb[9];
  pk__mul3(U, W, Ra);
  pk__mul3(Ra, Vt, Ra);
  pk__mul3(U, Wt, Rb);
  pk__mul3(Rb, Vt, Rb);
  int best = -1;
  for (int c = 0; c < 4; c++) {
    const double *Rc = c < 2 ? Ra : Rb;
    double s = (c % 2) ? -1.0 : 1.0;
    double tc[3] = {s * u3[0], s * u3[1], s * u3[2]};
    int front = pk__in_front(Rc, tc, n1, n2, mask, count);
    if (front > best) {
      best = front;
      memcpy(R, Rc, 9 * sizeof(double));
      memcpy(t, tc, sizeof tc);
    }
  }
  return best;
}

static int pk__inverse3(const double m[9], double out[9]) {
  double c[9] = {m[4] * m[8] - m[5] * m[7], m[2] * m[7] - m[1] * m[8], m[1] * m[5] - m[2] * m[4],
                 m[5] * m[6] - m[3] * m[8], m[0] * m[8] - m[2] * m[6], m[2] * m[3] - m[0] * m[5],
                 m[3] * m[7] - m[4] * m[6], m[1] * m[6] - m[0] * m[7], m[0] * m[4] - m[1] * m[3]};
  double det = m[0] * c[0] + m[1] * c[3] + m[2] * c[6];
  if (!(fabs(det) > 0)) return 0;
  for (int i = 0; i < 9; i++) out[i] = c[i] / det;
  return 1;
}

/* exp([w]ₓ) by Rodrigues' formula. */
static void pk__rotation_exp(const double w[3], double R[9]) {
  double th = sqrt(w[0] * w[0] + w[1] * w[1] + w[2] * w[2]);
  double a = th > 1e-12 ? sin(th) / th : 1, b = th > 1e-12 ? (1 - cos(th)) / (th * th) : 0.5;
  double K[9] = {0, -w[2], w[1], w[2], 0, -w[0], -w[1], w[0], 0}, K2[9];
  pk__mul3(K, K, K2);
  for (int i = 0; i < 9; i++) R[i] = (i % 4 == 0 ? 1.0 : 0.0) + a * K[i] + b * K2[i];
}

/* The pose moved by p (ω in p[0..2], tangent step of t in p[3..4] along basis e1, e2), and its
 * F = K2⁻ᵀ·[t]ₓ·R·K1⁻¹. */
static void pk__pose_step(const double R0[9], const double t0[3], const double e1[3],
                          const double e2[3], const double p[5], const double iK1[9],
                          const double iK2t[9], double R[9], double t[3], double F[9]) {
  double dR[9];
  pk__rotation_exp(p, dR);
  pk__mul3(dR, R0, R);
  double n = 0;
  for (int i = 0; i < 3; i++) {
    t[i] = t0[i] + p[3] * e1[i] + p[4] * e2[i];
    n += t[i] * t[i];
  }
  n = sqrt(n);
  for (int i = 0; i < 3; i++) t[i] /= n;
  double T[9] = {0, -t[2], t[1], t[2], 0, -t[0], -t[1], t[0], 0};
  pk__mul3(T, R, F);
  pk__mul3(iK2t, F, F);
  pk__mul3(F, iK1, F);
}

/* Signed Sampson distance, the residual that pk_pose_refine squares. */
static double pk__sampson_signed(const double F[9], const double *p1, const double *p2) {
  double den, d = pk__sampson_den(F, p1, p2, &den);
  double e = p2[0] * (F[0] * p1[0] + F[1] * p1[1] + F[2]) +
             p2[1] * (F[3] * p1[0] + F[4] * p1[1] + F[5]) + (F[6] * p1[0] + F[7] * p1[1] + F[8]);
  return isfinite(d) ? (e < 0 ? -d : d) : 0;
}

int pk_solve_spd(int n, const double *restrict A, const double *restrict b, double *restrict x) {
  double L[81] = {0}, y[9];
  for (int i = 0; i < n; i++)
    for (int j = 0; j <= i; j++) {
      double s = A[i * n + j];
      for (int k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i == j) {
        if (!(s > 0)) return 0;
        L[i * n + i] = sqrt(s);
      } else {
        L[i * n + j] = s / L[j * n + j];
      }
    }
  for (int i = 0; i < n; i++) {
    double s = b[i];
    for (int k = 0; k < i; k++) s -= L[i * n + k] * y[k];
    y[i] = s / L[i * n + i];
  }
  for (int i = n - 1; i >= 0; i--) {
    double s = y[i];
    for (int k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
    x[i] = s / L[i * n + i];
  }
  return 1;
}

static double pk__pose_cost(const double F[9], const double *x1, const double *x2,
                            const uint8_t *mask, int count, int *used) {
  double c = 0;
  int n = 0;
  for (int i = 0; i < count; i++) {
    if (mask && !mask[i]) continue;
    double r = pk__sampson_signed(F, x1 + 2 * i, x2 + 2 * i);
    c += r * r;
    n++;
  }
  if (used) *used = n;
  return c;
}

double pk_pose_refine(const double *restrict x1, const double *restrict x2,
                      const uint8_t *restrict mask, int count, const double K1[9],
                      const double K2[9], int iterations, double R[9], double t[3]) {
  double iK1[9], iK2[9], iK2t[9];
  if (!pk__inverse3(K1, iK1) || !pk__inverse3(K2, iK2)) return INFINITY;
  pk__transpose3(iK2, iK2t);
  double R0[9], t0[3], F[9];
  memcpy(R0, R, sizeof R0);
  memcpy(t0, t, sizeof t0);
  const double zero[5] = {0};
  double e1[3], e2[3];
  int used = 0;
  double lambda = 1e-3, cost = 0;
  for (int it = 0; it <= iterations; it++) {
    /* Tangent basis of the current t: any unit vector not parallel to it, crossed twice. */
    double ax[3] = {fabs(t0[0]) < 0.9 ? 1.0 : 0.0, fabs(t0[0]) < 0.9 ? 0.0 : 1.0, 0};
    pk__cross(t0, ax, e1);
    double l = sqrt(e1[0] * e1[0] + e1[1] * e1[1] + e1[2] * e1[2]);
    for (int i = 0; i < 3; i++) e1[i] /= l;
    pk__cross(t0, e1, e2);
    double Rc[9], tc[3];
    pk__pose_step(R0, t0, e1, e2, zero, iK1, iK2t, Rc, tc, F);
    cost = pk__pose_cost(F, x1, x2, mask, count, &used);
    if (it == iterations || used < 5) break;
    /* Central-difference Jacobian, accumulated into the normal equations point by point. */
    const double h = 1e-6;
    double Fp[5][9], Fm[5][9];
    for (int k = 0; k < 5; k++) {
      double p[5] = {0};
      p[k] = h;
      pk__pose_step(R0, t0, e1, e2, p, iK1, iK2t, Rc, tc, Fp[k]);
      p[k] = -h;
      pk__pose_step(R0, t0, e1, e2, p, iK1, iK2t, Rc, tc, Fm[k]);
    }
    double JtJ[25] = {0}, Jtr[5] = {0};
    for (int i = 0; i < count; i++) {
      if (mask && !mask[i]) continue;
      const double *a = x1 + 2 * i, *b = x2 + 2 * i;
      double r = pk__sampson_signed(F, a, b), J[5];
      for (int k = 0; k < 5; k++)
        J[k] = (pk__sampson_signed(Fp[k], a, b) - pk__sampson_signed(Fm[k], a, b)) / (2 * h);
      for (int j = 0; j < 5; j++) {
        Jtr[j] += J[j] * r;
        for (int k = 0; k < 5; k++) JtJ[j * 5 + k] += J[j] * J[k];
      }
    }
    /* Levenberg–Marquardt: raise the damping until a step lowers the cost. */
    int improved = 0;
    for (int tries = 0; tries < 10 && !improved; tries++) {
      double A[25], g[5], step[5];
      memcpy(A, JtJ, sizeof A);
      for (int k = 0; k < 5; k++) {
        A[k * 5 + k] *= 1 + lambda;
        g[k] = -Jtr[k];
      }
      if (!pk_solve_spd(5, A, g, step)) {
        lambda *= 10;
        continue;
      }
      double Rn[9], tn[3], Fn[9];
      pk__pose_step(R0, t0, e1, e2, step, iK1, iK2t, Rn, tn, Fn);
      if (pk__pose_cost(Fn, x1, x2, mask, count, NULL) < cost) {
        memcpy(R0, Rn, sizeof R0);
        memcpy(t0, tn, sizeof t0);
        lambda = lambda > 1e-12 ? lambda * 0.1 : lambda;
        improved = 1;
      } else {
        lambda *= 10;
      }
    }
    if (!improved) break;
  }
  memcpy(R, R0, sizeof R0);
  memcpy(t, t0, sizeof t0);
  return used > 0 ? sqrt(cost / used) : INFINITY;
}

double pk_rotation_angle_deg(const double R1[9], const double R2[9]) {
  double R1t[9], M[9];
  pk__transpose3(R1, R1t);
  pk__mul3(R1t, R2, M);
  double c = 0.5 * (M[0] + M[4] + M[8] - 1);
  double sx = M[7] - M[5], sy = M[2] - M[6], sz = M[3] - M[1];
  double s = 0.5 * sqrt(sx * sx + sy * sy + sz * sz);
  return atan2(s, c) * (180.0 / 3.14159265358979323846);
}
