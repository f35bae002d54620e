/**
 * The "combine" half of the task-vector family: sum or TIES sign consensus over (sparsified)
 * task vectors, normalisation, lambda, base added back. Element-major loops with float64
 * accumulators; output float32.
 *
 * Task vectors come either materialised (`deltas[m]`, after sparsification) or implicitly as
 * `tensors[m] - base` when no sparsifier changed anything (density 1, task_arithmetic): then no
 * delta arrays are allocated at all, which is what makes the common case fast. Implicit deltas are
 * rounded to float32 (Math.fround) so both paths give bit-identical results.
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
 * @param vectors task vectors (`implicit` false) or model tensors (`implicit` true)
 * @param implicit whether `vectors[m][i] - base[i]` is the task vector
 * @param scales per-model factor applied to the task vector (the L1 rescale), folded in here so the
 *   vectors need no extra write pass; it scales contributions, never the divisor's weights
 */
export function combineTaskVectors(
  vectors: readonly Float32Array[],
  implicit: boolean,
  weights: readonly number[],
  scales: readonly number[],
  base: Float32Array,
  options: CombineOptions,
): Float32Array {
  const w = Float64Array.from(weights);
  const ws = Float64Array.from(weights, (v, m) => v * scales[m]);
  return options.consensus ? consensus(vectors, implicit, w, ws, base, options) : sum(vectors, implicit, w, ws, base, options);
}

function sum(vectors: readonly Float32Array[], implicit: boolean, w: Float64Array, ws: Float64Array, base: Float32Array, options: CombineOptions): Float32Array {
  const n = base.length;
  const count = vectors.length;
  let scale = options.lambda;
  if (options.normalize) {
    let div = 0;
    for (let m = 0; m < count; m++) div += w[m];
    if (Math.abs(div) < WEIGHT_SUM_FLOOR) div = 1;
    scale /= div;
  }
  const out = new Float32Array(n);
  if (implicit) {
    for (let i = 0; i < n; i++) {
      const b = base[i];
      let s = 0;
      for (let m = 0; m < count; m++) s += ws[m] * Math.fround(vectors[m][i] - b);
      out[i] = b + s * scale;
    }
  } else {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let m = 0; m < count; m++) s += ws[m] * vectors[m][i];
      out[i] = base[i] + s * scale;
    }
  }
  return out;
}

/**
 * TIES "elect" and "disjoint merge": the sign of the summed weighted deltas wins (a zero sum elects
 * +); only weighted deltas with that sign count (zeros never do), and with normalize the divisor is
 * the sum of those models' *signed* weights, 1 where no model agrees.
 */
function consensus(vectors: readonly Float32Array[], implicit: boolean, w: Float64Array, ws: Float64Array, base: Float32Array, options: CombineOptions): Float32Array {
  const n = base.length;
  const count = vectors.length;
  const { normalize, lambda } = options;
  const out = new Float32Array(n);
  const z = new Float64Array(count);
  for (let i = 0; i < n; i++) {
    const b = base[i];
    let total = 0;
    for (let m = 0; m < count; m++) {
      const d = implicit ? Math.fround(vectors[m][i] - b) : vectors[m][i];
      z[m] = ws[m] * d;
      total += z[m];
    }
    let mixed = 0;
    let div = 0;
    if (total >= 0) {
      for (let m = 0; m < count; m++) if (z[m] > 0) (mixed += z[m]), (div += w[m]);
    } else {
      for (let m = 0; m < count; m++) if (z[m] < 0) (mixed += z[m]), (div += w[m]);
    }
    if (normalize && div !== 0) mixed /= div;
    out[i] = b + mixed * lambda;
  }
  return out;
}
