// TIES sign election and disjoint mean (tiesConsensus), two float64 lanes at a time.
import { f64At, high, isNaN4, low, narrow, pointer } from "./lanes";

/**
 * out = base + (mixed / div) * lambda with z[m] = ws[m] * d[m], total = 0 + z0 + z1 + ...,
 * mixed = 0 + (the z agreeing with the sign of total, + when total >= 0) in model order, div =
 * 0 + (the weights w[m] of those models) in model order, replaced by 1 when 0 or without
 * normalize: what the TypeScript fast loops compute (their divisor table holds exactly these
 * sums). Returns 1 when every total is finite and no output is NaN; otherwise the caller runs the
 * TypeScript version (which falls back to the definition).
 *
 * Why the loops below may leave out the leading `0 +` of each sum and add masked values:
 * - a non-agreeing z adds +0 instead of its +-0 product, and an agreeing z is never zero, so
 *   every term of `mixed` is +0 or non-zero: `0 + t` is `t` for such a term, the sums are the
 *   same bits;
 * - `total` and `div` may differ from the `0 +` sums only in the sign of a zero result (x + y
 *   and x' + y, for x and x' zeros of either sign, differ at most in the sign of a zero), which
 *   neither the sign election (+-0 >= 0), the finiteness check nor the divisor (0 is replaced by
 *   1) can see.
 * Two and three models (the common merges) have loops of their own with z kept in registers;
 * more go through `consensusN`, which keeps each block's z in a scratch table.
 */
export function tiesConsensus(deltas: usize, ws: usize, w: usize, models: i32, base: usize, normalize: i32, lambda: f64, out: usize, n: i32): i32 {
  const done =
    models == 2
      ? consensus2(pointer(deltas, 0), pointer(deltas, 1), f64At(ws, 0), f64At(ws, 1), f64At(w, 0), f64At(w, 1), base, normalize, lambda, out, n)
      : models == 3
        ? consensus3(deltas, ws, w, base, normalize, lambda, out, n)
        : consensusN(deltas, ws, w, models, base, normalize, lambda, out, n);
  return done < 0 ? 0 : tail(deltas, ws, w, models, base, normalize, lambda, out, done, n);
}

/** Lanes where `z` agrees with the election (`up`: the total is >= 0): z > 0 when up, z < 0 when not. */
// @ts-ignore: decorator
@inline function agree(z: v128, up: v128): v128 {
  return v128.bitselect(f64x2.gt(z, f64x2.splat(0)), f64x2.lt(z, f64x2.splat(0)), up);
}

/** All-ones lanes where `t` is not finite (t - t is NaN exactly then). */
// @ts-ignore: decorator
@inline function nonFinite(t: v128): v128 {
  return f64x2.ne(f64x2.sub(t, t), f64x2.splat(0));
}

/** mixed / div (div 0 -> 1) with normalize, else mixed; then base + that * lambda, rounded to float32. */
// @ts-ignore: decorator
@inline function finish(b: v128, mixedLo: v128, mixedHi: v128, divLo: v128, divHi: v128, normalize: i32, l: v128): v128 {
  let qLo = mixedLo;
  let qHi = mixedHi;
  if (normalize) {
    const one = f64x2.splat(1);
    qLo = f64x2.div(mixedLo, v128.bitselect(one, divLo, f64x2.eq(divLo, f64x2.splat(0))));
    qHi = f64x2.div(mixedHi, v128.bitselect(one, divHi, f64x2.eq(divHi, f64x2.splat(0))));
  }
  return narrow(f64x2.add(low(b), f64x2.mul(qLo, l)), f64x2.add(high(b), f64x2.mul(qHi, l)));
}

