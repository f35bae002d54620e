import { MAX_KERNEL_MODELS, allInKernelMemory, doubleTableOf, inKernelMemory, pointerTableOf, simdKernels } from "./simd-kernels.js";

/**
 * The weighted sums of the linear and task-vector merges on the SIMD kernels. Each returns true
 * when it filled `out`; false when the caller's TypeScript loop must run instead (no kernels, an
 * array outside their memory, or an output the kernel cannot vouch for: NaN).
 */

/** weightedAverage: out = (0 + w0*t0 + ...) / divisor. */
export function simdWeightedSum(tensors: readonly Float32Array[], weights: readonly number[], divisor: number, out: Float32Array): boolean {
  const k = simdKernels();
  if (!k || tensors.length > MAX_KERNEL_MODELS || !inKernelMemory(k, out) || !allInKernelMemory(k, tensors)) return false;
  return k.exports.weightedSum(pointerTableOf(k, tensors), doubleTableOf(k, 0, weights), tensors.length, divisor, out.byteOffset, out.length) === 1;
}

/** sumTaskVectors (`implicit` false) or sumTensorDeltas (true): out = base + (0 + ws0*d0 + ...) * scale. */
export function simdTaskVectorSum(vectors: readonly Float32Array[], implicit: boolean, ws: readonly number[], base: Float32Array, scale: number, out: Float32Array): boolean {
  const k = simdKernels();
  if (!k || vectors.length > MAX_KERNEL_MODELS || !inKernelMemory(k, out) || !inKernelMemory(k, base) || !allInKernelMemory(k, vectors)) return false;
  const sum = implicit ? k.exports.sumTensorDeltas : k.exports.sumTaskVectors;
  return sum(pointerTableOf(k, vectors), doubleTableOf(k, 0, ws), vectors.length, base.byteOffset, scale, out.byteOffset, out.length) === 1;
}

/** slerp's mix: out = a*v0 + b*v1. */
export function simdMix(v0: Float32Array, v1: Float32Array, a: number, b: number, out: Float32Array): boolean {
  const k = simdKernels();
  if (!k || !inKernelMemory(k, out) || !inKernelMemory(k, v0) || !inKernelMemory(k, v1)) return false;
  return k.exports.mix(v0.byteOffset, v1.byteOffset, a, b, out.byteOffset, out.length) === 1;
}
