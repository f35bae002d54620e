// TIES sign election and disjoint mean (tiesConsensus), four float32 lanes at a time.
import { f32At, isNaN4, pointer } from "./lanes";

/**
 * out = f(base + f(f(mixed / div) * lambda)) with z[m] = f(f(d[m] * scales[m]) * w[m]), total =
 * f(0 + z0 + z1 + ...), mixed = f(0 + (the z agreeing with the sign of total, + when total >= 0))
 * in model order, div = f(0 + (the weights w[m] of those models)) in model order, replaced by 1
 * when 0, the division left out without normalize; every operation in float32 (`f`), scales,
 * weights and lambda rounded to float32: what the TypeScript fast loops compute (their divisor
 * table holds exactly these sums). Returns 1 when no output is NaN (whose bits the SIMD
 * arithmetic does not fix); otherwise the caller runs the TypeScript version.
 *
 * Why the loops below may leave out the leading `0 +` of each sum and add masked values:
 * - a non-agreeing z adds +0 instead of its +-0 product, and an agreeing z is never zero, so
 *   every term of `mixed` is +0 or non-zero: `0 + t` is `t` for such a term, the sums are the
 *   same bits;
 * - `total` and `div` may differ from the `0 +` sums only in the sign of a zero result (x + y
 *   and x' + y, for x and x' zeros of either sign, differ at most in the sign of a zero), which
 *   neither the sign election (+-0 >= 0), the finiteness check nor the divisor (0 is replaced by
 *   1) can see.
 * - non-finite values need no special case here: agreement is a comparison (NaN never agrees, as
 *   in the definition's branches) and masking is a bitwise and, so no Inf * 0 arises (the
 *   TypeScript fast loops multiply by flags, and fall back to the definition for those inputs).
 * Two and three models (the common merges) have loops of their own with z kept in registers;
 * more go through `consensusN`, which keeps each block's z in a scratch table.
 */
export function tiesConsensus(deltas: usize, scales: usize, w: usize, models: i32, base: usize, normalize: i32, lambda: f64, out: usize, n: i32): i32 {
  const done =
    models == 2
      ? consensus2(pointer(deltas, 0), pointer(deltas, 1), f32At(scales, 0), f32At(scales, 1), f32At(w, 0), f32At(w, 1), base, normalize, <f32>lambda, out, n)
      : models == 3
        ? consensus3(deltas, scales, w, base, normalize, <f32>lambda, out, n)
        : consensusN(deltas, scales, w, models, base, normalize, <f32>lambda, out, n);
  return done < 0 ? 0 : tail(deltas, scales, w, models, base, normalize, <f32>lambda, out, done, n);
}

/** z = f(f(d * s) * w) for four lanes. */
// @ts-ignore: decorator
@inline function weighted(d: v128, s: v128, w: v128): v128 {
  return f32x4.mul(f32x4.mul(d, s), w);
}

/**
 * The sign bit in lanes whose total elects - (not total >= 0, so also a NaN total, as the
 * definition's branch), else 0: xor-ing it into z makes the agreeing lanes the positive ones.
 */
// @ts-ignore: decorator
@inline function flipOf(total: v128): v128 {
  return v128.andnot(i32x4.splat(0x80000000), f32x4.ge(total, f32x4.splat(0)));
}

/** Lanes where `z` agrees with the election: z > 0 when + is elected, z < 0 when - is (never a zero or NaN). */
// @ts-ignore: decorator
@inline function agree(z: v128, flip: v128): v128 {
  return f32x4.gt(v128.xor(z, flip), f32x4.splat(0));
}

/** f(mixed / div) (div 0 -> 1) with normalize, else mixed; then f(base + f(that * lambda)). */
// @ts-ignore: decorator
@inline function finish(b: v128, mixed: v128, div: v128, normalize: i32, l: v128): v128 {
  let q = mixed;
  if (normalize) q = f32x4.div(mixed, v128.bitselect(f32x4.splat(1), div, f32x4.eq(div, f32x4.splat(0))));
  return f32x4.add(b, f32x4.mul(q, l));
}

function consensus2(a: usize, b: usize, sa: f32, sb: f32, wa: f32, wb: f32, base: usize, normalize: i32, lambda: f32, out: usize, n: i32): i32 {
  const l = f32x4.splat(lambda);
  const va = f32x4.splat(sa);
  const vb = f32x4.splat(sb);
  const ma = f32x4.splat(wa);
  const mb = f32x4.splat(wb);
  let bad = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const za = weighted(v128.load(a + at), va, ma);
    const zb = weighted(v128.load(b + at), vb, mb);
    const total = f32x4.add(za, zb);
    const flip = flipOf(total);
    const ka = agree(za, flip);
    const kb = agree(zb, flip);
    const mixed = f32x4.add(v128.and(za, ka), v128.and(zb, kb));
    const div = f32x4.add(v128.and(ma, ka), v128.and(mb, kb));
    const r = finish(v128.load(base + at), mixed, div, normalize, l);
    bad = v128.or(bad, isNaN4(r));
    v128.store(out + at, r);
  }
  return v128.any_true(bad) ? -1 : i;
}

