import { ABS_MASK, floatBits } from "./select-top-k.js";
import { keepAtOrAbove } from "./sparsify-magnitude.js";
import { taskVector } from "./task-vectors.js";
import { simdFlagCutBucket, simdGatherFlagged, simdGatherFlaggedBits, simdTrimTaskVectorAtBucket, simdTrimTaskVectorInBracket } from "./wasm/simd-digits.js";

/**
 * The pieces of a magnitude selection that finishes its cut bucket late (see
 * combine-deferring-cuts.ts): flag the elements whose |d| lies in the bucket of the cut's high
 * digit while counting their low digits, then gather the flagged elements of a chunk (their
 * indices and input bits) to be finished once the cut is known. Integer work only; the SIMD
 * kernels (wasm/simd-digits.ts) give the same results.
 */

/** Sets `flags[i] = 1` for each i < length whose `bits[i] & 0x7fffffff` has high digit `high`, counting its low digit into `low`. */
export function flagCutBucket(bits: Uint32Array, length: number, high: number, low: Uint32Array, flags: Uint8Array): void {
  if (simdFlagCutBucket(bits, length, high, low, flags)) return;
  for (let i = 0; i < length; i++) {
    const v = bits[i] & 0x7fffffff;
    if (v >>> 16 === high) {
      low[v & 0xffff]++;
      flags[i] = 1;
    }
  }
}

/**
 * One trimmed model's task vector in the deferring combine: `d = taskVector(x, base)`, the
 * elements in the cut's bucket (high digit `high`) flagged with their low digits counted
 * (flagCutBucket), then those below the bucket zeroed (+0) and the others kept. The kernel does it
 * in one pass; from a NaN task vector on (its bits are the TypeScript subtraction's) the loops do
 * the rest.
 */
export function trimTaskVectorAtBucket(x: Float32Array, base: Float32Array, d: Float32Array, high: number, low: Uint32Array, flags: Uint8Array): void {
  const done = simdTrimTaskVectorAtBucket(x, base, d, high, low, flags);
  if (done === d.length) return;
  const rest = <T extends Float32Array | Uint8Array>(a: T) => (done === 0 ? a : (a.subarray(done) as T));
  const dRest = rest(d);
  taskVector(rest(x), rest(base), dRest);
  const bits = floatBits(dRest);
  flagCutBucket(bits, dRest.length, high, low, rest(flags));
  // Kept from the bucket's first key up: above (high << 16) - 1 (-1 for bucket 0: everything).
  keepAtOrAbove(bits, ABS_MASK, high * 65536 - 1, 0, dRest.length);
}

/**
 * One trimmed model's task vector in the combine that finishes a sampled bracket late (see
 * combine-in-brackets.ts): `d = taskVector(x, base)` with the elements whose key |d| (float32
 * bits, sign cleared) is below `lo` zeroed (+0), the others kept, and those with a key in [lo, hi]
 * flagged: bit i & 31 of `flags[i >>> 5]` set (several models flag into the same words). Returns
 * how many keys are above `hi`. Bounds are in [0, 0x7fffffff]. The kernel does it in one pass;
 * from a NaN task vector on (its bits are the TypeScript subtraction's) the loop does the rest.
 * `above`: one word of kernel scratch for the kernel's count.
 */
export function trimTaskVectorInBracket(x: Float32Array, base: Float32Array, d: Float32Array, lo: number, hi: number, flags: Uint32Array, above: Uint32Array): number {
  above[0] = 0;
  const done = simdTrimTaskVectorInBracket(x, base, d, lo, hi, flags, above);
  let count = above[0];
  if (done === d.length) return count;
  const dRest = done === 0 ? d : d.subarray(done);
  taskVector(done === 0 ? x : x.subarray(done), done === 0 ? base : base.subarray(done), dRest);
  const bits = floatBits(dRest);
  for (let i = 0; i < dRest.length; i++) {
    const v = bits[i] & ABS_MASK;
    if (v < lo) bits[i] = 0;
    else if (v > hi) count++;
    else flags[(done + i) >>> 5] |= 1 << ((done + i) & 31);
  }
  return count;
}

/**
 * gatherFlagged for flags as bits (bit i & 31 of `flags[i >>> 5]`, as trimTaskVectorInBracket
 * sets them): appends each flagged element i < length, in index order, to the gathered ones and
 * clears the flag words.
 */
export function gatherFlaggedBits(flags: Uint32Array, length: number, start: number, sources: readonly Uint32Array[], targets: readonly Uint32Array[], indices: Uint32Array, at: number, cap: number, tables: Uint32Array): number {
  const simd = simdGatherFlaggedBits(flags, length, start, sources, targets, indices, at, cap, tables);
  if (simd !== undefined) return simd;
  let count = at;
  for (let w = 0; w < (length + 31) >>> 5; w++) {
    let set = flags[w];
    flags[w] = 0;
    for (let i = w * 32; set !== 0; i++, set >>>= 1) {
      if ((set & 1) === 0) continue;
      if (count >= cap) return -1;
      indices[count] = start + i;
      for (let a = 0; a < sources.length; a++) targets[a][count] = sources[a][i];
      count++;
    }
  }
  return count;
}

/**
 * Appends each flagged element i < length (in index order) to the gathered ones: `start + i` to
 * `indices`, `sources[a][i]` to `targets[a]`, from position `at`; clears its flag. Returns the new
 * count, or -1 when it would exceed `cap` (flags and targets are then unspecified). `tables`:
 * kernel scratch of 2 * sources.length words for the kernel's address tables.
 */
export function gatherFlagged(flags: Uint8Array, length: number, start: number, sources: readonly Uint32Array[], targets: readonly Uint32Array[], indices: Uint32Array, at: number, cap: number, tables: Uint32Array): number {
  const simd = simdGatherFlagged(flags, length, start, sources, targets, indices, at, cap, tables);
  if (simd !== undefined) return simd;
  let count = at;
  for (let i = 0; i < length; i++) {
    if (flags[i] === 0) continue;
    if (count >= cap) return -1;
    indices[count] = start + i;
    for (let a = 0; a < sources.length; a++) targets[a][count] = sources[a][i];
    count++;
    flags[i] = 0;
  }
  return count;
}
