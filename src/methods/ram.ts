import { z } from "zod";
import { defineMergeMethod } from "./define-merge-method.js";
import { MergeInputError } from "./merge-input-error.js";
import { num } from "./param-schemas.js";
import { countChanges } from "./ram-core.js";

/**
 * RAM: each entry is the mean of the task-vector entries of the models that actually changed it
 * (|d| > epsilon, strict); entries no model changed stay at the base, so sub-epsilon edits are
 * erased. No per-model weights.
 */
export const ram = defineMergeMethod({
  name: "ram",
  paper: { title: "Reinforced Agent Merging", url: "https://arxiv.org/abs/2601.13572" },
  params: z.object({ epsilon: num(1e-5, "An entry counts as changed when |x - base| > epsilon.") }),
  perModel: z.object({}),
  base: "required",
  stochastic: false,
  models: [1, Number.POSITIVE_INFINITY],
  merge({ tensors, base, params, tensorName }) {
    if (!base) throw new MergeInputError("ram", tensorName, "needs a base_model to find the changed entries");
    if (tensors.length === 0) return Float32Array.from(base);
    const { epsilon } = params;
    const { deltas, counts } = countChanges(tensors, base, epsilon);
    const out = new Float32Array(base.length);
    for (let i = 0; i < out.length; i++) {
      let sum = 0;
      for (const d of deltas) if (Math.abs(d[i]) > epsilon) sum += d[i];
      out[i] = base[i] + sum / Math.max(counts[i], 1);
    }
    return out;
  },
});
