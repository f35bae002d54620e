import { sumTaskVectors, sumTensorDeltas, type TaskVectorSum } from "./sum-task-vectors.js";
import { tiesConsensus } from "./ties-consensus.js";
import { float32WeightSum } from "./weighted-average.js";

/**
 * The "combine" half of the task-vector family: sum or TIES sign consensus over (sparsified)
 * task vectors, normalisation, lambda, base added back. The sum and the consensus are float32 in
 * mergekit's order (sum-task-vectors.ts, ties-consensus.ts); output float32.
 *
 * Task vectors come either materialised (`deltas[m]`, after sparsification) or implicitly as
 * `tensors[m] - base` when no sparsifier changed anything (density 1, task_arithmetic): then no
 * delta arrays are needed for the sum, which is what makes the common case fast. Implicit deltas
 * are rounded to float32 (Math.fround) so both paths give bit-identical results. Consensus always
 * takes materialised deltas (its fast loop reads each delta twice).
 */

export interface CombineOptions {
  /** TIES sign election: per element, only deltas agreeing with the sign of the weighted sum count. */
  readonly consensus: boolean;
  readonly normalize: boolean;
  readonly lambda: number;
}

/**
 * Without consensus, a weight sum this close to 0 is replaced by 1 (mergekit's guard: its float32
 * sum compared with 1e-8, which torch rounds to float32 for the comparison).
 */
const WEIGHT_SUM_FLOOR = Math.fround(1e-8);

/**
 * @param vectors task vectors (`implicit` false) or model tensors (`implicit` true, sum only)
 * @param implicit whether `vectors[m][i] - base[i]` is the task vector
 * @param scales per-model factor applied to the task vector (the L1 rescale, a float32), folded in
 *   here so the vectors need no extra write pass: f32(w * f32(d * k)), the rescaled vector
 *   weighted as mergekit does it; it scales contributions, never the divisor's weights
 * @param dst receives the result when given (as long as `base`), else a new array is returned
 */
export function combineTaskVectors(
  vectors: readonly Float32Array[],
  implicit: boolean,
  weights: readonly number[],
  scales: readonly number[],
  base: Float32Array,
  options: CombineOptions,
  dst?: Float32Array,
): Float32Array {
  return taskVectorCombiner(weights, scales, options)(vectors, implicit, base, dst);
}

/**
 * combineTaskVectors with its per-model factors worked out once, for callers that combine a tensor
 * chunk by chunk: `combine(vectors, implicit, base, dst)` is combineTaskVectors on those arguments.
 */
export function taskVectorCombiner(
  weights: readonly number[],
  scales: ArrayLike<number>,
  options: CombineOptions,
): (vectors: readonly Float32Array[], implicit: boolean, base: Float32Array, dst?: Float32Array) => Float32Array {
  if (options.consensus) {
    return (vectors, implicit, base, dst) => {
      if (implicit) throw new RangeError("combineTaskVectors: consensus needs materialised task vectors");
      return tiesConsensus(vectors, weights, scales, base, options.normalize, options.lambda, dst);
    };
  }
  const sum = taskVectorSumFactors(weights, options);
  const unscaled = Array.prototype.every.call(scales, (k: number) => k === 1);
  return (vectors, implicit, base, dst) => {
    if (!implicit) return sumTaskVectors(vectors, scales, sum, base, dst);
    if (!unscaled) throw new RangeError("combineTaskVectors: implicit task vectors cannot be rescaled");
    return sumTensorDeltas(vectors, sum, base, dst);
  };
}

/**
 * The factors of the sum without consensus (see sum-task-vectors.ts), all float32: the weights;
 * the divisor, when normalizing the float32 sum of the weights in model order (1 when it is about
 * 0), else 1; lambda.
 */
export function taskVectorSumFactors(weights: readonly number[], options: CombineOptions): TaskVectorSum {
  const total = options.normalize ? float32WeightSum(weights) : 1;
  const divisor = Math.abs(total) < WEIGHT_SUM_FLOOR ? 1 : total;
  return { weights: weights.map(Math.fround), divisor, lambda: Math.fround(options.lambda) };
}
