import { simdTaskVectorSum } from "./wasm/simd-sums.js";

/**
 * The combine step of task_arithmetic, dare_linear, breadcrumbs and della_linear (the sum without
 * sign consensus), in float32 in mergekit's order:
 * `out[i] = f32(base[i] + f32(f32(sum / divisor) * lambda))` with
 * `sum = f32(0 + f32(w0 * f32(d0[i] * k0)) + f32(w1 * f32(d1[i] * k1)) + ...)` over task vectors d
 * (each product and each sum rounded to float32, models in order from +0), where k is a task
 * vector's rescale factor (mergekit rescales the sparsified vector before weighting it; 1 when
 * nothing is rescaled, and d * 1 is d). Weights, factors, divisor and lambda are rounded to
 * float32 first. A divisor or lambda of 1 changes nothing (x / 1 and x * 1 are x), which is how
 * mergekit's "divide only when normalizing, scale only when lambda != 1" comes out the same.
 *
 * As in weightedAverage, float32 operations are float64 ones rounded by Math.fround (exact for
 * float32 operands), one to three models get their own loops, and the leading `0 +` matches the
 * generic loop's `s = 0` (it turns a -0 sum into +0). Each function writes into `dst` (as long as
 * `base`) when given, else into a new array. Arrays in the SIMD kernels' memory go to their twins
 * of these loops (wasm/simd-sums.ts).
 */

/** The factors of the sum: per-model weights, and the divisor and lambda applied to the sum. */
export interface TaskVectorSum {
  readonly weights: readonly number[];
  /** The weight sum when normalizing (1 when that is about 0), else 1. */
  readonly divisor: number;
  readonly lambda: number;
}

/** Sum over materialised task vectors `deltas[m]`, each scaled by `scales[m]` before weighting. */
export function sumTaskVectors(deltas: readonly Float32Array[], scales: ArrayLike<number>, sum: TaskVectorSum, base: Float32Array, dst?: Float32Array): Float32Array {
  const n = base.length;
  const out = dst ?? new Float32Array(n);
  if (simdTaskVectorSum(deltas, scales, sum, base, out)) return out;
  const f = Math.fround;
  const div = f(sum.divisor);
  const lam = f(sum.lambda);
  // Divisor and lambda 1 (the common case) skip both operations: a float64 division is the
  // slowest step of the loop, and x / 1 * 1 is x.
  const plain = div === 1 && lam === 1;
  const ws = sum.weights;
  switch (deltas.length) {
    case 1: {
      const [a] = deltas;
      const wa = f(ws[0]);
      const ka = f(scales[0]);
      for (let i = 0; i < n; i++) {
        const s = 0 + f(wa * f(a[i] * ka));
        out[i] = base[i] + (plain ? s : f(f(s / div) * lam));
      }
      return out;
    }
    case 2: {
      const [a, b] = deltas;
      const wa = f(ws[0]);
      const wb = f(ws[1]);
      const ka = f(scales[0]);
      const kb = f(scales[1]);
      for (let i = 0; i < n; i++) {
        const s = f(0 + f(wa * f(a[i] * ka)) + f(wb * f(b[i] * kb)));
        out[i] = base[i] + (plain ? s : f(f(s / div) * lam));
      }
      return out;
    }
    case 3: {
      const [a, b, c] = deltas;
      const wa = f(ws[0]);
      const wb = f(ws[1]);
      const wc = f(ws[2]);
      const ka = f(scales[0]);
      const kb = f(scales[1]);
      const kc = f(scales[2]);
      for (let i = 0; i < n; i++) {
        const s = f(f(0 + f(wa * f(a[i] * ka)) + f(wb * f(b[i] * kb))) + f(wc * f(c[i] * kc)));
        out[i] = base[i] + (plain ? s : f(f(s / div) * lam));
      }
      return out;
    }
    default: {
      const count = deltas.length;
      const w = Float32Array.from(ws);
      const k = Float32Array.from(scales);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let m = 0; m < count; m++) s = f(s + f(w[m] * f(deltas[m][i] * k[m])));
        out[i] = base[i] + (plain ? s : f(f(s / div) * lam));
      }
      return out;
    }
  }
}

/**
 * Sum over implicit task vectors `f32(tensors[m][i] - base[i])` (nothing was sparsified or
 * rescaled, so no delta arrays exist): what sumTaskVectors gives on those vectors with factors 1.
 */
export function sumTensorDeltas(tensors: readonly Float32Array[], sum: TaskVectorSum, base: Float32Array, dst?: Float32Array): Float32Array {
  const n = base.length;
  const out = dst ?? new Float32Array(n);
  if (simdTaskVectorSum(tensors, undefined, sum, base, out)) return out;
  const f = Math.fround;
  const div = f(sum.divisor);
  const lam = f(sum.lambda);
  // Divisor and lambda 1 (the common case) skip both operations: a float64 division is the
  // slowest step of the loop, and x / 1 * 1 is x.
  const plain = div === 1 && lam === 1;
  const ws = sum.weights;
  switch (tensors.length) {
    case 1: {
      const [a] = tensors;
      const wa = f(ws[0]);
      for (let i = 0; i < n; i++) {
        const x = base[i];
        const s = 0 + f(wa * f(a[i] - x));
        out[i] = x + (plain ? s : f(f(s / div) * lam));
      }
      return out;
    }
    case 2: {
      const [a, b] = tensors;
      const wa = f(ws[0]);
      const wb = f(ws[1]);
      for (let i = 0; i < n; i++) {
        const x = base[i];
        const s = f(0 + f(wa * f(a[i] - x)) + f(wb * f(b[i] - x)));
        out[i] = x + (plain ? s : f(f(s / div) * lam));
      }
      return out;
    }
    case 3: {
      const [a, b, c] = tensors;
      const wa = f(ws[0]);
      const wb = f(ws[1]);
      const wc = f(ws[2]);
      for (let i = 0; i < n; i++) {
        const x = base[i];
        const s = f(f(0 + f(wa * f(a[i] - x)) + f(wb * f(b[i] - x))) + f(wc * f(c[i] - x)));
        out[i] = x + (plain ? s : f(f(s / div) * lam));
      }
      return out;
    }
    default: {
      const count = tensors.length;
      const w = Float32Array.from(ws);
      for (let i = 0; i < n; i++) {
        const x = base[i];
        let s = 0;
        for (let m = 0; m < count; m++) s = f(s + f(w[m] * f(tensors[m][i] - x)));
        out[i] = x + (plain ? s : f(f(s / div) * lam));
      }
      return out;
    }
  }
}
