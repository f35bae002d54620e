import { z } from "zod";
import type { ChunkedMerge, ChunkedMergeSetup } from "./chunked-merge.js";
import { chunkedMagnitudeMerge } from "./chunked-magnitude-merge.js";
import { chunkedRandomMerge } from "./chunked-random-merge.js";
import { defineMergeMethod, type MergeInput, type MergeMethod } from "./define-merge-method.js";
import { combineTaskVectors, taskVectorCombiner, taskVectorSumFactors } from "./combine-task-vectors.js";
import { MergeInputError } from "./merge-input-error.js";
import { flag, num, weight } from "./param-schemas.js";
import { sparsifyDella } from "./sparsify-della.js";
import { sparsifyMagnitude } from "./sparsify-magnitude.js";
import { sparsifyOutliers } from "./sparsify-outliers.js";
import { sparsifyRandom } from "./sparsify-random.js";
import { scratchVectors } from "./delta-scratch.js";
import { addL1, randomlyDroppedTaskVector, rescaleFactor, taskVector, taskVectorWithL1 } from "./task-vectors.js";
import { sumTensorDeltas } from "./sum-task-vectors.js";
import { scratchFloats } from "./wasm/kernel-scratch.js";

/**
 * The task-vector family as one configurable merge, the way mergekit's
 * GeneralizedTaskArithmeticMerge is one class configured per method (house style §3):
 * task_arithmetic, ties, dare_linear, dare_ties, breadcrumbs, breadcrumbs_ties, della,
 * della_linear are rows of a table (sparsifier x sign consensus x normalize/rescale defaults).
 *
 * Per tensor: d_i = x_i - base; sparsify each d_i; optionally match its L1 norm to the original;
 * z_i = w_i d_i; combine (sum, or TIES sign consensus with a per-element divisor); normalise;
 * scale by lambda; add the base back. Semantics follow the conformance README, including its
 * quirks (signed divisors, the zero-sum guards).
 */

export type Sparsifier = "none" | "magnitude" | "random" | "magnitude_outliers" | "della_magprune";

export interface TaskVectorConfig {
  readonly name: string;
  readonly paper: { readonly title: string; readonly url: string };
  readonly sparsifier: Sparsifier;
  /** TIES sign election before combining. */
  readonly consensus: boolean;
  /** mergekit's default for `normalize` in this method. */
  readonly normalize: boolean;
  /** mergekit's default for `rescale` in this method. */
  readonly rescale: boolean;
}

export interface TaskVectorParams {
  readonly int8_mask: boolean;
  readonly normalize: boolean;
  readonly rescale: boolean;
  readonly lambda: number;
}

export interface TaskVectorModelParams {
  readonly weight: number;
  readonly density: number;
  readonly gamma?: number;
  readonly epsilon?: number;
}

function globalSchema(config: TaskVectorConfig) {
  return z.object({
    int8_mask: flag(false, "mergekit stores the sign mask as int8 to save memory; no numerical effect."),
    normalize: flag(config.normalize, "Divide the combined task vector by the (agreeing) weight sum."),
    rescale: flag(config.rescale, "After sparsifying, scale each task vector back to its original L1 norm."),
    lambda: num(1, "Scale applied to the combined task vector before adding the base."),
  });
}

function perModelSchema(config: TaskVectorConfig): z.ZodType<TaskVectorModelParams> {
  const common = z.object({
    weight,
    density: num(1, "Fraction of the task vector kept by the sparsifier (ignored by task_arithmetic)."),
  });
  switch (config.sparsifier) {
    case "magnitude_outliers":
      return common.extend({ gamma: num(0.01, "Fraction of largest-magnitude outliers removed.") });
    case "della_magprune":
      return common.extend({ epsilon: num(0.15, "Spread of keep probabilities around density, by magnitude rank.") });
    case "none":
    case "magnitude":
    case "random":
      return common;
    default:
      void (config.sparsifier satisfies never);
      throw new Error(`unreachable sparsifier ${String(config.sparsifier)}`);
  }
}

function sparsify(
  config: TaskVectorConfig,
  delta: Float32Array,
  p: TaskVectorModelParams,
  input: MergeInput<TaskVectorParams, TaskVectorModelParams>,
  mask: Uint8Array | undefined,
): void {
  const where = { method: config.name, tensor: input.tensorName };
  switch (config.sparsifier) {
    case "none":
      return;
    case "magnitude":
      return sparsifyMagnitude(delta, p.density, where);
    case "random":
      return sparsifyRandom(delta, p.density, input.random, mask);
    case "magnitude_outliers":
      return sparsifyOutliers(delta, p.density, p.gamma ?? 0.01);
    case "della_magprune":
      return sparsifyDella(delta, input.shape, p.density, p.epsilon ?? 0.15, input.random, where, mask);
    default:
      void (config.sparsifier satisfies never);
  }
}

/** Whether the sparsifier leaves every task vector unchanged (then a sum needs no delta arrays). */
function sparsifiesNothing(config: TaskVectorConfig, perModel: readonly TaskVectorModelParams[]): boolean {
  return config.sparsifier === "none" || perModel.every((p) => p.density >= 1);
}

