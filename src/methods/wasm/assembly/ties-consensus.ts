// TIES sign election and disjoint mean (tiesConsensus), two float64 lanes at a time.
import { f64At, high, isNaN4, low, narrow, pointer } from "./lanes";

/**
 * out = base + (mixed / div) * lambda with z[m] = ws[m] * d[m], total = 0 + z0 + z1 + ...,
 * mixed = 0 + (the z agreeing with the sign of total, + when total >= 0) in model order, div =
 * 0 + (the weights w[m] of those models) in model order, replaced by 1 when 0 or without
 * normalize: what the TypeScript fast loops compute (their divisor table holds exactly these
 * sums). A non-agreeing z adds +0 instead of its +-0 product; the sums start at +0 and never
 * become -0, so adding either changes nothing. Returns 1 when every total is finite and no output
 * is NaN; otherwise the caller runs the TypeScript version (which falls back to the definition).
 */
export function tiesConsensus(deltas: usize, ws: usize, w: usize, models: i32, base: usize, normalize: i32, lambda: f64, out: usize, n: i32): i32 {
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  const l = f64x2.splat(lambda);
  let probe = f64x2.splat(0);
  let nan = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    let totalLo = f64x2.splat(0);
    let totalHi = f64x2.splat(0);
    for (let m = 0; m < models; m++) {
      const s = f64x2.splat(f64At(ws, m));
      const d = v128.load(pointer(deltas, m) + at);
      totalLo = f64x2.add(totalLo, f64x2.mul(s, low(d)));
      totalHi = f64x2.add(totalHi, f64x2.mul(s, high(d)));
    }
    probe = f64x2.add(probe, f64x2.add(f64x2.mul(totalLo, zero), f64x2.mul(totalHi, zero)));
    const upLo = f64x2.ge(totalLo, zero);
    const upHi = f64x2.ge(totalHi, zero);
    let mixedLo = f64x2.splat(0);
    let mixedHi = f64x2.splat(0);
    let divLo = f64x2.splat(0);
    let divHi = f64x2.splat(0);
    for (let m = 0; m < models; m++) {
      const s = f64x2.splat(f64At(ws, m));
      const wm = f64x2.splat(f64At(w, m));
      const d = v128.load(pointer(deltas, m) + at);
      const zLo = f64x2.mul(s, low(d));
      const zHi = f64x2.mul(s, high(d));
      const agreeLo = v128.bitselect(f64x2.gt(zLo, zero), f64x2.lt(zLo, zero), upLo);
      const agreeHi = v128.bitselect(f64x2.gt(zHi, zero), f64x2.lt(zHi, zero), upHi);
      mixedLo = f64x2.add(mixedLo, v128.and(zLo, agreeLo));
      mixedHi = f64x2.add(mixedHi, v128.and(zHi, agreeHi));
      divLo = f64x2.add(divLo, v128.and(wm, agreeLo));
      divHi = f64x2.add(divHi, v128.and(wm, agreeHi));
    }
    if (normalize) {
      mixedLo = f64x2.div(mixedLo, v128.bitselect(one, divLo, f64x2.eq(divLo, zero)));
      mixedHi = f64x2.div(mixedHi, v128.bitselect(one, divHi, f64x2.eq(divHi, zero)));
    }
    const b = v128.load(base + at);
    const r = narrow(f64x2.add(low(b), f64x2.mul(mixedLo, l)), f64x2.add(high(b), f64x2.mul(mixedHi, l)));
    nan = v128.or(nan, isNaN4(r));
    v128.store(out + at, r);
  }
  let tail = 0;
  let tailProbe: f64 = 0;
  for (; i < n; i++) {
    const at = <usize>i << 2;
    let total: f64 = 0;
    for (let m = 0; m < models; m++) total += f64At(ws, m) * <f64>load<f32>(pointer(deltas, m) + at);
    tailProbe += total * 0;
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
    tail |= <i32>(r != r);
    store<f32>(out + at, r);
  }
  const finite = f64x2.extract_lane(probe, 0) == 0 && f64x2.extract_lane(probe, 1) == 0 && tailProbe == 0;
  return <i32>(finite && !v128.any_true(nan) && tail == 0);
}
