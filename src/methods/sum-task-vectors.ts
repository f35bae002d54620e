import { simdTaskVectorSum } from "./wasm/simd-sums.js";

/**
 * `out[i] = base[i] + (0 + ws0*d0[i] + ws1*d1[i] + ...) * scale`: the combine step of
 * task_arithmetic, dare_linear, breadcrumbs and della_linear. Float64 accumulation in model order,
 * one rounding to float32.
 *
 * One to three models get their own loops with arrays and weights in locals (the generic loop over
 * an array of arrays runs ~2-3x slower). The leading `0 +` matches the generic loop's `s = 0`
 * exactly (it turns a -0 sum into +0), so every path gives the same bits. Each function writes into
 * `dst` (as long as `base`) when given, else into a new array. Arrays in the SIMD kernels' memory
 * go to their twins of these loops (wasm/simd-sums.ts).
 */

/** Sum over materialised task vectors `deltas[m]`. */
export function sumTaskVectors(deltas: readonly Float32Array[], ws: readonly number[], base: Float32Array, scale: number, dst?: Float32Array): Float32Array {
  const n = base.length;
  const out = dst ?? new Float32Array(n);
  if (simdTaskVectorSum(deltas, false, ws, base, scale, out)) return out;
  const k = scale;
  switch (deltas.length) {
    case 1: {
      const [a] = deltas;
      const wa = ws[0];
      for (let i = 0; i < n; i++) out[i] = base[i] + (0 + wa * a[i]) * k;
      return out;
    }
    case 2: {
      const [a, b] = deltas;
      const wa = ws[0];
      const wb = ws[1];
      for (let i = 0; i < n; i++) out[i] = base[i] + (0 + wa * a[i] + wb * b[i]) * k;
      return out;
    }
    case 3: {
      const [a, b, c] = deltas;
      const wa = ws[0];
      const wb = ws[1];
      const wc = ws[2];
      for (let i = 0; i < n; i++) out[i] = base[i] + (0 + wa * a[i] + wb * b[i] + wc * c[i]) * k;
      return out;
    }
    default: {
      const count = deltas.length;
      const w = Float64Array.from(ws);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let m = 0; m < count; m++) s += w[m] * deltas[m][i];
        out[i] = base[i] + s * k;
      }
      return out;
    }
  }
}

/**
 * Sum over implicit task vectors `fround(tensors[m][i] - base[i])` (nothing was sparsified, so no
 * delta arrays exist). fround gives the float32 delta a materialised vector would hold.
 */
export function sumTensorDeltas(tensors: readonly Float32Array[], ws: readonly number[], base: Float32Array, scale: number, dst?: Float32Array): Float32Array {
  const n = base.length;
  const out = dst ?? new Float32Array(n);
  if (simdTaskVectorSum(tensors, true, ws, base, scale, out)) return out;
  const k = scale;
  const f = Math.fround;
  switch (tensors.length) {
    case 1: {
      const [a] = tensors;
      const wa = ws[0];
      for (let i = 0; i < n; i++) {
        const x = base[i];
        out[i] = x + (0 + wa * f(a[i] - x)) * k;
      }
      return out;
    }
    case 2: {
      const [a, b] = tensors;
      const wa = ws[0];
      const wb = ws[1];
      for (let i = 0; i < n; i++) {
        const x = base[i];
        out[i] = x + (0 + wa * f(a[i] - x) + wb * f(b[i] - x)) * k;
      }
      return out;
    }
    case 3: {
      const [a, b, c] = tensors;
      const wa = ws[0];
      const wb = ws[1];
      const wc = ws[2];
      for (let i = 0; i < n; i++) {
        const x = base[i];
        out[i] = x + (0 + wa * f(a[i] - x) + wb * f(b[i] - x) + wc * f(c[i] - x)) * k;
      }
      return out;
    }
    default: {
      const count = tensors.length;
      const w = Float64Array.from(ws);
      for (let i = 0; i < n; i++) {
        const x = base[i];
        let s = 0;
        for (let m = 0; m < count; m++) s += w[m] * f(tensors[m][i] - x);
        out[i] = x + s * k;
      }
      return out;
    }
  }
}
