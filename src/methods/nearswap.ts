import { z } from "zod";
import { defineMergeMethod } from "./define-merge-method.js";
import { MergeInputError } from "./merge-input-error.js";
import { requiredNum } from "./param-schemas.js";

/** Floor on |base - x| so identical entries do not divide by zero. */
const DISTANCE_FLOOR = 1e-6;

/**
 * NearSwap: entries where the model is within `t` of the base are taken from the model; others
 * move towards it by `t / |base - x|`. Per element: w = clamp(t / max(|b - x|, 1e-6), 0, 1),
 * out = w x + (1 - w) b.
 */
export const nearswap = defineMergeMethod({
  name: "nearswap",
  paper: { title: "NearSwap (alchemonaut, QuartetAnemoi-70B model card)", url: "https://huggingface.co/alchemonaut/QuartetAnemoi-70B-t0.0001" },
  params: z.object({ t: requiredNum("Similarity threshold: entries closer than t to the base are swapped in.") }),
  perModel: z.object({}),
  base: "required",
  stochastic: false,
  models: [1, 1],
  merge({ tensors, base, params, tensorName }) {
    if (!base || tensors.length !== 1) {
      throw new MergeInputError("nearswap", tensorName, `takes a base_model plus exactly one other model, got ${tensors.length} other(s)${base ? "" : " and no base"}`);
    }
    const x = tensors[0];
    const { t } = params;
    const out = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const dist = Math.max(Math.abs(base[i] - x[i]), DISTANCE_FLOOR);
      const w = Math.min(Math.max(t / dist, 0), 1);
      out[i] = w * x[i] + (1 - w) * base[i];
    }
    return out;
  },
});
