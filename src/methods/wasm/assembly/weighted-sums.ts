// The sums of the linear and task-vector merges, two float64 lanes at a time: the same operations
// in the same order as their TypeScript loops (products and sums in float64 in model order, from
// +0, one rounding to float32), so every non-NaN result has the same bits. Each returns 1 when no
// output is NaN (a NaN's bits may depend on operand order; the caller then runs the TypeScript
// loop instead). Tensors are passed as tables of u32 pointers, weights as float64 tables.
import { f64At, high, isNaN4, low, narrow, pointer } from "./lanes";

/** out = (0 + w0*t0 + w1*t1 + ...) / divisor: weightedAverage. */
export function weightedSum(tensors: usize, weights: usize, models: i32, divisor: f64, out: usize, n: i32): i32 {
  const div = f64x2.splat(divisor);
  let nan = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    let lo = f64x2.splat(0);
    let hi = f64x2.splat(0);
    for (let m = 0; m < models; m++) {
      const w = f64x2.splat(f64At(weights, m));
      const x = v128.load(pointer(tensors, m) + at);
      lo = f64x2.add(lo, f64x2.mul(w, low(x)));
      hi = f64x2.add(hi, f64x2.mul(w, high(x)));
    }
    const r = narrow(f64x2.div(lo, div), f64x2.div(hi, div));
    nan = v128.or(nan, isNaN4(r));
    v128.store(out + at, r);
  }
  let tail = 0;
  for (; i < n; i++) {
    const at = <usize>i << 2;
    let s: f64 = 0;
    for (let m = 0; m < models; m++) s += f64At(weights, m) * <f64>load<f32>(pointer(tensors, m) + at);
    const r = <f32>(s / divisor);
    tail |= <i32>(r != r);
    store<f32>(out + at, r);
  }
  return <i32>(!v128.any_true(nan) && tail == 0);
}

/** out = base + (0 + ws0*d0 + ws1*d1 + ...) * scale over task vectors d: sumTaskVectors. */
export function sumTaskVectors(deltas: usize, ws: usize, models: i32, base: usize, scale: f64, out: usize, n: i32): i32 {
  const k = f64x2.splat(scale);
  let nan = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    let lo = f64x2.splat(0);
    let hi = f64x2.splat(0);
    for (let m = 0; m < models; m++) {
      const w = f64x2.splat(f64At(ws, m));
      const d = v128.load(pointer(deltas, m) + at);
      lo = f64x2.add(lo, f64x2.mul(w, low(d)));
      hi = f64x2.add(hi, f64x2.mul(w, high(d)));
    }
    const b = v128.load(base + at);
    const r = narrow(f64x2.add(low(b), f64x2.mul(lo, k)), f64x2.add(high(b), f64x2.mul(hi, k)));
    nan = v128.or(nan, isNaN4(r));
    v128.store(out + at, r);
  }
  let tail = 0;
  for (; i < n; i++) {
    const at = <usize>i << 2;
    let s: f64 = 0;
    for (let m = 0; m < models; m++) s += f64At(ws, m) * <f64>load<f32>(pointer(deltas, m) + at);
    const r = <f32>(<f64>load<f32>(base + at) + s * scale);
    tail |= <i32>(r != r);
    store<f32>(out + at, r);
  }
  return <i32>(!v128.any_true(nan) && tail == 0);
}

/**
 * The same over implicit task vectors float32(t - base) of model tensors t: sumTensorDeltas
 * (a float32 subtraction rounds exactly as fround of the float64 one).
 */
export function sumTensorDeltas(tensors: usize, ws: usize, models: i32, base: usize, scale: f64, out: usize, n: i32): i32 {
  const k = f64x2.splat(scale);
  let nan = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const b = v128.load(base + at);
    let lo = f64x2.splat(0);
    let hi = f64x2.splat(0);
    for (let m = 0; m < models; m++) {
      const w = f64x2.splat(f64At(ws, m));
      const d = f32x4.sub(v128.load(pointer(tensors, m) + at), b);
      lo = f64x2.add(lo, f64x2.mul(w, low(d)));
      hi = f64x2.add(hi, f64x2.mul(w, high(d)));
    }
    const r = narrow(f64x2.add(low(b), f64x2.mul(lo, k)), f64x2.add(high(b), f64x2.mul(hi, k)));
    nan = v128.or(nan, isNaN4(r));
    v128.store(out + at, r);
  }
  let tail = 0;
  for (; i < n; i++) {
    const at = <usize>i << 2;
    const x = load<f32>(base + at);
    let s: f64 = 0;
    for (let m = 0; m < models; m++) s += f64At(ws, m) * <f64>(load<f32>(pointer(tensors, m) + at) - x);
    const r = <f32>(<f64>x + s * scale);
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