/**
 * Each model's sparsified task vector (float32, like mergekit; in scratch buffers, see
 * delta-scratch.ts) and the factor that restores its original L1 norm when `rescale` is on (1
 * otherwise, or when either norm is below 1e-7). `rescale` false when nothing is sparsified, as the
 * norms are then equal by definition. Models go in order, each computed then sparsified, so random
 * draws come in the same order as ever. DARE's drop is fused into the delta pass (exactly the
 * same draws and products, see task-vectors.ts).
 */
function taskVectors(
  config: TaskVectorConfig,
  input: MergeInput<TaskVectorParams, TaskVectorModelParams>,
  base: Float32Array,
  rescale: boolean,
): { deltas: Float32Array[]; scales: number[] } {
  const { perModel, masks } = input;
  const deltas = scratchVectors(input.tensors.length, base.length);
  const scales = input.tensors.map((x, m) => {
    const p = perModel[m];
    const mask = masks?.[m];
    const delta = deltas[m];
    let norms: { before: number; after: number } | undefined;
    if (config.sparsifier === "random" && mask === undefined && p.density > 0 && p.density < 1) {
      norms = randomlyDroppedTaskVector(x, base, p.density, input.random, delta);
    } else if (rescale) {
      const before = taskVectorWithL1(x, base, delta);
      sparsify(config, delta, p, input, mask);
      norms = { before, after: addL1(delta, delta.length, 0) };
    } else {
      taskVector(x, base, delta);
      sparsify(config, delta, p, input, mask);
    }
    if (!rescale || !norms) return 1;
    return rescaleFactor(norms.before, norms.after);
  });
  return { deltas, scales };
}

/** Builds one family member's table entry from its configuration row. */
export function defineTaskVectorMethod(config: TaskVectorConfig): MergeMethod<TaskVectorParams, TaskVectorModelParams> {
  return defineMergeMethod<TaskVectorParams, TaskVectorModelParams>({
    name: config.name,
    paper: config.paper,
    params: globalSchema(config),
    perModel: perModelSchema(config),
    base: "required",
    stochastic: config.sparsifier === "random" || config.sparsifier === "della_magprune",
    models: [1, Number.POSITIVE_INFINITY],
    merge(input) {
      const base = input.base;
      if (!base) throw new MergeInputError(config.name, input.tensorName, "needs a base_model to compute task vectors; set base_model in the recipe");
      if (input.tensors.length === 0) return Float32Array.from(base);
      const weights = input.perModel.map((p) => p.weight);
      const options = { consensus: config.consensus, normalize: input.params.normalize, lambda: input.params.lambda };
      const unchanged = sparsifiesNothing(config, input.perModel);
      if (unchanged && !config.consensus) {
        return combineTaskVectors(input.tensors, true, weights, weights.map(() => 1), base, options);
      }
      const { deltas, scales } = taskVectors(config, input, base, input.params.rescale && !unchanged);
      return combineTaskVectors(deltas, false, weights, scales, base, options);
    },
    chunked: (setup) => chunkedTaskVectorMerge(config, setup),
  });
}

/**
 * The chunked forms (chunked-merge.ts): elementwise when nothing is sparsified (a sum, or TIES
 * consensus over plain task vectors), multi-pass for the magnitude trim and the random drop; none
 * for the other sparsifiers, which the executor runs whole.
 */
function chunkedTaskVectorMerge(config: TaskVectorConfig, setup: ChunkedMergeSetup<TaskVectorParams, TaskVectorModelParams>): ChunkedMerge | undefined {
  if (!setup.hasBase) return undefined;
  if (setup.models === 0) return { kind: "elementwise", map: (_tensors, base, out) => out.set(base!) };
  const weights = setup.perModel.map((p) => p.weight);
  const options = { consensus: config.consensus, normalize: setup.params.normalize, lambda: setup.params.lambda };
  if (sparsifiesNothing(config, setup.perModel)) {
    if (!config.consensus) {
      // The combiner's sum over implicit task vectors, its factors also declared for the fused kernels.
      const sum = taskVectorSumFactors(weights, options);
      return { kind: "elementwise", map: (tensors, base, out) => void sumTensorDeltas(tensors, sum, base!, out), fused: { kind: "tensor-deltas", ...sum } };
    }
    const combine = taskVectorCombiner(weights, weights.map(() => 1), options);
    // Consensus reads materialised task vectors: computed per chunk into kernel scratch (the
    // form lives for one step; a shorter last chunk gets its own).
    let deltas: Float32Array[] = [];
    return {
      kind: "elementwise",
      map(tensors, base, out) {
        if (deltas.length === 0 || deltas[0].length !== out.length) deltas = tensors.map(() => scratchFloats(out.length));
        for (let m = 0; m < tensors.length; m++) taskVector(tensors[m], base!, deltas[m]);
        combine(deltas, false, base!, out);
      },
    };
  }
  const densities = setup.perModel.map((p) => p.density);
  if (densities.some(Number.isNaN)) return undefined;
  const rescale = setup.params.rescale;
  switch (config.sparsifier) {
    case "magnitude":
      return chunkedMagnitudeMerge({ method: config.name, tensorName: setup.tensorName, densities, weights, rescale, options });
    case "random":
      return chunkedRandomMerge({ densities, weights, rescale, options });
    case "none":
    case "magnitude_outliers":
    case "della_magprune":
      return undefined;
    default:
      void (config.sparsifier satisfies never);
      return undefined;
  }
}
