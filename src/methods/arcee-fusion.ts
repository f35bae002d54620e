import { z } from "zod";
import { defineMergeMethod } from "./define-merge-method.js";
import { MergeInputError } from "./merge-input-error.js";
import { floatFromOrderedKey, kthLargestKey, orderedFloatKeys } from "./select-top-k.js";

const SOFTMAX_OFFSET = 1e-8;

/**
 * Arcee Fusion: take the model's change only where it matters, scoring each entry by
 * |x - base| times the KL divergence between the row softmaxes, and keeping entries above an
 * outlier threshold median + 1.5 IQR. Quartiles are `sorted[trunc(q (n - 1))]` without
 * interpolation, like mergekit. mergekit samples 1e6 entries for larger tensors (so its result is
 * random there); we always use the exact quantiles, found by selection rather than a sort.
 * Scores and threshold are rounded to float32 as mergekit computes them.
 */
export const arceeFusion = defineMergeMethod({
  name: "arcee_fusion",
  paper: {
    title: "Arcee Fusion (mergekit v0.1 announcement)",
    url: "https://www.arcee.ai/blog/meet-mergekit-v0-1-arcee-fusion-expanded-model-support-multi-gpu-acceleration",
  },
  params: z.object({}),
  perModel: z.object({}),
  base: "required",
  stochastic: false,
  models: [1, 1],
  merge({ tensors, base, shape, tensorName }) {
    if (!base || tensors.length !== 1) {
      throw new MergeInputError("arcee_fusion", tensorName, `takes a base_model plus exactly one other model, got ${tensors.length} other(s)${base ? "" : " and no base"}`);
    }
    const x = tensors[0];
    const n = x.length;
    const rowLength = shape.length === 0 ? n : shape[shape.length - 1];
    const importance = new Float32Array(n);
    for (let start = 0; start < n; start += rowLength) {
      const kl = Math.fround(rowKl(x, base, start, rowLength));
      for (let i = start; i < start + rowLength; i++) importance[i] = Math.fround(Math.abs(Math.fround(x[i] - base[i]))) * kl;
    }
    const keys = orderedFloatKeys(importance);
    const quantile = (q: number) => floatFromOrderedKey(kthLargestKey(keys, 0xffffffff, n - Math.trunc(q * (n - 1))).key);
    const q25 = quantile(0.25);
    const q50 = quantile(0.5);
    const q75 = quantile(0.75);
    const threshold = Math.fround(q50 + Math.fround(1.5 * Math.fround(q75 - q25)));
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = importance[i] >= threshold ? x[i] : base[i];
    return out;
  },
});

/** KL(softmax(x) + 1e-8 || softmax(b) + 1e-8) over one row, in float64. */
function rowKl(x: Float32Array, b: Float32Array, start: number, length: number): number {
  let mx = -Infinity;
  let mb = -Infinity;
  for (let i = start; i < start + length; i++) {
    if (x[i] > mx) mx = x[i];
    if (b[i] > mb) mb = b[i];
  }
  let zx = 0;
  let zb = 0;
  for (let i = start; i < start + length; i++) {
    zx += Math.exp(x[i] - mx);
    zb += Math.exp(b[i] - mb);
  }
  let kl = 0;
  for (let i = start; i < start + length; i++) {
    const p = Math.exp(x[i] - mx) / zx + SOFTMAX_OFFSET;
    const q = Math.exp(b[i] - mb) / zb + SOFTMAX_OFFSET;
    kl += p * Math.log(p / q);
  }
  return kl;
}
