import { simdFlagCutBucket, simdGatherFlagged } from "./wasm/simd-digits.js";

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