function consensus3(deltas: usize, scales: usize, w: usize, base: usize, normalize: i32, lambda: f32, out: usize, n: i32): i32 {
  const a = pointer(deltas, 0);
  const b = pointer(deltas, 1);
  const c = pointer(deltas, 2);
  const l = f32x4.splat(lambda);
  // The factors live in memory, loaded where used: kept in registers with everything else, the
  // loop spills (measured 2.8 ns/element instead of 1.2).
  for (let m = 0; m < 3; m++) {
    v128.store(factors + (<usize>m << 5), f32x4.splat(f32At(scales, m)));
    v128.store(factors + (<usize>m << 5), f32x4.splat(f32At(w, m)), 16);
  }
  let bad = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const ma = v128.load(factors, 16);
    const mb = v128.load(factors, 48);
    const mc = v128.load(factors, 80);
    const za = weighted(v128.load(a + at), v128.load(factors), ma);
    const zb = weighted(v128.load(b + at), v128.load(factors, 32), mb);
    const zc = weighted(v128.load(c + at), v128.load(factors, 64), mc);
    const total = f32x4.add(f32x4.add(za, zb), zc);
    const flip = flipOf(total);
    const ka = agree(za, flip);
    const kb = agree(zb, flip);
    const kc = agree(zc, flip);
    const mixed = f32x4.add(f32x4.add(v128.and(za, ka), v128.and(zb, kb)), v128.and(zc, kc));
    const div = f32x4.add(f32x4.add(v128.and(ma, ka), v128.and(mb, kb)), v128.and(mc, kc));
    const r = finish(v128.load(base + at), mixed, div, normalize, l);
    bad = v128.or(bad, isNaN4(r));
    v128.store(out + at, r);
  }
  return v128.any_true(bad) ? -1 : i;
}

/** consensus3's factors: per model its scale and its weight, each as a float32x4. */
const factors = memory.data(3 * 32, 16);

/** z of one block of four elements per model (one float32x4 each), for consensusN. */
const zTable = memory.data(256 * 16, 16);

function consensusN(deltas: usize, scales: usize, w: usize, models: i32, base: usize, normalize: i32, lambda: f32, out: usize, n: i32): i32 {
  const l = f32x4.splat(lambda);
  let bad = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    let total = f32x4.splat(0);
    for (let m = 0; m < models; m++) {
      const z = weighted(v128.load(pointer(deltas, m) + at), f32x4.splat(f32At(scales, m)), f32x4.splat(f32At(w, m)));
      v128.store(zTable + (<usize>m << 4), z);
      total = f32x4.add(total, z);
    }
    const flip = flipOf(total);
    let mixed = f32x4.splat(0);
    let div = f32x4.splat(0);
    for (let m = 0; m < models; m++) {
      const z = v128.load(zTable + (<usize>m << 4));
      const k = agree(z, flip);
      mixed = f32x4.add(mixed, v128.and(z, k));
      div = f32x4.add(div, v128.and(f32x4.splat(f32At(w, m)), k));
    }
    const r = finish(v128.load(base + at), mixed, div, normalize, l);
    bad = v128.or(bad, isNaN4(r));
    v128.store(out + at, r);
  }
  return v128.any_true(bad) ? -1 : i;
}

/**
 * Elements [from, n) one at a time with the definition's branches (the last 0-3 elements), as
 * the loops above: 1 when no output is NaN.
 */
function tail(deltas: usize, scales: usize, w: usize, models: i32, base: usize, normalize: i32, lambda: f32, out: usize, from: i32, n: i32): i32 {
  let bad = 0;
  for (let i = from; i < n; i++) {
    const at = <usize>i << 2;
    let total: f32 = 0;
    for (let m = 0; m < models; m++) total += load<f32>(pointer(deltas, m) + at) * f32At(scales, m) * f32At(w, m);
    let mixed: f32 = 0;
    let div: f32 = 0;
    for (let m = 0; m < models; m++) {
      const z = load<f32>(pointer(deltas, m) + at) * f32At(scales, m) * f32At(w, m);
      if (total >= 0 ? z > 0 : z < 0) {
        mixed += z;
        div += f32At(w, m);
      }
    }
    if (normalize) mixed /= div == 0 ? 1 : div;
    const r = load<f32>(base + at) + mixed * lambda;
    bad |= <i32>(r != r);
    store<f32>(out + at, r);
  }
  return <i32>(bad == 0);
}
