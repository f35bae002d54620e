// Whether stored values hold NaN or ±Inf, from their exponent bits alone (non-finite.ts
// anyNonFinite): all-ones exponents, 8 halves or 4 floats per SIMD step.

/** 1 when one of `n` stored 16-bit values at `src` has all the bits of `mask` set (0x7f80 bf16, 0x7c00 half). */
export function anyNonFinite16(src: usize, n: i32, mask: u32): i32 {
  const exponent = i16x8.splat(<i16>mask);
  let special = i32x4.splat(0);
  let i = 0;
  for (; i + 32 <= n; i += 32) {
    const at = src + (<usize>i << 1);
    special = v128.or(special, i16x8.eq(v128.and(v128.load(at), exponent), exponent));
    special = v128.or(special, i16x8.eq(v128.and(v128.load(at, 16), exponent), exponent));
    special = v128.or(special, i16x8.eq(v128.and(v128.load(at, 32), exponent), exponent));
    special = v128.or(special, i16x8.eq(v128.and(v128.load(at, 48), exponent), exponent));
  }
  let tail = 0;
  for (; i < n; i++) tail |= <i32>((<u32>load<u16>(src + (<usize>i << 1)) & mask) == mask);
  return <i32>(v128.any_true(special) || tail != 0);
}

/** 1 when one of `n` float32 values at `src` is NaN or ±Inf. */
export function anyNonFinite32(src: usize, n: i32): i32 {
  const exponent = i32x4.splat(0x7f800000);
  let special = i32x4.splat(0);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const at = src + (<usize>i << 2);
    special = v128.or(special, i32x4.eq(v128.and(v128.load(at), exponent), exponent));
    special = v128.or(special, i32x4.eq(v128.and(v128.load(at, 16), exponent), exponent));
    special = v128.or(special, i32x4.eq(v128.and(v128.load(at, 32), exponent), exponent));
    special = v128.or(special, i32x4.eq(v128.and(v128.load(at, 48), exponent), exponent));
  }
  let tail = 0;
  for (; i < n; i++) tail |= <i32>((load<u32>(src + (<usize>i << 2)) & 0x7f800000) == 0x7f800000);
  return <i32>(v128.any_true(special) || tail != 0);
}
