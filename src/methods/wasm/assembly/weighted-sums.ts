// The sums of the linear and task-vector merges in float32, four lanes at a time: the same
// operations in the same order as their TypeScript loops (each product and each sum rounded to
// float32, in model order from +0; mergekit's order), so every non-NaN result has the same bits.
// Each returns 1 when no output is NaN (a NaN's bits may depend on operand order; the caller then
// runs the TypeScript loop instead). Tensors are passed as tables of u32 pointers, weights (and
// scales) as float64 tables whose values are rounded to float32 here, as the loops round them.
// A divisor or lambda of exactly 1 is skipped: x / 1 and x * 1 are x for every non-NaN x.
import { divideScale, divideScale1, f32At, high, isNaN4, low, narrow, pointer } from "./lanes";

/** out = f32(0 + f32(w0*t0) + f32(w1*t1) + ...) / divisor, all float32: weightedAverage. */
export function weightedSum(tensors: usize, weights: usize, models: i32, divisor: f64, out: usize, n: i32): i32 {
  const d = <f32>divisor;
  const normalize = d != 1;
  const div = f32x4.splat(d);
  let nan = i32x4.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const at = <usize>i << 2;
    let s0 = f32x4.splat(0);
    let s1 = f32x4.splat(0);
    for (let m = 0; m < models; m++) {
      const w = f32x4.splat(f32At(weights, m));
      const p = pointer(tensors, m) + at;
      s0 = f32x4.add(s0, f32x4.mul(w, v128.load(p)));
      s1 = f32x4.add(s1, f32x4.mul(w, v128.load(p, 16)));
    }
    if (normalize) {
      s0 = f32x4.div(s0, div);
      s1 = f32x4.div(s1, div);
    }
    nan = v128.or(nan, v128.or(isNaN4(s0), isNaN4(s1)));
    v128.store(out + at, s0);
    v128.store(out + at, s1, 16);
  }
  let tail = 0;
  for (; i < n; i++) {
    const at = <usize>i << 2;
    let s: f32 = 0;
    for (let m = 0; m < models; m++) s += f32At(weights, m) * load<f32>(pointer(tensors, m) + at);
    if (normalize) s /= d;
    tail |= <i32>(s != s);
    store<f32>(out + at, s);
  }
  return <i32>(!v128.any_true(nan) && tail == 0);
}

/**
 * out = base + f32(f32(sum / divisor) * lambda) with sum = 0 + f32(ws0*f32(d0*k0)) + ... over
 * task vectors d and their rescale factors k (mergekit rescales a sparsified vector before
 * weighting it), all float32: sumTaskVectors.
 */
export function sumTaskVectors(deltas: usize, ws: usize, scales: usize, models: i32, base: usize, divisor: f64, lambda: f64, out: usize, n: i32): i32 {
  const d = <f32>divisor;
  const l = <f32>lambda;
  const normalize = d != 1;
  const scaled = l != 1;
  const div = f32x4.splat(d);
  const lam = f32x4.splat(l);
  let nan = i32x4.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const at = <usize>i << 2;
    let s0 = f32x4.splat(0);
    let s1 = f32x4.splat(0);
    for (let m = 0; m < models; m++) {
      const w = f32x4.splat(f32At(ws, m));
      const k = f32x4.splat(f32At(scales, m));
      const p = pointer(deltas, m) + at;
      s0 = f32x4.add(s0, f32x4.mul(w, f32x4.mul(v128.load(p), k)));
      s1 = f32x4.add(s1, f32x4.mul(w, f32x4.mul(v128.load(p, 16), k)));
    }
    s0 = divideScale(s0, normalize, div, scaled, lam);
    s1 = divideScale(s1, normalize, div, scaled, lam);
    const r0 = f32x4.add(v128.load(base + at), s0);
    const r1 = f32x4.add(v128.load(base + at, 16), s1);
    nan = v128.or(nan, v128.or(isNaN4(r0), isNaN4(r1)));
    v128.store(out + at, r0);
    v128.store(out + at, r1, 16);
  }
  let tail = 0;
  for (; i < n; i++) {
    const at = <usize>i << 2;
    let s: f32 = 0;
    for (let m = 0; m < models; m++) s += f32At(ws, m) * (load<f32>(pointer(deltas, m) + at) * f32At(scales, m));
    s = divideScale1(s, normalize, d, scaled, l);
    const r = load<f32>(base + at) + s;
    tail |= <i32>(r != r);
    store<f32>(out + at, r);
  }
  return <i32>(!v128.any_true(nan) && tail == 0);
}

/** The same over implicit task vectors f32(t - base) of model tensors t (no rescale): sumTensorDeltas. */
export function sumTensorDeltas(tensors: usize, ws: usize, models: i32, base: usize, divisor: f64, lambda: f64, out: usize, n: i32): i32 {
  const d = <f32>divisor;
  const l = <f32>lambda;
  const normalize = d != 1;
  const scaled = l != 1;
  const div = f32x4.splat(d);
  const lam = f32x4.splat(l);
  let nan = i32x4.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const at = <usize>i << 2;
    const b0 = v128.load(base + at);
    const b1 = v128.load(base + at, 16);
    let s0 = f32x4.splat(0);
    let s1 = f32x4.splat(0);
    for (let m = 0; m < models; m++) {
      const w = f32x4.splat(f32At(ws, m));
      const p = pointer(tensors, m) + at;
      s0 = f32x4.add(s0, f32x4.mul(w, f32x4.sub(v128.load(p), b0)));
      s1 = f32x4.add(s1, f32x4.mul(w, f32x4.sub(v128.load(p, 16), b1)));
    }
    s0 = divideScale(s0, normalize, div, scaled, lam);
    s1 = divideScale(s1, normalize, div, scaled, lam);
    const r0 = f32x4.add(b0, s0);
    const r1 = f32x4.add(b1, s1);
    nan = v128.or(nan, v128.or(isNaN4(r0), isNaN4(r1)));
    v128.store(out + at, r0);
    v128.store(out + at, r1, 16);
  }
  let tail = 0;
  for (; i < n; i++) {
    const at = <usize>i << 2;
    const x = load<f32>(base + at);
    let s: f32 = 0;
    for (let m = 0; m < models; m++) s += f32At(ws, m) * (load<f32>(pointer(tensors, m) + at) - x);
    s = divideScale1(s, normalize, d, scaled, l);
    const r = x + s;
    tail |= <i32>(r != r);
    store<f32>(out + at, r);
  }
  return <i32>(!v128.any_true(nan) && tail == 0);
}

/** out = a*v0 + b*v1 (float64, no leading +0): slerp's mix. */
export function mix(v0: usize, v1: usize, a: f64, b: f64, out: usize, n: i32): i32 {
  const va = f64x2.splat(a);
  const vb = f64x2.splat(b);
  let nan = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const x = v128.load(v0 + at);
    const y = v128.load(v1 + at);
    const r = narrow(f64x2.add(f64x2.mul(va, low(x)), f64x2.mul(vb, low(y))), f64x2.add(f64x2.mul(va, high(x)), f64x2.mul(vb, high(y))));
    nan = v128.or(nan, isNaN4(r));
    v128.store(out + at, r);
  }
  let tail = 0;
  for (; i < n; i++) {
    const at = <usize>i << 2;
    const r = <f32>(a * <f64>load<f32>(v0 + at) + b * <f64>load<f32>(v1 + at));
    tail |= <i32>(r != r);
    store<f32>(out + at, r);
  }
  return <i32>(!v128.any_true(nan) && tail == 0);
}
