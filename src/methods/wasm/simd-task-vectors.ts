import { inKernelMemory, simdKernels } from "./simd-kernels.js";

/**
 * Task vectors, their L1 norms and DARE's drop on the SIMD kernels (see task-vectors.ts and
 * chunked-random-merge.ts for the TypeScript loops). Each returns whether it did the work; when
 * not, the caller runs its loop on the same arguments.
 */

/** out = float32(x - base). */
export function simdTaskVector(x: Float32Array, base: Float32Array, out: Float32Array): boolean {
  const k = simdKernels();
  if (!k || !inKernelMemory(k, out) || !inKernelMemory(k, x) || !inKernelMemory(k, base)) return false;
  return k.exports.taskVector(x.byteOffset, base.byteOffset, out.byteOffset, out.length) === 1;
}

/** out = float32(x - base), returning sum + its L1 norm; undefined when the loop must run. */
export function simdTaskVectorL1(x: Float32Array, base: Float32Array, out: Float32Array, sum: number): number | undefined {
  const k = simdKernels();
  if (!k || !inKernelMemory(k, out) || !inKernelMemory(k, x) || !inKernelMemory(k, base)) return undefined;
  const total = k.exports.taskVectorL1(x.byteOffset, base.byteOffset, out.byteOffset, out.length, sum);
  return Number.isNaN(total) ? undefined : total;
}

/** sum + |values[0]| + ... + |values[length - 1]|; undefined when the loop must run. */
export function simdAddL1(values: Float32Array, length: number, sum: number): number | undefined {
  const k = simdKernels();
  if (!k || !inKernelMemory(k, values)) return undefined;
  const total = k.exports.addL1(values.byteOffset, length, sum);
  return Number.isNaN(total) ? undefined : total;
}

/**
 * One block of DARE's drop pass over elements [from, to) of the chunks `x` and `base`: draws are
 * the block's raw 32-bit random draws, kept when below `cut` (density * 2^32); norms [before,
 * after] are carried in `norms`, flags set as bits (offset + i) of `keep`. On false, `norms` is
 * as it was and the caller redoes the block (setting the same bits again is harmless).
 */
export function simdDropBlock(x: Float32Array, base: Float32Array, draws: Uint32Array, cut: number, from: number, to: number, offset: number, keep: Uint32Array, norms: Float64Array): boolean {
  const k = simdKernels();
  if (!k || !inKernelMemory(k, x) || !inKernelMemory(k, base) || !inKernelMemory(k, draws) || !inKernelMemory(k, keep) || !inKernelMemory(k, norms)) return false;
  const before = norms[0];
  const after = norms[1];
  if (k.exports.dropBlock(x.byteOffset + 4 * from, base.byteOffset + 4 * from, draws.byteOffset, cut, to - from, offset + from, keep.byteOffset, norms.byteOffset) === 1) return true;
  norms[0] = before;
  norms[1] = after;
  return false;
}

/** delta[i] *= bit (start + i) of `keep`; on false the caller applies its loop to the same deltas. */
export function simdApplyKeepBits(delta: Float32Array, keep: Uint32Array, start: number): boolean {
  const k = simdKernels();
  if (!k || !inKernelMemory(k, delta) || !inKernelMemory(k, keep)) return false;
  return k.exports.applyKeepBits(delta.byteOffset, delta.length, keep.byteOffset, start) === 1;
}
