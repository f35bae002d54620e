// Helpers shared by the kernels: float32 lanes widened to float64 pairs and narrowed back.

/** Lanes 0 and 1 of a float32x4 as float64x2. */
// @ts-ignore: decorator
@inline export function low(x: v128): v128 {
  return f64x2.promote_low_f32x4(x);
}

/** Lanes 2 and 3 of a float32x4 as float64x2. */
// @ts-ignore: decorator
@inline export function high(x: v128): v128 {
  return f64x2.promote_low_f32x4(i64x2.shuffle(x, x, 1, 1));
}

/** Two float64x2 rounded to float32 (nearest even, as a Float32Array store) into one float32x4. */
// @ts-ignore: decorator
@inline export function narrow(lo: v128, hi: v128): v128 {
  return i64x2.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 2);
}

/** All-ones lanes where a float32 is NaN. */
// @ts-ignore: decorator
@inline export function isNaN4(x: v128): v128 {
  return f32x4.ne(x, x);
}

/** The u32 pointer at index `m` of a pointer table. */
// @ts-ignore: decorator
@inline export function pointer(table: usize, m: i32): usize {
  return <usize>load<u32>(table + (<usize>m << 2));
}

/** The float64 at index `m` of a table. */
// @ts-ignore: decorator
@inline export function f64At(table: usize, m: i32): f64 {
  return load<f64>(table + (<usize>m << 3));
}

/** The float64 at index `m` of a table rounded to float32 (nearest even, as Math.fround). */
// @ts-ignore: decorator
@inline export function f32At(table: usize, m: i32): f32 {
  return <f32>f64At(table, m);
}

/**
 * A sum's last two steps: divided by the divisor, then times lambda, each skipped when it is 1
 * (x / 1 * 1 is x, so the bits are the same either way).
 */
// @ts-ignore: decorator
@inline export function divideScale(s: v128, normalize: bool, divisor: v128, scaled: bool, lambda: v128): v128 {
  let r = s;
  if (normalize) r = f32x4.div(r, divisor);
  if (scaled) r = f32x4.mul(r, lambda);
  return r;
}

/** divideScale of one value. */
// @ts-ignore: decorator
@inline export function divideScale1(s: f32, normalize: bool, divisor: f32, scaled: bool, lambda: f32): f32 {
  let r = s;
  if (normalize) r /= divisor;
  if (scaled) r *= lambda;
  return r;
}