function consensus2(a: usize, b: usize, sa: f64, sb: f64, wa: f64, wb: f64, base: usize, normalize: i32, lambda: f64, out: usize, n: i32): i32 {
  const l = f64x2.splat(lambda);
  const va = f64x2.splat(sa);
  const vb = f64x2.splat(sb);
  const ma = f64x2.splat(wa);
  const mb = f64x2.splat(wb);
  let bad = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const da = v128.load(a + at);
    const db = v128.load(b + at);
    const zaLo = f64x2.mul(va, low(da));
    const zaHi = f64x2.mul(va, high(da));
    const zbLo = f64x2.mul(vb, low(db));
    const zbHi = f64x2.mul(vb, high(db));
    const totalLo = f64x2.add(zaLo, zbLo);
    const totalHi = f64x2.add(zaHi, zbHi);
    bad = v128.or(bad, v128.or(nonFinite(totalLo), nonFinite(totalHi)));
    const upLo = f64x2.ge(totalLo, f64x2.splat(0));
    const upHi = f64x2.ge(totalHi, f64x2.splat(0));
    const aLo = agree(zaLo, upLo);
    const aHi = agree(zaHi, upHi);
    const bLo = agree(zbLo, upLo);
    const bHi = agree(zbHi, upHi);
    const mixedLo = f64x2.add(v128.and(zaLo, aLo), v128.and(zbLo, bLo));
    const mixedHi = f64x2.add(v128.and(zaHi, aHi), v128.and(zbHi, bHi));
    const divLo = f64x2.add(v128.and(ma, aLo), v128.and(mb, bLo));
    const divHi = f64x2.add(v128.and(ma, aHi), v128.and(mb, bHi));
    const r = finish(v128.load(base + at), mixedLo, mixedHi, divLo, divHi, normalize, l);
    bad = v128.or(bad, isNaN4(r));
    v128.store(out + at, r);
  }
  return v128.any_true(bad) ? -1 : i;
}

function consensus3(deltas: usize, ws: usize, w: usize, base: usize, normalize: i32, lambda: f64, out: usize, n: i32): i32 {
  const a = pointer(deltas, 0);
  const b = pointer(deltas, 1);
  const c = pointer(deltas, 2);
  const l = f64x2.splat(lambda);
  const va = f64x2.splat(f64At(ws, 0));
  const vb = f64x2.splat(f64At(ws, 1));
  const vc = f64x2.splat(f64At(ws, 2));
  const ma = f64x2.splat(f64At(w, 0));
  const mb = f64x2.splat(f64At(w, 1));
  const mc = f64x2.splat(f64At(w, 2));
  let bad = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const da = v128.load(a + at);
    const db = v128.load(b + at);
    const dc = v128.load(c + at);
    const zaLo = f64x2.mul(va, low(da));
    const zaHi = f64x2.mul(va, high(da));
    const zbLo = f64x2.mul(vb, low(db));
    const zbHi = f64x2.mul(vb, high(db));
    const zcLo = f64x2.mul(vc, low(dc));
    const zcHi = f64x2.mul(vc, high(dc));
    const totalLo = f64x2.add(f64x2.add(zaLo, zbLo), zcLo);
    const totalHi = f64x2.add(f64x2.add(zaHi, zbHi), zcHi);
    bad = v128.or(bad, v128.or(nonFinite(totalLo), nonFinite(totalHi)));
    const upLo = f64x2.ge(totalLo, f64x2.splat(0));
    const upHi = f64x2.ge(totalHi, f64x2.splat(0));
    const aLo = agree(zaLo, upLo);
    const aHi = agree(zaHi, upHi);
    const bLo = agree(zbLo, upLo);
    const bHi = agree(zbHi, upHi);
    const cLo = agree(zcLo, upLo);
    const cHi = agree(zcHi, upHi);
    const mixedLo = f64x2.add(f64x2.add(v128.and(zaLo, aLo), v128.and(zbLo, bLo)), v128.and(zcLo, cLo));
    const mixedHi = f64x2.add(f64x2.add(v128.and(zaHi, aHi), v128.and(zbHi, bHi)), v128.and(zcHi, cHi));
    const divLo = f64x2.add(f64x2.add(v128.and(ma, aLo), v128.and(mb, bLo)), v128.and(mc, cLo));
    const divHi = f64x2.add(f64x2.add(v128.and(ma, aHi), v128.and(mb, bHi)), v128.and(mc, cHi));
    const r = finish(v128.load(base + at), mixedLo, mixedHi, divLo, divHi, normalize, l);
    bad = v128.or(bad, isNaN4(r));
    v128.store(out + at, r);
  }
  return v128.any_true(bad) ? -1 : i;
}

