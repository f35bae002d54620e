import { z } from "zod";
import { defineMergeMethod } from "./define-merge-method.js";
import { MergeInputError } from "./merge-input-error.js";
import { flag, num } from "./param-schemas.js";
import { topKMask } from "./select-top-k.js";

const UNIFORM_FLOOR = 1e-6;
const DIVISOR_FLOOR = 1e-6;

/**
 * SCE (Select, Calculate, Erase) from FuseChat: keep the positions where the task vectors vary most
 * across models, weight each model by its share of the mean squared task vector, and average the
 * entries that agree with the elected sign. No per-model parameters (weights are ignored, as in
 * mergekit). The top-k count is computed in float32 like mergekit (`100 * 0.29 -> 29`).
 */
export const sce = defineMergeMethod({
  name: "sce",
  paper: { title: "FuseChat: Knowledge Fusion of Chat Models", url: "https://arxiv.org/abs/2408.07990" },
  params: z.object({
    int8_mask: flag(false, "mergekit stores the sign mask as int8 to save memory; no numerical effect."),
    select_topk: num(1, "Fraction of positions (by variance across models) kept."),
  }),
  perModel: z.object({}),
  base: "required",
  stochastic: false,
  models: [1, Number.POSITIVE_INFINITY],
  merge({ tensors, base, params, tensorName }) {
    if (!base) throw new MergeInputError("sce", tensorName, "needs a base_model to compute task vectors");
    const count = tensors.length;
    if (count === 0) return Float32Array.from(base);
    const n = base.length;
    const deltas = tensors.map((x) => {
      const d = new Float32Array(n);
      for (let i = 0; i < n; i++) d[i] = x[i] - base[i];
      return d;
    });
    if (params.select_topk < 1) selectByVariance(deltas, params.select_topk);
    // Calculate: c_i = mean(d_i^2) / sum_j mean(d_j^2), uniform when the task vectors are tiny.
    const energy = deltas.map((d) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += d[i] * d[i];
      return s / n;
    });
    const total = energy.reduce((a, b) => a + b, 0);
    const c = total < UNIFORM_FLOOR ? energy.map(() => 1 / count) : energy.map((e) => e / total);
    // Erase: keep entries agreeing with the sign of the unweighted sum (0 elects +).
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let m = 0; m < count; m++) sum += deltas[m][i];
      const positive = sum >= 0;
      let mixed = 0;
      let div = 0;
      for (let m = 0; m < count; m++) {
        const d = deltas[m][i];
        if (positive ? d > 0 : d < 0) {
          mixed += c[m] * d;
          div += c[m];
        }
      }
      out[i] = base[i] + mixed / Math.max(div, DIVISOR_FLOOR);
    }
    return out;
  },
});

/** Zeroes, in every model, all positions outside the top-k by population variance across models. */
function selectByVariance(deltas: Float32Array[], topk: number): void {
  const n = deltas[0].length;
  const count = deltas.length;
  const variance = new Float32Array(n);
  let nonzero = 0;
  for (let i = 0; i < n; i++) {
    let mean = 0;
    for (let m = 0; m < count; m++) mean += deltas[m][i];
    mean /= count;
    let v = 0;
    for (let m = 0; m < count; m++) v += (deltas[m][i] - mean) ** 2;
    variance[i] = v / count;
    if (variance[i] !== 0) nonzero++;
  }
  const k = topk <= 0 ? 0 : Math.trunc(Math.fround(Math.fround(nonzero) * Math.fround(topk)));
  const keep = topKMask(new Uint32Array(variance.buffer), 0x7fffffff, k, new Uint8Array(n));
  for (const d of deltas) for (let i = 0; i < n; i++) if (keep[i] === 0) d[i] = 0;
}
