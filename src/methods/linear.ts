import { z } from "zod";
import { defineMergeMethod } from "./define-merge-method.js";
import { MergeInputError } from "./merge-input-error.js";
import { flag, weight } from "./param-schemas.js";
import { float32WeightSum, weightedAverage } from "./weighted-average.js";

/**
 * Weighted average of the inputs ("model soup"). `normalize` divides by the weight sum with no
 * zero guard, like mergekit: weights summing to 0 give +-Infinity/NaN. A base model, if any, is just
 * another weighted input. Float32 arithmetic in mergekit's order (weighted-average.ts): the same
 * bits as mergekit.
 */
export const linear = defineMergeMethod({
  name: "linear",
  paper: {
    title: "Model soups: averaging weights of multiple fine-tuned models improves accuracy without increasing inference time",
    url: "https://arxiv.org/abs/2203.05482",
  },
  params: z.object({ normalize: flag(true, "Divide the weighted sum by the sum of the weights.") }),
  perModel: z.object({ weight }),
  base: "input",
  stochastic: false,
  models: [1, Number.POSITIVE_INFINITY],
  merge({ tensors, perModel, params, tensorName }) {
    if (tensors.length === 0) throw new MergeInputError("linear", tensorName, "needs at least one model");
    const w = perModel.map((p) => p.weight);
    return weightedAverage(tensors, w, divisor(w, params.normalize));
  },
  chunked({ models, perModel, params }) {
    if (models === 0) return undefined;
    const w = perModel.map((p) => p.weight);
    const div = divisor(w, params.normalize);
    return { kind: "elementwise", map: (tensors, _base, out) => void weightedAverage(tensors, w, div, out), fused: { kind: "weighted-sum", weights: w, divisor: div } };
  },
});

/** The float32 sum of the float32 weights in model order when normalizing, else 1. */
function divisor(w: readonly number[], normalize: boolean): number {
  // No zero guard: mergekit divides by the raw sum (Inf/NaN when it is 0).
  return normalize ? float32WeightSum(w) : 1;
}
