import { z } from "zod";
import { defineMergeMethod } from "./define-merge-method.js";
import { MergeInputError } from "./merge-input-error.js";
import { int, num } from "./param-schemas.js";

/**
 * Karcher (Riemannian) mean of the inputs' directions on the unit sphere, scaled by their mean norm.
 * As mergekit: every input (a base included) gets weight 1/N and per-model weights are not read;
 * inputs with norm <= tol are left out of the direction but still count in the norm average, so a
 * zero tensor shrinks the output.
 */
export const karcher = defineMergeMethod({
  name: "karcher",
  paper: {
    title: "Riemannian center of mass and mollifier smoothing (Karcher, 1977)",
    url: "https://doi.org/10.1002/cpa.3160300502",
  },
  params: z.object({
    max_iter: int(10, "Maximum gradient iterations on the sphere."),
    tol: num(1e-5, "Convergence tolerance; also the zero-norm and small-angle threshold."),
  }),
  perModel: z.object({}),
  base: "input",
  stochastic: false,
  models: [1, Number.POSITIVE_INFINITY],
  merge({ tensors, params, tensorName }) {
    const count = tensors.length;
    if (count === 0) throw new MergeInputError("karcher", tensorName, "needs at least one model");
    const { max_iter: maxIter, tol } = params;
    const n = tensors[0].length;
    const norms = tensors.map((x) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += x[i] * x[i];
      return Math.sqrt(s);
    });
    const valid = norms.flatMap((v, i) => (v > tol ? [i] : []));
    if (valid.length === 0) return new Float32Array(n);
    const a = 1 / valid.length;
    const inv = norms.map((v) => (v > 0 ? 1 / v : 0));
    const u = new Float64Array(n);
    for (const m of valid) for (let i = 0; i < n; i++) u[i] += a * tensors[m][i] * inv[m];
    if (!normalise(u, tol)) {
      const first = valid[0];
      for (let i = 0; i < n; i++) u[i] = tensors[first][i] * inv[first];
    }
    const step = new Float64Array(n);
    for (let iter = 0; iter < maxIter; iter++) {
      step.fill(0);
      for (const m of valid) {
        const x = tensors[m];
        let c = 0;
        for (let i = 0; i < n; i++) c += u[i] * x[i];
        c = Math.min(1, Math.max(-1, c * inv[m]));
        const theta = Math.acos(c);
        if (theta < tol) continue;
        const f = (a * theta) / Math.sin(theta);
        for (let i = 0; i < n; i++) step[i] += f * (x[i] * inv[m] - c * u[i]);
      }
      const stepNorm = norm(step);
      if (stepNorm < tol) break;
      const cs = Math.cos(stepNorm);
      const sn = Math.sin(stepNorm) / stepNorm;
      for (let i = 0; i < n; i++) u[i] = cs * u[i] + sn * step[i];
      normalise(u, tol);
    }
    const scale = norms.reduce((acc, v) => acc + v, 0) / count;
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = u[i] * scale;
    return out;
  },
});

function norm(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/** Scales v to unit norm when its norm exceeds tol; returns whether it did. */
function normalise(v: Float64Array, tol: number): boolean {
  const len = norm(v);
  if (!(len > tol)) return false;
  for (let i = 0; i < v.length; i++) v[i] /= len;
  return true;
}
