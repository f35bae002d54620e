import { MergeInputError } from "./merge-input-error.js";
import { ABS_MASK, floatBits, topKThreshold } from "./select-top-k.js";
import { simdKeepAtOrAbove } from "./wasm/simd-digits.js";

/**
 * TIES "trim" step (Yadav et al., https://arxiv.org/abs/2306.01708): keep the `trunc(density*n)`
 * largest-magnitude entries of a task vector, zero the rest, in place. `density >= 1` keeps all.
 * k is computed in float64 like mergekit (`0.29*100 -> 28`); k = 0 is refused, as in mergekit,
 * because it would silently erase the model's contribution.
 */
export function sparsifyMagnitude(delta: Float32Array, density: number, where: { method: string; tensor: string }): void {
  const n = delta.length;
  const k = magnitudeKeepCount(n, density, where);
  if (k >= n) return;
  const bits = floatBits(delta);
  // Local copy: module loaders may turn an imported binding into a getter call per access.
  const absMask = ABS_MASK;
  const { key, ties } = topKThreshold(bits, absMask, k);
  keepAtOrAbove(bits, absMask, key, ties, n);
}

/**
 * How many of `n` entries the trim keeps: `trunc(density * n)`, or n when density >= 1 (or k >= n:
 * nothing to trim). Throws the MergeInputError for k <= 0.
 */
export function magnitudeKeepCount(n: number, density: number, where: { method: string; tensor: string }): number {
  if (density >= 1) return n;
  const k = Math.trunc(density * n);
  if (k <= 0) {
    throw new MergeInputError(
      where.method,
      where.tensor,
      `density ${density} keeps trunc(${density} * ${n}) = ${k} of ${n} entries; raise density so at least one entry survives`,
    );
  }
  return Math.min(k, n);
}

/**
 * Zeroes each of the first `length` elements whose `bits & mask` is below `key`, and the elements
 * equal to `key` after the first `ties` of them (index order), writing raw bits: +0 for dropped
 * entries, the original bits otherwise. Returns the ties still allowed, so a tensor can be trimmed
 * chunk by chunk in index order. The common case is branch-free (`u & -1` is u, `u & -0` is 0);
 * only elements at the cut, a tiny fraction, take the branch, so it predicts well even though
 * magnitudes are random. Bits in the SIMD kernels' memory go to their twin (wasm/simd-digits.ts).
 */
export function keepAtOrAbove(bits: Uint32Array, mask: number, key: number, ties: number, length: number): number {
  const simd = mask === ABS_MASK ? simdKeepAtOrAbove(bits, key, ties, length) : undefined;
  if (simd !== undefined) return simd;
  let tiesLeft = ties;
  for (let i = 0; i < length; i++) {
    const u = bits[i];
    const v = u & mask;
    bits[i] = u & -+(v > key);
    if (v === key && tiesLeft-- > 0) bits[i] = u;
  }
  return tiesLeft;
}
