import { allInKernelMemory, inKernelMemory, simdKernels, type SimdKernels } from "./simd-kernels.js";

/**
 * The radix-select passes and the trim (select-top-k.ts, sparsify-magnitude.ts) on the SIMD
 * kernels, for keys masked with ABS_MASK (|x| of float32 bits). Integer work: the kernels give the
 * TypeScript loops' results for every input. Each returns whether it did the work.
 */

export function simdAddHighDigits(keys: Uint32Array, length: number, even: Uint32Array, odd: Uint32Array): boolean {
  const k = simdKernels();
  if (!k || !inKernelMemory(k, keys) || !inKernelMemory(k, even) || !inKernelMemory(k, odd) || even.length < 65536 || odd.length < 65536) return false;
  k.exports.addHighDigits(keys.byteOffset, length, even.byteOffset, odd.byteOffset);
  return true;
}

export function simdAddLowDigits(keys: Uint32Array, length: number, high: number, low: Uint32Array): boolean {
  const k = simdKernels();
  if (!k || !inKernelMemory(k, keys) || !inKernelMemory(k, low) || low.length < 65536) return false;
  k.exports.addLowDigits(keys.byteOffset, length, high, low.byteOffset);
  return true;
}

/** keepAtOrAbove for a key in [0, 0x7fffffff]: the ties left, or undefined when the loop must run. */
export function simdKeepAtOrAbove(bits: Uint32Array, key: number, ties: number, length: number): number | undefined {
  const k = simdKernels();
  if (!k || !inKernelMemory(k, bits) || !(key >= 0 && key <= 0x7fffffff && Number.isInteger(key)) || !(Math.abs(ties) < 2 ** 31)) return undefined;
  return k.exports.keepAtOrAbove(bits.byteOffset, length, key, ties);
}

/**
 * The task vector `fround(x - base)` of the first `length` elements and its high digits counted
 * as addHighDigits counts them, without storing it: how many leading elements the kernel counted
 * (all of them, or up to a block holding a NaN, whose bits the TypeScript subtraction decides);
 * 0 when it could not run.
 */
export function simdTaskVectorHighDigits(x: Float32Array, base: Float32Array, length: number, even: Uint32Array, odd: Uint32Array): number {
  const k = simdKernels();
  if (!k || !inKernelMemory(k, x) || !inKernelMemory(k, base) || !inKernelMemory(k, even) || !inKernelMemory(k, odd) || even.length < 65536 || odd.length < 65536) return 0;
  return k.exports.addTaskVectorHighDigits(x.byteOffset, base.byteOffset, length, even.byteOffset, odd.byteOffset);
}

/** As simdTaskVectorHighDigits, counting low digits in the bucket `high` as addLowDigits does. */
export function simdTaskVectorLowDigits(x: Float32Array, base: Float32Array, length: number, high: number, low: Uint32Array): number {
  const k = simdKernels();
  if (!k || !inKernelMemory(k, x) || !inKernelMemory(k, base) || !inKernelMemory(k, low) || low.length < 65536) return 0;
  return k.exports.addTaskVectorLowDigits(x.byteOffset, base.byteOffset, length, high, low.byteOffset);
}

/** flagCutBucket (cut-bucket.ts) on the kernels; false when its loop must run. */
export function simdFlagCutBucket(bits: Uint32Array, length: number, high: number, low: Uint32Array, flags: Uint8Array): boolean {
  const k = simdKernels();
  if (!k || !inKernelMemory(k, bits) || !inKernelMemory(k, low) || !inKernelMemory(k, flags) || low.length < 65536 || !(high >= 0 && high <= 0xffff)) return false;
  k.exports.flagCutBucket(bits.byteOffset, length, high, low.byteOffset, flags.byteOffset);
  return true;
}

/**
 * trimTaskVectorAtBucket (cut-bucket.ts) on the kernels: how many leading elements it did (all,
 * or up to a block holding a NaN task vector); 0 when it could not run.
 */
