import { z } from "zod";
import { defineMergeMethod } from "./define-merge-method.js";
import { MergeInputError } from "./merge-input-error.js";
import { requiredNum } from "./param-schemas.js";
import { scratchDoubles, scratchFloats } from "./wasm/kernel-scratch.js";
import { simdAddDots } from "./wasm/simd-dots.js";
import { simdMix } from "./wasm/simd-sums.js";

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
  chunked({ models, hasBase, params }) {
    if (!hasBase || models > 1) return undefined;
    if (models === 0) return { kind: "elementwise", map: (_tensors, base, out) => out.set(base!) };
    return {
      kind: "passes",
      run(io) {
        // Pass 1: the dot products, float64 in index order as slerpVectors sums them; pass 2: mix.
        const size = io.chunk;
        // Kernel scratch: with the SIMD kernels, addDots and mix run there.
        const v0 = scratchFloats(size);
        const v1 = scratchFloats(size);
        const out = scratchFloats(size);
        const sums = scratchDoubles(3).fill(0);
        const chunks = (visit: (a: Float32Array, b: Float32Array, start: number) => void) => {
          for (let start = 0; start < io.length; start += size) {
            const length = Math.min(size, io.length - start);
            const a = length === size ? v0 : v0.subarray(0, length);
            const b = length === size ? v1 : v1.subarray(0, length);
            io.base!(start, a);
            io.tensors[0](start, b);
            visit(a, b, start);
          }
        };
        chunks((a, b) => addDots(a, b, sums));
        const ab = slerpCoefficients(sums, params.t);
        chunks((a, b, start) => io.write(start, mix(a, b, ab[0], ab[1], a.length === size ? out : out.subarray(0, a.length))));
      },
    };
  },
});

/** SLERP of two flat vectors with mergekit's constants (whole tensor = one vector). */
export function slerpVectors(v0: Float32Array, v1: Float32Array, t: number): Float32Array {
  const sums = new Float64Array(3);
  addDots(v0, v1, sums);
  const ab = slerpCoefficients(sums, t);
  return mix(v0, v1, ab[0], ab[1], new Float32Array(v0.length));
}

/** Adds v0.v0, v1.v1 and v0.v1 (float64, index order) to `sums`. */
export function addDots(v0: Float32Array, v1: Float32Array, sums: Float64Array): void {
  if (simdAddDots(v0, v1, sums)) return;
  let s00 = sums[0];
  let s11 = sums[1];
  let s01 = sums[2];
  for (let i = 0; i < v0.length; i++) {
    s00 += v0[i] * v0[i];
    s11 += v1[i] * v1[i];
    s01 += v0[i] * v1[i];
  }
  sums[0] = s00;
  sums[1] = s11;
  sums[2] = s01;
}

/**
 * The weights [a, b] of `a * v0 + b * v1` from the dot products [v0.v0, v1.v1, v0.v1]. In a
 * Float64Array: a JS array may canonicalise a NaN's bits, which would change a NaN output's bits.
 */
function slerpCoefficients(sums: Float64Array, t: number): Float64Array {
  const n0 = Math.sqrt(sums[0]);
  const n1 = Math.sqrt(sums[1]);
  const c = sums[2] / ((n0 > NORM_FLOOR ? n0 : 1) * (n1 > NORM_FLOOR ? n1 : 1));
  const ab = new Float64Array(2);
  if (Math.abs(c) > COLINEAR) {
    ab[0] = 1 - t;
    ab[1] = t;
  } else {
    const theta = Math.acos(c);
    const sinTheta = Math.sin(theta);
    ab[0] = Math.sin(theta - t * theta) / sinTheta;
    ab[1] = Math.sin(t * theta) / sinTheta;
  }
  return ab;
}

export function mix(v0: Float32Array, v1: Float32Array, a: number, b: number, out: Float32Array): Float32Array {
  if (simdMix(v0, v1, a, b, out)) return out;
  for (let i = 0; i < out.length; i++) out[i] = a * v0[i] + b * v1[i];
  return out;
}
