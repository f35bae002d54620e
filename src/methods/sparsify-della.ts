import { isBulkRandom, type RandomSource } from "./create-random.js";
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
 * Visits every rank row: `order[pos]` is the row position of the pos-th smallest |d| (ties by
 * position), element index `start + order[pos] * inner`.
 */
function forEachRankedRow(
  delta: Float32Array,
  shape: readonly number[],
  visit: (start: number, inner: number, order: Uint32Array, length: number) => void,
): void {
  const n = delta.length;
  const { outer, length: m, inner } = rankAxis(shape, n);
  if (m === 0) return;
  const bits = new Uint32Array(delta.buffer, delta.byteOffset, n);
  const ranker = new StableRanker(m);
  const keys = ranker.keys;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < inner; c++) {
      const start = o * m * inner + c;
      // |x| as its float32 bit pattern: order-preserving and < 2^31.
      for (let r = 0; r < m; r++) keys[r] = bits[start + r * inner] & 0x7fffffff;
      visit(start, inner, ranker.sort(m), m);
    }
  }
}

/** Keep probability of the pos-th smallest entry of a row of length m. */
function keepProbability(density: number, epsilon: number, pos: number, m: number): number {
  return m > 1 ? density - epsilon + (2 * epsilon * pos) / (m - 1) : density;
}

/**
 * Keep probabilities for every entry of `delta` (rank formula above), as float64. Exported so tests
 * can compare them with mergekit's recorded probabilities.
 */
export function dellaKeepProbabilities(delta: Float32Array, shape: readonly number[], density: number, epsilon: number): Float64Array {
  const probs = new Float64Array(delta.length);
  forEachRankedRow(delta, shape, (start, inner, order, m) => {
    for (let pos = 0; pos < m; pos++) probs[start + order[pos] * inner] = keepProbability(density, epsilon, pos, m);
  });
  return probs;
}

/**
 * Applies MagPrune in place. `density >= 1` keeps all (epsilon not checked), `density <= 0` zeroes
 * all; otherwise `density +- epsilon` must lie strictly inside (0, 1). `mask` (1 = keep) replaces
 * the draw. Draws go row by row in rank order, so no n-sized probability array is allocated.
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
  if (mask) {
    for (let i = 0; i < delta.length; i++) delta[i] *= +(mask[i] !== 0);
    return;
  }
  if (!isBulkRandom(random)) {
    forEachRankedRow(delta, shape, (start, inner, order, m) => {
      for (let pos = 0; pos < m; pos++) {
        delta[start + order[pos] * inner] *= +(random() < keepProbability(density, epsilon, pos, m));
      }
    });
    return;
  }
  // Same draws in the same order, taken a row at a time as raw 32-bit outputs:
  // `random() < p` iff `bits < p * 2**32` (random() is bits / 2**32; both scalings are exact).
  let bits = new Uint32Array(0);
  forEachRankedRow(delta, shape, (start, inner, order, m) => {
    if (bits.length < m) bits = new Uint32Array(m);
    random.fillBits(bits, m);
    for (let pos = 0; pos < m; pos++) {
      delta[start + order[pos] * inner] *= +(bits[pos] < keepProbability(density, epsilon, pos, m) * 4294967296);
    }
  });
}