export function simdTrimTaskVectorAtBucket(x: Float32Array, base: Float32Array, out: Float32Array, high: number, low: Uint32Array, flags: Uint8Array): number {
  const k = simdKernels();
  if (!k || !inKernelMemory(k, x) || !inKernelMemory(k, base) || !inKernelMemory(k, out) || !inKernelMemory(k, low) || !inKernelMemory(k, flags)) return 0;
  if (low.length < 65536 || !(high >= 0 && high <= 0xffff)) return 0;
  return k.exports.trimTaskVectorAtBucket(x.byteOffset, base.byteOffset, out.byteOffset, out.length, high, low.byteOffset, flags.byteOffset);
}

/**
 * trimTaskVectorInBracket (cut-bucket.ts) on the kernels: how many leading elements it did (all,
 * or up to the first NaN d; 0 when it could not run), their count above `hi` added to `above[0]`.
 */
export function simdTrimTaskVectorInBracket(x: Float32Array, base: Float32Array, out: Float32Array, lo: number, hi: number, flags: Uint32Array, above: Uint32Array): number {
  const k = simdKernels();
  if (!k || !inKernelMemory(k, x) || !inKernelMemory(k, base) || !inKernelMemory(k, out) || !inKernelMemory(k, flags) || !inKernelMemory(k, above)) return 0;
  return k.exports.trimTaskVectorInBracket(x.byteOffset, base.byteOffset, out.byteOffset, out.length, lo, hi, flags.byteOffset, above.byteOffset);
}

/**
 * gatherFlaggedBits (cut-bucket.ts) on the kernels: the new count (-1: over `cap`), or undefined
 * when its loop must run. `tables`: kernel scratch of 2 * sources.length words for the addresses.
 */
export function simdGatherFlaggedBits(flags: Uint32Array, length: number, start: number, sources: readonly Uint32Array[], targets: readonly Uint32Array[], indices: Uint32Array, at: number, cap: number, tables: Uint32Array): number | undefined {
  const k = gatherKernels(flags, length, start, sources, targets, indices, tables);
  const arrays = sources.length;
  return k?.exports.gatherFlaggedBits(flags.byteOffset, length, start, tables.byteOffset, tables.byteOffset + 4 * arrays, arrays, indices.byteOffset, at, cap);
}

/**
 * gatherFlagged (cut-bucket.ts) on the kernels: the new count (-1: over `cap`), or undefined when
 * its loop must run. `tables` holds the addresses of sources and targets (kernel scratch, at
 * least 2 * sources.length words).
 */
export function simdGatherFlagged(flags: Uint8Array, length: number, start: number, sources: readonly Uint32Array[], targets: readonly Uint32Array[], indices: Uint32Array, at: number, cap: number, tables: Uint32Array): number | undefined {
  const k = gatherKernels(flags, length, start, sources, targets, indices, tables);
  const arrays = sources.length;
  return k?.exports.gatherFlagged(flags.byteOffset, length, start, tables.byteOffset, tables.byteOffset + 4 * arrays, arrays, indices.byteOffset, at, cap);
}

/**
 * The kernels, when a gather can run on them (every array in their memory, indices that fit an
 * i32), with `tables` holding the addresses of `sources` then `targets`; else undefined.
 */
function gatherKernels(flags: ArrayBufferView, length: number, start: number, sources: readonly Uint32Array[], targets: readonly Uint32Array[], indices: Uint32Array, tables: Uint32Array): SimdKernels | undefined {
  const k = simdKernels();
  const arrays = sources.length;
  if (!k || !inKernelMemory(k, flags) || !inKernelMemory(k, indices) || !inKernelMemory(k, tables) || tables.length < 2 * arrays) return undefined;
  if (!allInKernelMemory(k, sources) || !allInKernelMemory(k, targets) || start + length > 2 ** 31) return undefined;
  for (let a = 0; a < arrays; a++) {
    tables[a] = sources[a].byteOffset;
    tables[arrays + a] = targets[a].byteOffset;
  }
  return k;
}
