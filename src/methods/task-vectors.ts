import { KEEP_BLOCK, drawKeepFlags } from "./random-keep-flags.js";
import type { RandomSource } from "./create-random.js";
import { simdAddL1, simdTaskVector, simdTaskVectorL1 } from "./wasm/simd-task-vectors.js";

/**
 * One model's task vector `d = fround(x - base)` written into `out`, in one pass that also does
 * the next step's first bit of work where that pays: nothing, its L1 norm (for the rescale), or
 * DARE's drop. Separate loops instead of one with flags: each extra is a serial chain that costs
 * more than the subtraction itself. (Counting magnitude digits in the same pass measured slower
 * than a separate counting pass, ~135 vs ~105 ms on 16M elements, so magnitude selection counts
 * on its own.) Arrays in the SIMD kernels' memory go to their twins (wasm/simd-task-vectors.ts).
 */

/** L1 rescale is skipped when either norm is below this (mergekit's constant). */
const RESCALE_FLOOR = 1e-7;

/** The factor that gives a sparsified task vector its original L1 norm back (1 when either is below 1e-7). */
export function rescaleFactor(before: number, after: number): number {
  return before >= RESCALE_FLOOR && after >= RESCALE_FLOOR ? before / after : 1;
}

/** `sum + |values[0]| + ... + |values[length - 1]|` in float64, index order. */
export function addL1(values: Float32Array, length: number, sum: number): number {
  const simd = simdAddL1(values, length, sum);
  if (simd !== undefined) return simd;
  for (let i = 0; i < length; i++) sum += Math.abs(values[i]);
  return sum;
}

export function taskVector(x: Float32Array, base: Float32Array, out: Float32Array): void {
  if (simdTaskVector(x, base, out)) return;
  for (let i = 0; i < out.length; i++) out[i] = x[i] - base[i];
}

/** Also returns sum |d| in float64, index order, added to `sum` (to continue a sum over earlier chunks). */
export function taskVectorWithL1(x: Float32Array, base: Float32Array, out: Float32Array, sum = 0): number {
  const simd = simdTaskVectorL1(x, base, out, sum);
  if (simd !== undefined) return simd;
  for (let i = 0; i < out.length; i++) {
    const d = Math.fround(x[i] - base[i]);
    out[i] = d;
    sum += Math.abs(d);
  }
  return sum;
}

/**
 * DARE's drop fused into the delta pass: `out[i] = d * keep` with keep drawn exactly as
 * `sparsifyRandom` draws it (same stream, same order), plus the L1 norms before and after the drop
 * (the product is exactly d or +-0, so |out| sums like the stored values would).
 */
export function randomlyDroppedTaskVector(
  x: Float32Array,
  base: Float32Array,
  density: number,
  random: RandomSource,
  out: Float32Array,
): { before: number; after: number } {
  const flags = new Float64Array(KEEP_BLOCK);
  const norms = new Float64Array(2);
  const n = out.length;
  for (let start = 0; start < n; start += KEEP_BLOCK) {
    const end = Math.min(start + KEEP_BLOCK, n);
    drawKeepFlags(random, density, flags, end - start);
    dropBlock(x, base, flags, start, end, out, norms);
  }
  return { before: norms[0], after: norms[1] };
}

/**
 * One block of the fused pass; `norms` carries the two L1 sums across blocks. A separate function
 * on purpose: written inline after the draw, the same loop measured ~2x slower in V8.
 */
function dropBlock(x: Float32Array, base: Float32Array, flags: Float64Array, start: number, end: number, out: Float32Array, norms: Float64Array): void {
  let before = norms[0];
  let after = norms[1];
  for (let i = start, j = 0; i < end; i++, j++) {
    const d = Math.fround(x[i] - base[i]);
    const kept = d * flags[j];
    out[i] = kept;
    before += Math.abs(d);
    after += Math.abs(kept);
  }
  norms[0] = before;
  norms[1] = after;
}
