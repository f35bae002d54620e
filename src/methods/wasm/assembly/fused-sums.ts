// The weighted sums of linear and task arithmetic straight from stored bf16 inputs to a bf16
// output: decodeBf16 of every input, weightedSum or sumTensorDeltas, encodeBf16, in one pass over
// 8 values at a time, with the same operations in the same order (so the same bits). Each returns
// 1 when it wrote the output; 0 when an input is NaN/Inf or an output NaN, and the caller then
// takes the chunk through the separate steps (which flag the input, or leave the NaN to the
// TypeScript encoder). Tensors are tables of u32 pointers to bf16 values; weights float64 tables.
import { roundBf16 } from "./codecs";
import { f64At, high, isNaN4, low, narrow, pointer } from "./lanes";

/** out = bf16((0 + w0*t0 + w1*t1 + ...) / divisor) over bf16 tensors t: weightedSum. */
export function weightedSumBf16(tensors: usize, weights: usize, models: i32, divisor: f64, out: usize, n: i32): i32 {
  const div = f64x2.splat(divisor);
  const exponent = i16x8.splat(0x7f80);
  let special = i32x4.splat(0);
  let nan = i32x4.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const at = <usize>i << 1;
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let a2 = f64x2.splat(0);
    let a3 = f64x2.splat(0);
    for (let m = 0; m < models; m++) {
      const w = f64x2.splat(f64At(weights, m));
      const v = v128.load(pointer(tensors, m) + at);
      special = v128.or(special, i16x8.eq(v128.and(v, exponent), exponent));
      const x = i32x4.shl(i32x4.extend_low_i16x8_u(v), 16);
      const y = i32x4.shl(i32x4.extend_high_i16x8_u(v), 16);
      a0 = f64x2.add(a0, f64x2.mul(w, low(x)));
      a1 = f64x2.add(a1, f64x2.mul(w, high(x)));
      a2 = f64x2.add(a2, f64x2.mul(w, low(y)));
      a3 = f64x2.add(a3, f64x2.mul(w, high(y)));
    }
    const r = narrow(f64x2.div(a0, div), f64x2.div(a1, div));
    const q = narrow(f64x2.div(a2, div), f64x2.div(a3, div));
    nan = v128.or(nan, v128.or(isNaN4(r), isNaN4(q)));
    v128.store(out + at, i16x8.narrow_i32x4_u(roundBf16(r), roundBf16(q)));
  }
  let tail = 0;
  for (; i < n; i++) {
    const at = <usize>i << 1;
    let s: f64 = 0;
    for (let m = 0; m < models; m++) {
      const h = <u32>load<u16>(pointer(tensors, m) + at);
      tail |= <i32>((h & 0x7f80) == 0x7f80);
      s += f64At(weights, m) * <f64>reinterpret<f32>(h << 16);
    }
    const r = <f32>(s / divisor);
    tail |= <i32>(r != r);
    store<u16>(out + at, <u16>bf16Bits(r));
  }
  return <i32>(!v128.any_true(special) && !v128.any_true(nan) && tail == 0);
}

/**
 * out = bf16(x + (0 + ws0*float32(t0 - x) + ...) * scale) with x the bf16 base and t the bf16
 * tensors: sumTensorDeltas.
 */
export function sumTensorDeltasBf16(tensors: usize, ws: usize, models: i32, base: usize, scale: f64, out: usize, n: i32): i32 {
  const k = f64x2.splat(scale);
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
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let a2 = f64x2.splat(0);
    let a3 = f64x2.splat(0);
    for (let m = 0; m < models; m++) {
      const w = f64x2.splat(f64At(ws, m));
      const v = v128.load(pointer(tensors, m) + at);
      special = v128.or(special, i16x8.eq(v128.and(v, exponent), exponent));
      const dx = f32x4.sub(i32x4.shl(i32x4.extend_low_i16x8_u(v), 16), bx);
      const dy = f32x4.sub(i32x4.shl(i32x4.extend_high_i16x8_u(v), 16), by);
      a0 = f64x2.add(a0, f64x2.mul(w, low(dx)));
      a1 = f64x2.add(a1, f64x2.mul(w, high(dx)));
      a2 = f64x2.add(a2, f64x2.mul(w, low(dy)));
      a3 = f64x2.add(a3, f64x2.mul(w, high(dy)));
    }
    const r = narrow(f64x2.add(low(bx), f64x2.mul(a0, k)), f64x2.add(high(bx), f64x2.mul(a1, k)));
    const q = narrow(f64x2.add(low(by), f64x2.mul(a2, k)), f64x2.add(high(by), f64x2.mul(a3, k)));
    nan = v128.or(nan, v128.or(isNaN4(r), isNaN4(q)));
    v128.store(out + at, i16x8.narrow_i32x4_u(roundBf16(r), roundBf16(q)));
  }
  let tail = 0;
  for (; i < n; i++) {
    const at = <usize>i << 1;
    const hb = <u32>load<u16>(base + at);
    tail |= <i32>((hb & 0x7f80) == 0x7f80);
    const x = reinterpret<f32>(hb << 16);
    let s: f64 = 0;
    for (let m = 0; m < models; m++) {
      const h = <u32>load<u16>(pointer(tensors, m) + at);
      tail |= <i32>((h & 0x7f80) == 0x7f80);
      s += f64At(ws, m) * <f64>(reinterpret<f32>(h << 16) - x);
    }
    const r = <f32>(<f64>x + s * scale);
    tail |= <i32>(r != r);
    store<u16>(out + at, <u16>bf16Bits(r));
  }
  return <i32>(!v128.any_true(special) && !v128.any_true(nan) && tail == 0);
}

/** float32 -> bf16 bits, round to nearest even (as encodeBf16's scalar tail). */
// @ts-ignore: decorator
@inline function bf16Bits(r: f32): u32 {
  const x = reinterpret<u32>(r);
  return (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
}
