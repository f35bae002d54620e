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
 * The L1 norms of DARE's drop (before and after it, both paths: randomlyDroppedTaskVector here and
 * the chunked drop pass with its kernel) are 8-lane sums: element i's |value| goes to lane i & 7,
 * each lane a float64 sum in index order from +0, the lanes combined by laneSum. Not the sequential
 * order (a latency-bound chain per element): the lanes let the kernel keep four float64x2
 * accumulators. Well defined whatever the chunking (chunks start at multiples of 32). mergekit sums
 * with torch's reductions, so nothing outside depends on the order. The other L1 sums (addL1,
 * taskVectorWithL1) are still sequential: those paths compare only with each other.
 */
export const L1_LANES = 8;

/** ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7)) for the 8 lanes at lanes[at..at + 8). */
export function laneSum(lanes: Float64Array, at = 0): number {
  return lanes[at] + lanes[at + 1] + (lanes[at + 2] + lanes[at + 3]) + (lanes[at + 4] + lanes[at + 5] + (lanes[at + 6] + lanes[at + 7]));
}

/**
 * DARE's drop fused into the delta pass: `out[i] = d * keep` with keep drawn exactly as
 * `sparsifyRandom` draws it (same stream, same order), plus the L1 norms before and after the drop
 * (the product is exactly d or +-0, so |out| sums like the stored values would), as lane sums.
 */
export function randomlyDroppedTaskVector(
  x: Float32Array,
  base: Float32Array,
  density: number,
  random: RandomSource,
  out: Float32Array,
): { before: number; after: number } {
  const flags = new Float64Array(KEEP_BLOCK);
  const lanes = new Float64Array(2 * L1_LANES);
  const n = out.length;
  for (let start = 0; start < n; start += KEEP_BLOCK) {
    const end = Math.min(start + KEEP_BLOCK, n);
    drawKeepFlags(random, density, flags, end - start);
    dropBlock(x, base, flags, start, end, out, lanes);
  }
  return { before: laneSum(lanes, 0), after: laneSum(lanes, L1_LANES) };
}

/**
 * One block of the fused pass; `lanes` carries the L1 lanes before ([0, 8)) and after ([8, 16))
 * across blocks (KEEP_BLOCK is a multiple of 8, so element i's lane is i & 7). A separate function
 * on purpose: written inline after the draw, the same loop measured ~2x slower in V8.
 */
function dropBlock(x: Float32Array, base: Float32Array, flags: Float64Array, start: number, end: number, out: Float32Array, lanes: Float64Array): void {
  for (let i = start, j = 0; i < end; i++, j++) {
    const d = Math.fround(x[i] - base[i]);
    const kept = d * flags[j];
    out[i] = kept;
    const lane = i & 7;
    lanes[lane] += Math.abs(d);
    lanes[8 + lane] += Math.abs(kept);
  }
}
