import { inKernelMemory, simdKernels } from "./simd-kernels.js";

/**
 * slerp's dot products on the SIMD kernels: adds v0.v0, v1.v1, v0.v1 to `sums` and returns true,
 * or returns false with `sums` unchanged (no kernels, arrays outside their memory, or a NaN sum,
 * whose bits the TypeScript loop decides).
 */
export function simdAddDots(v0: Float32Array, v1: Float32Array, sums: Float64Array): boolean {
  const k = simdKernels();
  if (!k || !inKernelMemory(k, v0) || !inKernelMemory(k, v1) || !inKernelMemory(k, sums)) return false;
  const s00 = sums[0];
  const s11 = sums[1];
  const s01 = sums[2];
  k.exports.addDots(v0.byteOffset, v1.byteOffset, v0.length, sums.byteOffset);
  if (!Number.isNaN(sums[0]) && !Number.isNaN(sums[1]) && !Number.isNaN(sums[2])) return true;
  sums[0] = s00;
  sums[1] = s11;
  sums[2] = s01;
  return false;
}
