import { z } from "zod";
import { defineMergeMethod } from "./define-merge-method.js";
import { MergeInputError } from "./merge-input-error.js";
import { flag, weight } from "./param-schemas.js";

const NORM_FLOOR = 1e-7;
const SIN_FLOOR = 1e-8;
const WEIGHT_SUM_FLOOR = 1e-6;

/**
 * mergekit's NuSLERP: SLERP of two models with t = w_b / (w_a + w_b), optionally on task vectors
 * relative to a base, and optionally per row or per column instead of the whole tensor.
 * Observed semantics: `nuslerp_flatten` (default) uses the whole tensor and ignores `row_wise`;
 * with flatten off, `row_wise: false` interpolates each row and `row_wise: true` each column.
 */
export const nuslerp = defineMergeMethod({
  name: "nuslerp",
  paper: { title: "mergekit: NuSLERP (normalized SLERP) merge method", url: "https://github.com/arcee-ai/mergekit/blob/main/docs/merge_methods.md" },
  params: z.object({
    nuslerp_row_wise: flag(false, "With flatten off: interpolate columns instead of rows."),
    nuslerp_flatten: flag(true, "Interpolate the whole tensor as one vector."),
  }),
  perModel: z.object({ weight }),
  base: "optional",
  stochastic: false,
  models: [2, 2],
  merge({ tensors, perModel, base, params, shape, tensorName }) {
    if (tensors.length !== 2) {
      throw new MergeInputError("nuslerp", tensorName, `interpolates exactly two models (plus an optional base_model), got ${tensors.length}; the base cannot be one of the two`);
    }
    const [wa, wb] = [perModel[0].weight, perModel[1].weight];
    const sum = wa + wb;
    const t = Math.abs(sum) < WEIGHT_SUM_FLOOR ? 0.5 : wb / sum;
    const n = tensors[0].length;
    const v0 = new Float64Array(n);
    const v1 = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      v0[i] = base ? Math.fround(tensors[0][i] - base[i]) : tensors[0][i];
      v1[i] = base ? Math.fround(tensors[1][i] - base[i]) : tensors[1][i];
    }
    const out = new Float32Array(n);
    // Vectors are strided runs: `count` vectors of `length` elements, element j of vector k at k*outerStride + j*stride.
    let count = 1;
    let length = n;
    let outerStride = 0;
    let stride = 1;
    if (!params.nuslerp_flatten && shape.length >= 2) {
      const rows = shape[0];
      const cols = n / rows;
      if (params.nuslerp_row_wise) [count, length, outerStride, stride] = [cols, rows, 1, cols];
      else [count, length, outerStride, stride] = [rows, cols, cols, 1];
    }
    for (let k = 0; k < count; k++) {
      slerpStrided(v0, v1, out, t, k * outerStride, length, stride);
    }
    if (base) for (let i = 0; i < n; i++) out[i] += base[i];
    return out;
  },
});

function slerpStrided(v0: Float64Array, v1: Float64Array, out: Float32Array, t: number, start: number, length: number, stride: number): void {
  let s00 = 0;
  let s11 = 0;
  let s01 = 0;
  for (let j = 0, i = start; j < length; j++, i += stride) {
    s00 += v0[i] * v0[i];
    s11 += v1[i] * v1[i];
    s01 += v0[i] * v1[i];
  }
  const c = Math.min(1, Math.max(-1, s01 / (Math.max(Math.sqrt(s00), NORM_FLOOR) * Math.max(Math.sqrt(s11), NORM_FLOOR))));
  const theta = Math.acos(c);
  const sinTheta = Math.sin(theta);
  let a: number;
  let b: number;
  if (Math.abs(sinTheta) < SIN_FLOOR) {
    a = 1 - t;
    b = t;
  } else {
    a = Math.sin((1 - t) * theta) / sinTheta;
    b = Math.sin(t * theta) / sinTheta;
  }
  for (let j = 0, i = start; j < length; j++, i += stride) out[i] = a * v0[i] + b * v1[i];
}
