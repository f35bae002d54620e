import type { FusedSum } from "../chunked-merge.js";
import type { TaskVectorSum } from "../sum-task-vectors.js";
import { MAX_KERNEL_MODELS, allInKernelMemory, doubleTableOf, inKernelMemory, pointerTableOf, simdKernels } from "./simd-kernels.js";

/**
 * The weighted sums of the linear and task-vector merges on the SIMD kernels, in float32 as their
 * TypeScript loops. Each returns true when it filled `out`; false when the caller's TypeScript
 * loop must run instead (no kernels, an array outside their memory, or an output the kernel
 * cannot vouch for: NaN).
 */

/** weightedAverage: out = f32(0 + f32(w0*t0) + ...) / divisor. */
export function simdWeightedSum(tensors: readonly Float32Array[], weights: readonly number[], divisor: number, out: Float32Array): boolean {
  const k = simdKernels();
  if (!k || tensors.length > MAX_KERNEL_MODELS || !inKernelMemory(k, out) || !allInKernelMemory(k, tensors)) return false;
  return k.exports.weightedSum(pointerTableOf(k, tensors), doubleTableOf(k, 0, weights), tensors.length, divisor, out.byteOffset, out.length) === 1;
}

/**
 * sumTaskVectors (`scales` given: materialised task vectors and their rescale factors) or
 * sumTensorDeltas (`scales` undefined: model tensors, task vectors implicit).
 */
export function simdTaskVectorSum(vectors: readonly Float32Array[], scales: ArrayLike<number> | undefined, sum: TaskVectorSum, base: Float32Array, out: Float32Array): boolean {
  const k = simdKernels();
  if (!k || vectors.length > MAX_KERNEL_MODELS || !inKernelMemory(k, out) || !inKernelMemory(k, base) || !allInKernelMemory(k, vectors)) return false;
  const pointers = pointerTableOf(k, vectors);
  const ws = doubleTableOf(k, 0, sum.weights);
  if (scales === undefined) return k.exports.sumTensorDeltas(pointers, ws, vectors.length, base.byteOffset, sum.divisor, sum.lambda, out.byteOffset, out.length) === 1;
  return k.exports.sumTaskVectors(pointers, ws, doubleTableOf(k, 1, scales), vectors.length, base.byteOffset, sum.divisor, sum.lambda, out.byteOffset, out.length) === 1;
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
  return k.exports.sumTensorDeltasBf16(k.pointerTable, weights, models, inputs[models], fused.divisor, fused.lambda, out, n) === 1;
}

/** slerp's mix: out = a*v0 + b*v1. */
export function simdMix(v0: Float32Array, v1: Float32Array, a: number, b: number, out: Float32Array): boolean {
  const k = simdKernels();
  if (!k || !inKernelMemory(k, out) || !inKernelMemory(k, v0) || !inKernelMemory(k, v1)) return false;
  return k.exports.mix(v0.byteOffset, v1.byteOffset, a, b, out.byteOffset, out.length) === 1;
}
