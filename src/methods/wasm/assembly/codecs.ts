// Float codecs between stored 16/32-bit values and float32, 4-8 values per SIMD step. Each is the
// bit-exact twin of its TypeScript original in src/tensor/codecs (same bits for every input);
// decoders report non-finite values, encoders report NaN (whose bits the TypeScript encoders
// write: the caller encodes such a chunk again with them).

/** bf16 -> float32 (a 16-bit shift), as bf16ToF32. Returns 1 when every value is finite. */
export function decodeBf16(src: usize, dst: usize, n: i32): i32 {
  const exponent = i16x8.splat(0x7f80);
  let special = i32x4.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const v = v128.load(src + (<usize>i << 1));
    special = v128.or(special, i16x8.eq(v128.and(v, exponent), exponent));
    const at = dst + (<usize>i << 2);
    v128.store(at, i32x4.shl(i32x4.extend_low_i16x8_u(v), 16));
    v128.store(at, i32x4.shl(i32x4.extend_high_i16x8_u(v), 16), 16);
  }
  let tail = 0;
  for (; i < n; i++) {
    const h = <u32>load<u16>(src + (<usize>i << 1));
    tail |= <i32>((h & 0x7f80) == 0x7f80);
    store<u32>(dst + (<usize>i << 2), h << 16);
  }
  return <i32>(!v128.any_true(special) && tail == 0);
}

/**
 * IEEE half -> float32, as f16ToF32's table: exponent and mantissa moved into place and scaled by
 * 2^112 (exact, and it normalises half subnormals), Inf/NaN keep their payload, the sign is put
 * back. Returns 1 when every value is finite.
 */
export function decodeF16(src: usize, dst: usize, n: i32): i32 {
  const exponent = i16x8.splat(0x7c00);
  let special = i32x4.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const v = v128.load(src + (<usize>i << 1));
    special = v128.or(special, i16x8.eq(v128.and(v, exponent), exponent));
    const at = dst + (<usize>i << 2);
    v128.store(at, halvesToF32(i32x4.extend_low_i16x8_u(v)));
    v128.store(at, halvesToF32(i32x4.extend_high_i16x8_u(v)), 16);
  }
  let tail = 0;
  for (; i < n; i++) {
    const h = <u32>load<u16>(src + (<usize>i << 1));
    tail |= <i32>((h & 0x7c00) == 0x7c00);
    store<u32>(dst + (<usize>i << 2), halfToF32Bits(h));
  }
  return <i32>(!v128.any_true(special) && tail == 0);
}

// @ts-ignore: decorator
@inline function halvesToF32(h: v128): v128 {
  const sign = i32x4.shl(v128.and(h, i32x4.splat(0x8000)), 16);
  const shifted = i32x4.shl(v128.and(h, i32x4.splat(0x7fff)), 13);
  const scaled = f32x4.mul(shifted, f32x4.splat(reinterpret<f32>(0x77800000))); // 2^112
  const special = i32x4.eq(v128.and(h, i32x4.splat(0x7c00)), i32x4.splat(0x7c00));
  return v128.or(v128.bitselect(v128.or(shifted, i32x4.splat(0x7f800000)), scaled, special), sign);
}

// @ts-ignore: decorator
@inline function halfToF32Bits(h: u32): u32 {
  const sign = (h & 0x8000) << 16;
  const shifted = (h & 0x7fff) << 13;
  if ((h & 0x7c00) == 0x7c00) return sign | shifted | 0x7f800000;
  return sign | reinterpret<u32>(reinterpret<f32>(shifted) * reinterpret<f32>(0x77800000));
}

/** float32 values copied, as a typed-array copy. Returns 1 when every value is finite. */
export function copyF32(src: usize, dst: usize, n: i32): i32 {
  const exponent = i32x4.splat(0x7f800000);
  let special = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(src + (<usize>i << 2));
    special = v128.or(special, i32x4.eq(v128.and(v, exponent), exponent));
    v128.store(dst + (<usize>i << 2), v);
  }
  let tail = 0;
  for (; i < n; i++) {
    const x = load<u32>(src + (<usize>i << 2));
    tail |= <i32>((x & 0x7f800000) == 0x7f800000);
    store<u32>(dst + (<usize>i << 2), x);
  }
  return <i32>(!v128.any_true(special) && tail == 0);
}

