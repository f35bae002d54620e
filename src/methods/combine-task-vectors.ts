import { sumTaskVectors, sumTensorDeltas } from "./sum-task-vectors.js";
import { tiesConsensus } from "./ties-consensus.js";

/**
 * The "combine" half of the task-vector family: sum or TIES sign consensus over (sparsified)
 * task vectors, normalisation, lambda, base added back. Float64 accumulators in model order;
 * output float32.
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

/** Without consensus, a weight sum this close to 0 is replaced by 1 (mergekit's guard). */
const WEIGHT_SUM_FLOOR = 1e-8;

/**
 * @param vectors task vectors (`implicit` false) or model tensors (`implicit` true, sum only)
 * @param implicit whether `vectors[m][i] - base[i]` is the task vector
 * @param scales per-model factor applied to the task vector (the L1 rescale), folded in here so the
 *   vectors need no extra write pass; it scales contributions, never the divisor's weights
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
  const ws = weights.map((v, m) => v * scales[m]);
  if (options.consensus) {
    return (vectors, implicit, base, dst) => {
      if (implicit) throw new RangeError("combineTaskVectors: consensus needs materialised task vectors");
      return tiesConsensus(vectors, weights, scales, base, options.normalize, options.lambda, dst);
    };
  }
  const { scale } = taskVectorSumFactors(weights, scales, options);
  return (vectors, implicit, base, dst) => (implicit ? sumTensorDeltas(vectors, ws, base, scale, dst) : sumTaskVectors(vectors, ws, base, scale, dst));
}

/**
 * The factors of the sum without consensus: out = base + (0 + ws[0]*d0 + ...) * scale, with
 * ws[m] = weights[m] * scales[m] and scale = lambda, divided by the weight sum when normalizing
 * (1 when that sum is about 0).
 */
export function taskVectorSumFactors(weights: readonly number[], scales: ArrayLike<number>, options: CombineOptions): { ws: number[]; scale: number } {
  const ws = weights.map((v, m) => v * scales[m]);
  let scale = options.lambda;
  if (options.normalize) {
    let div = 0;
    for (let m = 0; m < weights.length; m++) div += weights[m];
    if (Math.abs(div) < WEIGHT_SUM_FLOOR) div = 1;
    scale /= div;
  }
  return { ws, scale };
}
