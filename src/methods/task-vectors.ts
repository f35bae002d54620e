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

/**
 * The factor that gives a sparsified task vector its original L1 norm back (1 when either is below
 * 1e-7), rounded to float32: mergekit divides its float32 norms and multiplies the float32 vector
 * by that float32 ratio. (Its norms are torch's float32 sums, whose order is torch's own; these are
 * float64 sums, so the factor can differ from mergekit's in the last bit or two.)
 */
export function rescaleFactor(before: number, after: number): number {
  return before >= RESCALE_FLOOR && after >= RESCALE_FLOOR ? Math.fround(before / after) : 1;
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
 * across blocks (blocks start at multiples of KEEP_BLOCK, a multiple of 8, so element i's lane is
 * i & 7). Eight elements at a time on local sums, then the rest. A separate function on purpose:
 * written inline after the draw, the same loop measured ~2x slower in V8.
 */
function dropBlock(x: Float32Array, base: Float32Array, flags: Float64Array, start: number, end: number, out: Float32Array, lanes: Float64Array): void {
  let b0 = lanes[0];
  let b1 = lanes[1];
  let b2 = lanes[2];
  let b3 = lanes[3];
  let b4 = lanes[4];
  let b5 = lanes[5];
  let b6 = lanes[6];
  let b7 = lanes[7];
  let p0 = lanes[8];
  let p1 = lanes[9];
  let p2 = lanes[10];
  let p3 = lanes[11];
  let p4 = lanes[12];
  let p5 = lanes[13];
  let p6 = lanes[14];
  let p7 = lanes[15];
  let i = start;
  let j = 0;
  for (; i + 8 <= end; i += 8, j += 8) {
    const d0 = Math.fround(x[i] - base[i]);
    const d1 = Math.fround(x[i + 1] - base[i + 1]);
    const d2 = Math.fround(x[i + 2] - base[i + 2]);
    const d3 = Math.fround(x[i + 3] - base[i + 3]);
    const d4 = Math.fround(x[i + 4] - base[i + 4]);
    const d5 = Math.fround(x[i + 5] - base[i + 5]);
    const d6 = Math.fround(x[i + 6] - base[i + 6]);
    const d7 = Math.fround(x[i + 7] - base[i + 7]);
    const k0 = d0 * flags[j];
    const k1 = d1 * flags[j + 1];
    const k2 = d2 * flags[j + 2];
    const k3 = d3 * flags[j + 3];
    const k4 = d4 * flags[j + 4];
    const k5 = d5 * flags[j + 5];
    const k6 = d6 * flags[j + 6];
    const k7 = d7 * flags[j + 7];
    out[i] = k0;
    out[i + 1] = k1;
    out[i + 2] = k2;
    out[i + 3] = k3;
    out[i + 4] = k4;
    out[i + 5] = k5;
    out[i + 6] = k6;
    out[i + 7] = k7;
    b0 += Math.abs(d0);
    b1 += Math.abs(d1);
    b2 += Math.abs(d2);
    b3 += Math.abs(d3);
    b4 += Math.abs(d4);
    b5 += Math.abs(d5);
    b6 += Math.abs(d6);
    b7 += Math.abs(d7);
    p0 += Math.abs(k0);
    p1 += Math.abs(k1);
    p2 += Math.abs(k2);
    p3 += Math.abs(k3);
    p4 += Math.abs(k4);
    p5 += Math.abs(k5);
    p6 += Math.abs(k6);
    p7 += Math.abs(k7);
  }
  lanes[0] = b0;
  lanes[1] = b1;
  lanes[2] = b2;
  lanes[3] = b3;
  lanes[4] = b4;
  lanes[5] = b5;
  lanes[6] = b6;
  lanes[7] = b7;
  lanes[8] = p0;
  lanes[9] = p1;
  lanes[10] = p2;
  lanes[11] = p3;
  lanes[12] = p4;
  lanes[13] = p5;
  lanes[14] = p6;
  lanes[15] = p7;
  for (; i < end; i++, j++) {
    const d = Math.fround(x[i] - base[i]);
    const kept = d * flags[j];
    out[i] = kept;
    const lane = i & 7;
    lanes[lane] += Math.abs(d);
    lanes[8 + lane] += Math.abs(kept);
  }
}
