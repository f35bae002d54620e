import { simdWeightedSum } from "./wasm/simd-sums.js";

/**
 * `out[i] = (0 + w0*t0[i] + w1*t1[i] + ...) / divisor`, accumulated in float64 in model order,
 * rounded once to float32: the arithmetic of linear merging.
 *
 * One to three models get their own loops with the arrays and weights in locals: the generic
 * element-major loop indexes an array of arrays per element and runs ~2-3x slower (V8 keeps
 * neither the inner trip count nor the arrays in registers). The leading `0 +` is kept on purpose:
 * it turns a -0 product into +0 exactly as the generic loop's `s = 0; s += ...` does, so every path
 * gives the same bits. `dst` (as long as the inputs) receives the result instead of a new array.
 * Arrays in the SIMD kernels' memory go to their twin of this loop (wasm/simd-sums.ts).
 */
export function weightedAverage(tensors: readonly Float32Array[], weights: readonly number[], divisor: number, dst?: Float32Array): Float32Array {
  const n = tensors[0].length;
  const out = dst ?? new Float32Array(n);
  if (simdWeightedSum(tensors, weights, divisor, out)) return out;
  const div = divisor;
  switch (tensors.length) {
    case 1: {
      const [a] = tensors;
      const wa = weights[0];
      for (let i = 0; i < n; i++) out[i] = (0 + wa * a[i]) / div;
      return out;
    }
    case 2: {
      const [a, b] = tensors;
      const wa = weights[0];
      const wb = weights[1];
      for (let i = 0; i < n; i++) out[i] = (0 + wa * a[i] + wb * b[i]) / div;
      return out;
    }
    case 3: {
      const [a, b, c] = tensors;
      const wa = weights[0];
      const wb = weights[1];
      const wc = weights[2];
      for (let i = 0; i < n; i++) out[i] = (0 + wa * a[i] + wb * b[i] + wc * c[i]) / div;
      return out;
    }
    default: {
      const count = tensors.length;
      const w = Float64Array.from(weights);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let m = 0; m < count; m++) s += w[m] * tensors[m][i];
        out[i] = s / div;
      }
      return out;
    }
  }
}
