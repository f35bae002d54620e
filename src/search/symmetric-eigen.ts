/**
 * Eigendecomposition of a symmetric matrix by the cyclic Jacobi method: C = B diag(d) Bᵀ, with
 * the eigenvectors in B's columns. Jacobi is chosen over Householder + QL for being short enough
 * to check by eye and unconditionally stable on the symmetric positive-definite matrices CMA-ES
 * produces; its O(n³) per sweep is irrelevant at the tens to low hundreds of dimensions a merge
 * genome has, and CMA-ES only decomposes every few generations (lazy update).
 */
export interface SymmetricEigen {
  /** Eigenvalues, in the order of B's columns. */
  readonly values: number[];
  /** Row-major n x n matrix whose column j is the eigenvector of values[j]. */
  readonly vectors: number[][];
}

/** Sweeps are quadratically convergent; 50 is far more than the ~10 a 100-dimensional matrix needs. */
const MAX_SWEEPS = 50;

export function symmetricEigen(matrix: readonly (readonly number[])[]): SymmetricEigen {
  const n = matrix.length;
  const a = matrix.map((row) => [...row]);
  const v: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += a[i][i] * a[i][i];
      for (let j = i + 1; j < n; j++) off += a[i][j] * a[i][j];
    }
    // Off-diagonal mass negligible relative to the diagonal: done (to double precision).
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p][q];
        if (apq === 0) continue;
        // Rotation angle that zeroes a[p][q] (Numerical Recipes' stable form of tan θ).
        const theta = (a[q][q] - a[p][p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k][p];
          const vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: a.map((row, i) => row[i]), vectors: v };
}
