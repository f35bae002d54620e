import { z } from "zod";
import { defineMergeMethod } from "./define-merge-method.js";
import { MergeInputError } from "./merge-input-error.js";
import { flag } from "./param-schemas.js";

const NORM_PRODUCT_FLOOR = 1e-6;

/**
 * Model Stock: interpolate between the base and the average of the fine-tunes with a ratio derived
 * from the mean pairwise cosine of their task vectors, t = N cos / (1 + (N - 1) cos) (no guard on the
 * denominator, as mergekit). `filter_wise` computes one ratio per row.
 */
export const modelStock = defineMergeMethod({
  name: "model_stock",
  paper: { title: "Model Stock: All we need is just a few fine-tuned models", url: "https://arxiv.org/abs/2403.19522" },
  params: z.object({ filter_wise: flag(false, "Compute the interpolation ratio per row instead of per tensor.") }),
  perModel: z.object({}),
  base: "required",
  stochastic: false,
  models: [2, Number.POSITIVE_INFINITY],
  merge({ tensors, base, params, shape, tensorName }) {
    const count = tensors.length;
    if (!base || count < 2) {
      throw new MergeInputError("model_stock", tensorName, `needs a base_model plus at least two fine-tuned models, got ${count}${base ? "" : " and no base"}`);
    }
    const n = base.length;
    const rows = params.filter_wise && shape.length >= 2 ? shape[0] : 1;
    const length = n / rows;
    const out = new Float32Array(n);
    const dots = new Float64Array(count * count);
    for (let r = 0; r < rows; r++) {
      const start = r * length;
      dots.fill(0);
      for (let i = start; i < start + length; i++) {
        for (let a = 0; a < count; a++) {
          const oa = Math.fround(tensors[a][i] - base[i]);
          for (let b = a; b < count; b++) dots[a * count + b] += oa * Math.fround(tensors[b][i] - base[i]);
        }
      }
      let cosSum = 0;
      let pairs = 0;
      for (let a = 0; a < count; a++) {
        for (let b = a + 1; b < count; b++) {
          const denom = Math.max(Math.sqrt(dots[a * count + a]) * Math.sqrt(dots[b * count + b]), NORM_PRODUCT_FLOOR);
          cosSum += Math.min(1, Math.max(-1, dots[a * count + b] / denom));
          pairs++;
        }
      }
      const cos = cosSum / pairs;
      const t = (count * cos) / (1 + (count - 1) * cos);
      for (let i = start; i < start + length; i++) {
        let mean = 0;
        for (let a = 0; a < count; a++) mean += tensors[a][i];
        out[i] = t * (mean / count) + (1 - t) * base[i];
      }
    }
    return out;
  },
});
