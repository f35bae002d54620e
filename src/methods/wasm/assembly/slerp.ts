// slerp's dot products (slerp.ts addDots): float64 sums in index order, one add after the other.

/** Adds v0.v0, v1.v1 and v0.v1 over n elements to sums[0..2] (float64 products are exact). */
export function addDots(v0: usize, v1: usize, n: i32, sums: usize): void {
  let s00 = load<f64>(sums);
  let s11 = load<f64>(sums, 8);
  let s01 = load<f64>(sums, 16);
  for (let i = 0; i < n; i++) {
    const a = <f64>load<f32>(v0 + (<usize>i << 2));
    const b = <f64>load<f32>(v1 + (<usize>i << 2));
    s00 += a * a;
    s11 += b * b;
    s01 += a * b;
  }
  store<f64>(sums, s00);
  store<f64>(sums, s11, 8);
  store<f64>(sums, s01, 16);
}
