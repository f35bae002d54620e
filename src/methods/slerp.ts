import { z } from "zod";
import { defineMergeMethod } from "./define-merge-method.js";
import { MergeInputError } from "./merge-input-error.js";
import { requiredNum } from "./param-schemas.js";

/** |cos| above this: the vectors are (anti)parallel enough that mergekit lerps instead. */
const COLINEAR = 0.9995;
/** Norms at or below this are not normalised (a zero tensor keeps cos = 0). */
const NORM_FLOOR = 1e-8;

/**
 * Spherical interpolation between the base (t = 0) and one other model (t = 1), with the whole
 * tensor as one vector. As mergekit: coefficients multiply the raw tensors (norms are not
 * interpolated), |cos| > 0.9995 lerps (anti-parallel too), t is not clamped.
 */
export const slerp = defineMergeMethod({
  name: "slerp",
  paper: { title: "Animating Rotation with Quaternion Curves (Shoemake, SIGGRAPH 1985)", url: "https://doi.org/10.1145/325165.325242" },
  params: z.object({ t: requiredNum("Interpolation factor: 0 gives the base model, 1 the other model.") }),
  perModel: z.object({}),
  base: "required",
  stochastic: false,
  models: [0, 1],
  merge({ tensors, base, params, tensorName }) {
    if (!base) throw new MergeInputError("slerp", tensorName, "needs base_model (the t = 0 end)");
    if (tensors.length === 0) return Float32Array.from(base);
    if (tensors.length > 1) {
      throw new MergeInputError("slerp", tensorName, `interpolates exactly two tensors (base + one model), got ${tensors.length + 1}; use multislerp or karcher for more`);
    }
    return slerpVectors(base, tensors[0], params.t);
  },
});

/** SLERP of two flat vectors with mergekit's constants (whole tensor = one vector). */
export function slerpVectors(v0: Float32Array, v1: Float32Array, t: number): Float32Array {
  const n = v0.length;
  let s00 = 0;
  let s11 = 0;
  let s01 = 0;
  for (let i = 0; i < n; i++) {
    s00 += v0[i] * v0[i];
    s11 += v1[i] * v1[i];
    s01 += v0[i] * v1[i];
  }
  const n0 = Math.sqrt(s00);
  const n1 = Math.sqrt(s11);
  const c = s01 / ((n0 > NORM_FLOOR ? n0 : 1) * (n1 > NORM_FLOOR ? n1 : 1));
  let a: number;
  let b: number;
  if (Math.abs(c) > COLINEAR) {
    a = 1 - t;
    b = t;
  } else {
    const theta = Math.acos(c);
    const sinTheta = Math.sin(theta);
    a = Math.sin(theta - t * theta) / sinTheta;
    b = Math.sin(t * theta) / sinTheta;
  }
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = a * v0[i] + b * v1[i];
  return out;
}
