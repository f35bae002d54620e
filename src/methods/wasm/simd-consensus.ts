import { MAX_KERNEL_MODELS, allInKernelMemory, doubleTableOf, inKernelMemory, pointerTableOf, simdKernels } from "./simd-kernels.js";

/**
 * tiesConsensus on the SIMD kernels (float32x4, the definition's float32 operations in its order):
 * true when `out` holds the result; false when the caller's TypeScript version must run (no
 * kernels, arrays outside their memory, or a NaN output, whose bits SIMD arithmetic does not fix).
 * Non-finite deltas, weights or totals need no fallback here (see the kernel's comment).
 */
export function simdTiesConsensus(
  deltas: readonly Float32Array[],
  w: readonly number[],
  scales: ArrayLike<number>,
  base: Float32Array,
  normalize: boolean,
  lambda: number,
  out: Float32Array,
): boolean {
  const k = simdKernels();
  if (!k || deltas.length === 0 || deltas.length > MAX_KERNEL_MODELS) return false;
  if (!inKernelMemory(k, out) || !inKernelMemory(k, base) || !allInKernelMemory(k, deltas)) return false;
  const pointers = pointerTableOf(k, deltas);
  const done = k.exports.tiesConsensus(pointers, doubleTableOf(k, 0, scales), doubleTableOf(k, 1, w), deltas.length, base.byteOffset, normalize ? 1 : 0, lambda, out.byteOffset, out.length);
  return done === 1;
}
