// The weighted sums of linear and task arithmetic straight from stored bf16 inputs to a bf16
// output: decodeBf16 of every input, weightedSum or sumTensorDeltas, encodeBf16, in one pass over
// 8 values at a time, with the same float32 operations in the same order (so the same bits). Each
// returns 1 when it wrote the output; 0 when an input is NaN/Inf or an output NaN, and the caller
// then takes the chunk through the separate steps (which flag the input, or leave the NaN to the
// TypeScript encoder). Tensors are tables of u32 pointers to bf16 values; weights float64 tables,
// rounded to float32 here. A divisor or lambda of exactly 1 is skipped (the identity on non-NaN).
import { bf16Bits, roundBf16 } from "./codecs";
import { divideScale, divideScale1, f32At, pointer } from "./lanes";

/** out = bf16(f32(0 + f32(w0*t0) + f32(w1*t1) + ...) / divisor) over bf16 tensors t: weightedSum. */
export function weightedSumBf16(tensors: usize, weights: usize, models: i32, divisor: f64, out: usize, n: i32): i32 {
  const d = <f32>divisor;
  const normalize = d != 1;
  const div = f32x4.splat(d);
  const exponent = i16x8.splat(0x7f80);
  let special = i32x4.splat(0);
  let nan = i32x4.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const at = <usize>i << 1;
    let s0 = f32x4.splat(0);
    let s1 = f32x4.splat(0);
    for (let m = 0; m < models; m++) {
      const w = f32x4.splat(f32At(weights, m));
      const v = v128.load(pointer(tensors, m) + at);
      special = v128.or(special, i16x8.eq(v128.and(v, exponent), exponent));
      s0 = f32x4.add(s0, f32x4.mul(w, i32x4.shl(i32x4.extend_low_i16x8_u(v), 16)));
      s1 = f32x4.add(s1, f32x4.mul(w, i32x4.shl(i32x4.extend_high_i16x8_u(v), 16)));
    }
    if (normalize) {
      s0 = f32x4.div(s0, div);
      s1 = f32x4.div(s1, div);
    }
    nan = v128.or(nan, v128.or(f32x4.ne(s0, s0), f32x4.ne(s1, s1)));
    v128.store(out + at, i16x8.narrow_i32x4_u(roundBf16(s0), roundBf16(s1)));
  }
  let tail = 0;
  for (; i < n; i++) {
    const at = <usize>i << 1;
    let s: f32 = 0;
    for (let m = 0; m < models; m++) {
      const h = <u32>load<u16>(pointer(tensors, m) + at);
      tail |= <i32>((h & 0x7f80) == 0x7f80);
      s += f32At(weights, m) * reinterpret<f32>(h << 16);
    }
    if (normalize) s /= d;
    tail |= <i32>(s != s);
    store<u16>(out + at, <u16>bf16Bits(reinterpret<u32>(s)));
  }
  return <i32>(!v128.any_true(special) && !v128.any_true(nan) && tail == 0);
}

/**
 * out = bf16(x + f32(f32(sum / divisor) * lambda)), sum = 0 + f32(ws0*f32(t0 - x)) + ..., with x
 * the bf16 base and t the bf16 tensors, all float32: sumTensorDeltas.
 */
export function sumTensorDeltasBf16(tensors: usize, ws: usize, models: i32, base: usize, divisor: f64, lambda: f64, out: usize, n: i32): i32 {
  const d = <f32>divisor;
  const l = <f32>lambda;
  const normalize = d != 1;
  const scaled = l != 1;
  const div = f32x4.splat(d);
  const lam = f32x4.splat(l);
  const exponent = i16x8.splat(0x7f80);
  let special = i32x4.splat(0);
  let nan = i32x4.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const at = <usize>i << 1;
    const bv = v128.load(base + at);
    special = v128.or(special, i16x8.eq(v128.and(bv, exponent), exponent));
    const bx = i32x4.shl(i32x4.extend_low_i16x8_u(bv), 16);
    const by = i32x4.shl(i32x4.extend_high_i16x8_u(bv), 16);
    let s0 = f32x4.splat(0);
    let s1 = f32x4.splat(0);
    for (let m = 0; m < models; m++) {
      const w = f32x4.splat(f32At(ws, m));
      const v = v128.load(pointer(tensors, m) + at);
      special = v128.or(special, i16x8.eq(v128.and(v, exponent), exponent));
      s0 = f32x4.add(s0, f32x4.mul(w, f32x4.sub(i32x4.shl(i32x4.extend_low_i16x8_u(v), 16), bx)));
      s1 = f32x4.add(s1, f32x4.mul(w, f32x4.sub(i32x4.shl(i32x4.extend_high_i16x8_u(v), 16), by)));
    }
    s0 = divideScale(s0, normalize, div, scaled, lam);
    s1 = divideScale(s1, normalize, div, scaled, lam);
    const r = f32x4.add(bx, s0);
    const q = f32x4.add(by, s1);
    nan = v128.or(nan, v128.or(f32x4.ne(r, r), f32x4.ne(q, q)));
    v128.store(out + at, i16x8.narrow_i32x4_u(roundBf16(r), roundBf16(q)));
  }
  let tail = 0;
  for (; i < n; i++) {
    const at = <usize>i << 1;
    const hb = <u32>load<u16>(base + at);
    tail |= <i32>((hb & 0x7f80) == 0x7f80);
    const x = reinterpret<f32>(hb << 16);
    let s: f32 = 0;
    for (let m = 0; m < models; m++) {
      const h = <u32>load<u16>(pointer(tensors, m) + at);
      tail |= <i32>((h & 0x7f80) == 0x7f80);
      s += f32At(ws, m) * (reinterpret<f32>(h << 16) - x);
    }
    s = divideScale1(s, normalize, d, scaled, l);
    const r = x + s;
    tail |= <i32>(r != r);
    store<u16>(out + at, <u16>bf16Bits(reinterpret<u32>(r)));
  }
  return <i32>(!v128.any_true(special) && !v128.any_true(nan) && tail == 0);
}