/** z of one block of four elements per model (two float64x2 each), for consensusN. */
const zTable = memory.data(256 * 32, 16);

function consensusN(deltas: usize, ws: usize, w: usize, models: i32, base: usize, normalize: i32, lambda: f64, out: usize, n: i32): i32 {
  const l = f64x2.splat(lambda);
  let bad = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    let totalLo = f64x2.splat(0);
    let totalHi = f64x2.splat(0);
    for (let m = 0; m < models; m++) {
      const s = f64x2.splat(f64At(ws, m));
      const d = v128.load(pointer(deltas, m) + at);
      const zLo = f64x2.mul(s, low(d));
      const zHi = f64x2.mul(s, high(d));
      const slot = zTable + (<usize>m << 5);
      v128.store(slot, zLo);
      v128.store(slot, zHi, 16);
      totalLo = f64x2.add(totalLo, zLo);
      totalHi = f64x2.add(totalHi, zHi);
    }
    bad = v128.or(bad, v128.or(nonFinite(totalLo), nonFinite(totalHi)));
    const upLo = f64x2.ge(totalLo, f64x2.splat(0));
    const upHi = f64x2.ge(totalHi, f64x2.splat(0));
    let mixedLo = f64x2.splat(0);
    let mixedHi = f64x2.splat(0);
    let divLo = f64x2.splat(0);
    let divHi = f64x2.splat(0);
    for (let m = 0; m < models; m++) {
      const wm = f64x2.splat(f64At(w, m));
      const slot = zTable + (<usize>m << 5);
      const zLo = v128.load(slot);
      const zHi = v128.load(slot, 16);
      const agreeLo = agree(zLo, upLo);
      const agreeHi = agree(zHi, upHi);
      mixedLo = f64x2.add(mixedLo, v128.and(zLo, agreeLo));
      mixedHi = f64x2.add(mixedHi, v128.and(zHi, agreeHi));
      divLo = f64x2.add(divLo, v128.and(wm, agreeLo));
      divHi = f64x2.add(divHi, v128.and(wm, agreeHi));
    }
    const r = finish(v128.load(base + at), mixedLo, mixedHi, divLo, divHi, normalize, l);
    bad = v128.or(bad, isNaN4(r));
    v128.store(out + at, r);
  }
  return v128.any_true(bad) ? -1 : i;
}

/**
 * Elements [from, n) one at a time with the definition's branches (the last 0-3 elements), as
 * the loops above: 1 when every total is finite and no output is NaN.
 */
function tail(deltas: usize, ws: usize, w: usize, models: i32, base: usize, normalize: i32, lambda: f64, out: usize, from: i32, n: i32): i32 {
  let bad = 0;
  for (let i = from; i < n; i++) {
    const at = <usize>i << 2;
    let total: f64 = 0;
    for (let m = 0; m < models; m++) total += f64At(ws, m) * <f64>load<f32>(pointer(deltas, m) + at);
    bad |= <i32>(total - total != 0);
    let mixed: f64 = 0;
    let div: f64 = 0;
    for (let m = 0; m < models; m++) {
      const z = f64At(ws, m) * <f64>load<f32>(pointer(deltas, m) + at);
      if (total >= 0 ? z > 0 : z < 0) {
        mixed += z;
        div += f64At(w, m);
      }
    }
    if (normalize && div != 0) mixed /= div;
    const r = <f32>(<f64>load<f32>(base + at) + mixed * lambda);
    bad |= <i32>(r != r);
    store<f32>(out + at, r);
  }
  return <i32>(bad == 0);
}
