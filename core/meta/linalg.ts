/** Small dense linear algebra for p×p systems (p = number of model coefficients). */

export type Matrix = number[][];

export function zeros(n: number, m = n): Matrix {
  return Array.from({ length: n }, () => new Array<number>(m).fill(0));
}

/** Inverse of a symmetric positive-definite matrix via Cholesky; null when not positive definite. */
export function invSPD(a: Matrix): Matrix | null {
  const n = a.length;
  const L = cholesky(a);
  if (!L) return null;
  // inverse of L
  const Li = zeros(n);
  for (let i = 0; i < n; i++) {
    Li[i][i] = 1 / L[i][i];
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= L[i][k] * Li[k][j];
      Li[i][j] = s / L[i][i];
    }
  }
  const inv = zeros(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += Li[k][i] * Li[k][j];
      inv[i][j] = s;
      inv[j][i] = s;
    }
  }
  return inv;
}

/** log-determinant of a symmetric positive-definite matrix. */
export function logDetSPD(a: Matrix): number {
  const n = a.length;
  const L = zeros(n);
  let ld = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      if (i === j) {
        if (!(s > 0)) return NaN;
        L[i][i] = Math.sqrt(s);
        ld += Math.log(s);
      } else L[i][j] = s / L[j][j];
    }
  }
  return ld;
}

/** Columns p and q of m turned by the plane rotation (c, s), in place. */
function rotateColumns(m: Matrix, p: number, q: number, c: number, s: number): void {
  for (let k = 0; k < m.length; k++) {
    const mkp = m[k][p];
    const mkq = m[k][q];
    m[k][p] = c * mkp - s * mkq;
    m[k][q] = s * mkp + c * mkq;
  }
}

/**
 * One Jacobi rotation of the symmetric matrix a (in place, both sides) that zeroes a[p][q]:
 * its cosine and sine, or null (nothing done) when a[p][q] is already zero.
 */
function jacobiRotation(a: Matrix, p: number, q: number): [c: number, s: number] | null {
  if (Math.abs(a[p][q]) < 1e-300) return null;
  const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
  const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
  const c = 1 / Math.sqrt(t * t + 1);
  const s = t * c;
  rotateColumns(a, p, q, c, s);
  for (let k = 0; k < a.length; k++) {
    const apk = a[p][k];
    const aqk = a[q][k];
    a[p][k] = c * apk - s * aqk;
    a[q][k] = s * apk + c * aqk;
  }
  return [c, s];
}

/** Eigenvalues of a small symmetric matrix (cyclic Jacobi). */
export function symEigenvalues(a0: Matrix): number[] {
  const n = a0.length;
  const a = a0.map((r) => r.slice());
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += a[i][j] * a[i][j];
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        jacobiRotation(a, p, q);
      }
    }
  }
  return a.map((r, i) => r[i]);
}

/** Cholesky factor L (lower, a = L L') of a symmetric positive-definite matrix; null when not PD. */
export function cholesky(a: Matrix): Matrix | null {
  const n = a.length;
  const L = zeros(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      if (i === j) {
        if (!(s > 0) || !Number.isFinite(s)) return null;
        L[i][i] = Math.sqrt(s);
      } else L[i][j] = s / L[j][j];
    }
  }
  return L;
}

/** Eigen-decomposition of a small symmetric matrix (cyclic Jacobi): values and column vectors. */
export function symEigen(a0: Matrix): { values: number[]; vectors: Matrix } {
  const n = a0.length;
  const a = a0.map((r) => r.slice());
  const v = zeros(n);
  for (let i = 0; i < n; i++) v[i][i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += a[i][i] * a[i][i];
      for (let j = i + 1; j < n; j++) off += a[i][j] * a[i][j];
    }
    if (off <= 1e-32 * diag || off < 1e-300) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const r = jacobiRotation(a, p, q);
        if (r) rotateColumns(v, p, q, r[0], r[1]);
      }
    }
  }
  return { values: a.map((r, i) => r[i]), vectors: v };
}
