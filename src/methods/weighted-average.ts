import { simdWeightedSum } from "./wasm/simd-sums.js";

/**
 * `out[i] = f32(0 + f32(w0*t0[i]) + f32(w1*t1[i]) + ...) / divisor`: the arithmetic of linear
 * merging, in float32 as mergekit does it (weights and divisor rounded to float32; each product,
 * each sum in model order from +0 and the division rounded to float32), so a linear merge gives
 * mergekit's bits. A divisor of 1 (no normalize) leaves the sum as it is.
 *
 * Float32 operations as float64 ones rounded by Math.fround: for float32 operands a float64 sum,
 * product or quotient rounded once more to float32 is the correctly rounded float32 result (float64
 * has more than 2*24+2 bits), and the store into the Float32Array is the last rounding. One to
 * three models get their own loops with the arrays and weights in locals: the generic
 * element-major loop indexes an array of arrays per element and runs ~2-3x slower. The leading
 * `0 +` is kept on purpose: it turns a -0 product into +0 exactly as the generic loop's `s = 0`
 * does, so every path gives the same bits. `dst` (as long as the inputs) receives the result
 * instead of a new array. Arrays in the SIMD kernels' memory go to their twin of this loop
 * (wasm/simd-sums.ts).
 */
export function weightedAverage(tensors: readonly Float32Array[], weights: readonly number[], divisor: number, dst?: Float32Array): Float32Array {
  const n = tensors[0].length;
  const out = dst ?? new Float32Array(n);
  if (simdWeightedSum(tensors, weights, divisor, out)) return out;
  const f = Math.fround;
  const div = f(divisor);
  switch (tensors.length) {
    case 1: {
      const [a] = tensors;
      const wa = f(weights[0]);
      for (let i = 0; i < n; i++) out[i] = (0 + f(wa * a[i])) / div;
      return out;
    }
    case 2: {
      const [a, b] = tensors;
      const wa = f(weights[0]);
      const wb = f(weights[1]);
      for (let i = 0; i < n; i++) out[i] = f(0 + f(wa * a[i]) + f(wb * b[i])) / div;
      return out;
    }
    case 3: {
      const [a, b, c] = tensors;
      const wa = f(weights[0]);
      const wb = f(weights[1]);
      const wc = f(weights[2]);
      for (let i = 0; i < n; i++) out[i] = f(f(0 + f(wa * a[i]) + f(wb * b[i])) + f(wc * c[i])) / div;
      return out;
    }
    default: {
      const count = tensors.length;
      const w = Float32Array.from(weights);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let m = 0; m < count; m++) s = f(s + f(w[m] * tensors[m][i]));
        out[i] = s / div;
      }
      return out;
    }
  }
}

/**
 * `f32(... f32(f32(0 + w0) + w1) ...)`: the float32 sum of the float32 weights in model order, as
 * mergekit sums its weight tensor (linear's divisor; the task-vector sum's when normalizing).
 */
export function float32WeightSum(weights: readonly number[]): number {
  let total = 0;
  for (const w of weights) total = Math.fround(total + Math.fround(w));
  return total;
}
