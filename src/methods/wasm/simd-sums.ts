import type { FusedSum } from "../chunked-merge.js";
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

/**
 * A fused sum (see FusedSum in chunked-merge.ts) of `n` values straight from stored bf16 inputs to
 * a bf16 output: `inputs` are byte addresses in kernel memory (the base last for "tensor-deltas"),
 * `out` too. True when it wrote the output; false when the separate steps must run (no kernels,
 * too many models, an input NaN/Inf or an output NaN).
 */
export function simdFusedSumBf16(fused: FusedSum, inputs: ArrayLike<number>, out: number, n: number): boolean {
  const k = simdKernels();
  const models = fused.weights.length;
  if (!k || models > MAX_KERNEL_MODELS) return false;
  const table = k.pointers;
  for (let m = 0; m < models; m++) table[m] = inputs[m];
  const weights = doubleTableOf(k, 0, fused.weights);
  if (fused.kind === "weighted-sum") return k.exports.weightedSumBf16(k.pointerTable, weights, models, fused.divisor, out, n) === 1;
  return k.exports.sumTensorDeltasBf16(k.pointerTable, weights, models, inputs[models], fused.scale, out, n) === 1;
}

/** slerp's mix: out = a*v0 + b*v1. */
export function simdMix(v0: Float32Array, v1: Float32Array, a: number, b: number, out: Float32Array): boolean {
  const k = simdKernels();
  if (!k || !inKernelMemory(k, out) || !inKernelMemory(k, v0) || !inKernelMemory(k, v1)) return false;
  return k.exports.mix(v0.byteOffset, v1.byteOffset, a, b, out.byteOffset, out.length) === 1;
}
