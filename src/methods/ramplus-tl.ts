import { z } from "zod";
import { defineMergeMethod } from "./define-merge-method.js";
import { MergeInputError } from "./merge-input-error.js";
import { num } from "./param-schemas.js";
import { countChanges } from "./ram-core.js";

/**
 * RAM+ (ramplus_tl): as RAM, but each model's unique entries (changed by it alone) are boosted by
 * lambda_i = 1 + r * clamp(shared_i / max(unique_i, epsilon), 0, alpha), where shared_i / unique_i
 * count that model's changed entries that other models also changed / did not. Shared entries are
 * averaged as in RAM.
 */
export const ramplusTl = defineMergeMethod({
  name: "ramplus_tl",
  paper: { title: "Reinforced Agent Merging", url: "https://arxiv.org/abs/2601.13572" },
  params: z.object({
    r: num(0.1, "Strength of the boost of unique entries."),
    alpha: num(0.2, "Cap on the shared/unique ratio."),
    epsilon: num(1e-5, "An entry counts as changed when |x - base| > epsilon; also the ratio's denominator floor."),
  }),
  perModel: z.object({}),
  base: "required",
  stochastic: false,
  models: [1, Number.POSITIVE_INFINITY],
  merge({ tensors, base, params, tensorName }) {
    if (!base) throw new MergeInputError("ramplus_tl", tensorName, "needs a base_model to find the changed entries");
    if (tensors.length === 0) return Float32Array.from(base);
    const { epsilon, r, alpha } = params;
    const { deltas, counts } = countChanges(tensors, base, epsilon);
    const n = base.length;
    const boost = deltas.map((d) => {
      let shared = 0;
      let unique = 0;
      for (let i = 0; i < n; i++) {
        if (!(Math.abs(d[i]) > epsilon)) continue;
        if (counts[i] > 1) shared++;
        else unique++;
      }
      const rho = shared + unique === 0 ? 0 : shared / Math.max(unique, epsilon);
      return 1 + r * Math.min(Math.max(rho, 0), alpha);
    });
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      const c = counts[i];
      for (let m = 0; m < deltas.length; m++) {
        const d = deltas[m][i];
        if (Math.abs(d) > epsilon) sum += c === 1 ? boost[m] * d : d;
      }
      out[i] = base[i] + (c > 1 ? sum / c : sum);
    }
    return out;
  },
});