/**
 * float32 -> bf16, round to nearest even, as f32ToBf16 for every non-NaN value. Returns 0 when a
 * value is NaN (f32ToBf16 quiets NaN payloads; this does not).
 */
export function encodeBf16(src: usize, dst: usize, n: i32): i32 {
  const abs = i32x4.splat(0x7fffffff);
  const inf = i32x4.splat(0x7f800000);
  let nan = i32x4.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const x = v128.load(src + (<usize>i << 2));
    const y = v128.load(src + (<usize>i << 2), 16);
    nan = v128.or(nan, v128.or(i32x4.gt_s(v128.and(x, abs), inf), i32x4.gt_s(v128.and(y, abs), inf)));
    v128.store(dst + (<usize>i << 1), i16x8.narrow_i32x4_u(roundBf16(x), roundBf16(y)));
  }
  let tail = 0;
  for (; i < n; i++) {
    const x = load<u32>(src + (<usize>i << 2));
    tail |= <i32>((x & 0x7fffffff) > 0x7f800000);
    store<u16>(dst + (<usize>i << 1), <u16>bf16Bits(x));
  }
  return <i32>(!v128.any_true(nan) && tail == 0);
}

/** float32 bits -> bf16 bits, round to nearest even, for a non-NaN value: one lane of roundBf16. */
// @ts-ignore: decorator
@inline export function bf16Bits(x: u32): u32 {
  return (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
}

/** float32 bits -> bf16 bits (in the low half of each lane), round to nearest even, for non-NaN lanes. */
// @ts-ignore: decorator
@inline export function roundBf16(x: v128): v128 {
  const lsb = v128.and(i32x4.shr_u(x, 16), i32x4.splat(1));
  return i32x4.shr_u(i32x4.add(i32x4.add(x, i32x4.splat(0x7fff)), lsb), 16);
}

/**
 * float32 -> IEEE half, round to nearest even, as f32ToF16 for every non-NaN value: overflow to
 * ±Inf at 65520, half subnormals by rounding |v| * 2^24 to an integer, normals by rounding the
 * rebiased bits. Returns 0 when a value is NaN.
 */
export function encodeF16(src: usize, dst: usize, n: i32): i32 {
  const abs = i32x4.splat(0x7fffffff);
  const inf = i32x4.splat(0x7f800000);
  let nan = i32x4.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const x = v128.load(src + (<usize>i << 2));
    const y = v128.load(src + (<usize>i << 2), 16);
    nan = v128.or(nan, v128.or(i32x4.gt_s(v128.and(x, abs), inf), i32x4.gt_s(v128.and(y, abs), inf)));
    v128.store(dst + (<usize>i << 1), i16x8.narrow_i32x4_u(roundHalf(x), roundHalf(y)));
  }
  let tail = 0;
  for (; i < n; i++) {
    const x = load<u32>(src + (<usize>i << 2));
    tail |= <i32>((x & 0x7fffffff) > 0x7f800000);
    store<u16>(dst + (<usize>i << 1), <u16>roundHalfScalar(x));
  }
  return <i32>(!v128.any_true(nan) && tail == 0);
}

// @ts-ignore: decorator
@inline function roundHalf(x: v128): v128 {
  const sign = v128.and(i32x4.shr_u(x, 16), i32x4.splat(0x8000));
  const a = v128.and(x, i32x4.splat(0x7fffffff));
  const e = i32x4.sub(a, i32x4.splat(0x38000000));
  const normal = i32x4.shr_u(i32x4.add(i32x4.add(e, i32x4.splat(0x0fff)), v128.and(i32x4.shr_u(e, 13), i32x4.splat(1))), 13);
  const sub = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(a, f32x4.splat(16777216))));
  const big = i32x4.ge_s(a, i32x4.splat(0x477ff000));
  const tiny = i32x4.lt_s(a, i32x4.splat(0x38800000));
  return v128.or(sign, v128.bitselect(i32x4.splat(0x7c00), v128.bitselect(sub, normal, tiny), big));
}

// @ts-ignore: decorator
@inline function roundHalfScalar(x: u32): u32 {
  const sign = (x >>> 16) & 0x8000;
  const a = x & 0x7fffffff;
  if (a >= 0x477ff000) return sign | 0x7c00;
  if (a < 0x38800000) return sign | <u32>nearest<f32>(reinterpret<f32>(a) * 16777216.0);
  const e = a - 0x38000000;
  return sign | ((e + 0x0fff + ((e >>> 13) & 1)) >>> 13);
}
