import { z } from "zod";
import { defineMergeMethod } from "./define-merge-method.js";
import { MergeInputError } from "./merge-input-error.js";
import { flag, num, weight } from "./param-schemas.js";

/**
 * Multi-SLERP: a weighted spherical barycentre of any number of (task) vectors, scaled by their
 * weighted mean norm. mergekit builds the tangent vectors by projection (g_i = u_i - (u_i.m) m)
 * rather than the log map; their weighted sum is, analytically, M - (M.m) m = 0 for
 * m = M/|M|, so the step is a rounding-size correction and the direction is essentially the
 * normalised weighted mean of unit vectors. We still evaluate the formula (via scalars, without
 * materialising g) so behaviour such as `eps` entering `r = |g| + eps` matches.
 */
export const multislerp = defineMergeMethod({
  name: "multislerp",
  paper: { title: "Multi-SLERP (Charles Goddard)", url: "https://goddard.blog/posts/multislerp-wow-what-a-cool-idea" },
  params: z.object({
    normalize_weights: flag(true, "Divide the weights by their sum (no zero guard)."),
    eps: num(1e-8, "Added to norms, and the threshold below which the weighted mean direction is zero."),
  }),
  perModel: z.object({ weight }),
  base: "optional",
  stochastic: false,
  models: [1, Number.POSITIVE_INFINITY],
  merge({ tensors, perModel, base, params, tensorName }) {
    const count = tensors.length;
    if (count === 0) throw new MergeInputError("multislerp", tensorName, "needs at least one model");
    if (count === 1) return Float32Array.from(tensors[0]);
    const { eps } = params;
    const n = tensors[0].length;
    const y = tensors.map((x) => {
      if (!base) return x;
      const d = new Float32Array(n);
      for (let i = 0; i < n; i++) d[i] = x[i] - base[i];
      return d;
    });
    let w = perModel.map((p) => p.weight);
    if (params.normalize_weights) {
      const total = w.reduce((a, b) => a + b, 0);
      w = w.map((v) => v / total);
    }
    const norms = y.map((v) => Math.sqrt(dot(v, v)));
    const inv = norms.map((v) => 1 / (v + eps));
    // M = sum_i w_i u_i, element-wise, never stored; we need |M| and y_i.M.
    let mm = 0;
    const yM = new Float64Array(count);
    for (let j = 0; j < n; j++) {
      let mj = 0;
      for (let i = 0; i < count; i++) mj += w[i] * inv[i] * y[i][j];
      mm += mj * mj;
      for (let i = 0; i < count; i++) yM[i] += y[i][j] * mj;
    }
    const mNorm = Math.sqrt(mm);
    const out = new Float32Array(n);
    if (mNorm < eps) {
      if (count !== 2) {
        throw new MergeInputError("multislerp", tensorName, "the weighted sum of the unit input vectors is zero (antipodal inputs whose weights cancel); use different weights");
      }
      for (let j = 0; j < n; j++) out[j] = w[0] * y[0][j] + w[1] * y[1][j] + (base ? base[j] : 0);
      return out;
    }
    // c_i = u_i.m ; g = M - beta m with beta = sum_i w_i c_i ; |g| = |mNorm - beta|.
    let beta = 0;
    for (let i = 0; i < count; i++) beta += (w[i] * inv[i] * yM[i]) / mNorm;
    const gNorm = Math.abs(mNorm - beta);
    const r = gNorm + eps;
    // dir = m cos r + g sin(r)/r, with m = M/mNorm and g = M (1 - beta/mNorm): one factor on M.
    const scaleNorm = w.reduce((acc, wi, i) => acc + wi * norms[i], 0);
    const factor = ((Math.cos(r) + (mNorm - beta) * (Math.sin(r) / r)) / mNorm) * scaleNorm;
    for (let j = 0; j < n; j++) {
      let mj = 0;
      for (let i = 0; i < count; i++) mj += w[i] * inv[i] * y[i][j];
      out[j] = mj * factor + (base ? base[j] : 0);
    }
    return out;
  },
});

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
