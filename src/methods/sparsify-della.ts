import type { RandomSource } from "./create-random.js";
import { MergeInputError } from "./merge-input-error.js";
import { StableRanker } from "./stable-rank.js";

/**
 * DELLA's MagPrune (Deep et al., "DELLA-Merging", https://arxiv.org/abs/2406.11617): within each
 * row, rank entries by magnitude and keep the r-th smallest (r = 1..m) with probability
 * `(density - epsilon) + 2*epsilon*(r-1)/(m-1)`, so larger entries survive more often and the mean
 * keep probability is `density`.
 *
 * Rows follow mergekit: a 1-D tensor is one row; otherwise ranking runs along dimension 1 (the last
 * dimension of a matrix). Each row is ranked by a stable radix sort of the magnitudes' bit
 * patterns (linear in the row length; rows are short, e.g. the hidden size).
 */

interface Axis {
  readonly outer: number;
  readonly length: number;
  readonly inner: number;
}

function rankAxis(shape: readonly number[], n: number): Axis {
  if (shape.length <= 1) return { outer: 1, length: n, inner: 1 };
  const inner = shape.slice(2).reduce((a, b) => a * b, 1);
  return { outer: shape[0], length: shape[1], inner };
}

/**
 * Keep probabilities for every entry of `delta` (rank formula above), as float64. Exported so tests
 * can compare them with mergekit's recorded probabilities. Ties in |d| rank by position.
 */
export function dellaKeepProbabilities(
  delta: Float32Array,
  shape: readonly number[],
  density: number,
  epsilon: number,
): Float64Array {
  const n = delta.length;
  const probs = new Float64Array(n);
  const { outer, length: m, inner } = rankAxis(shape, n);
  if (m === 0) return probs;
  const low = density - epsilon;
  const step = m > 1 ? (2 * epsilon) / (m - 1) : 0;
  const bits = new Uint32Array(delta.buffer, delta.byteOffset, n);
  const ranker = new StableRanker(m);
  const keys = ranker.keys;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < inner; c++) {
      const start = o * m * inner + c;
      // |x| as its float32 bit pattern: order-preserving and < 2^31.
      for (let r = 0; r < m; r++) keys[r] = bits[start + r * inner] & 0x7fffffff;
      const order = ranker.sort(m);
      for (let pos = 0; pos < m; pos++) probs[start + order[pos] * inner] = low + step * pos;
    }
  }
  return probs;
}

/**
 * Applies MagPrune in place. `density >= 1` keeps all (epsilon not checked), `density <= 0` zeroes
 * all; otherwise `density +- epsilon` must lie strictly inside (0, 1). `mask` (1 = keep) replaces
 * the draw.
 */
export function sparsifyDella(
  delta: Float32Array,
  shape: readonly number[],
  density: number,
  epsilon: number,
  random: RandomSource,
  where: { method: string; tensor: string },
  mask?: Uint8Array,
): void {
  if (density >= 1) return;
  if (density <= 0) {
    delta.fill(0);
    return;
  }
  if (density + epsilon >= 1 || density - epsilon <= 0) {
    throw new MergeInputError(
      where.method,
      where.tensor,
      `epsilon ${epsilon} with density ${density} gives keep probabilities outside (0, 1); choose epsilon < min(density, 1 - density)`,
    );
  }
  const n = delta.length;
  if (mask) {
    for (let i = 0; i < n; i++) if (mask[i] === 0) delta[i] = 0;
    return;
  }
  const probs = dellaKeepProbabilities(delta, shape, density, epsilon);
  for (let i = 0; i < n; i++) if (!(random() < probs[i])) delta[i] = 0;
}
