// DARE's random drop (chunked-random-merge.ts): xoshiro128** draws (createRandom's fillBits) and
// the drop pass over them (dropBlock), with L1 norms as 8-lane sums (task-vectors.ts, L1_LANES).
import { high, low } from "./lanes";

/**
 * The next `n` raw draws of the xoshiro128** stream whose state (words a, b, c, d) is at `state`,
 * into out[0..n), the state advanced by n steps written back: the same draws as createRandom's
 * fillBits. Whole blocks of 4 * quarter draws run as four streams in SIMD lanes, stream k making
 * draws [k * quarter, (k + 1) * quarter) of the block from the state jumped ahead by k * quarter
 * steps (`jump` is the matrix T^quarter as xoshiro-jump.ts's jumpTable); the rest one step at a time.
 */
export function fillDraws(state: usize, jump: usize, quarter: i32, out: usize, n: i32): void {
  let a = load<u32>(state);
  let b = load<u32>(state, 4);
  let c = load<u32>(state, 8);
  let d = load<u32>(state, 12);
  let i = 0;
  if (quarter >= 4 && (quarter & 3) == 0) {
    const five = i32x4.splat(5);
    const nine = i32x4.splat(9);
    for (; i + 4 * quarter <= n; i += 4 * quarter) {
      const s0 = i32x4.replace_lane(i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(a), 1, b), 2, c), 3, d);
      const s1 = applyJump(jump, s0);
      const s2 = applyJump(jump, s1);
      const s3 = applyJump(jump, s2);
      // Lane k of A, B, C, D: stream k's words.
      const t0 = i32x4.shuffle(s0, s1, 0, 4, 1, 5);
      const t1 = i32x4.shuffle(s0, s1, 2, 6, 3, 7);
      const t2 = i32x4.shuffle(s2, s3, 0, 4, 1, 5);
      const t3 = i32x4.shuffle(s2, s3, 2, 6, 3, 7);
      let va = i64x2.shuffle(t0, t2, 0, 2);
      let vb = i64x2.shuffle(t0, t2, 1, 3);
      let vc = i64x2.shuffle(t1, t3, 0, 2);
      let vd = i64x2.shuffle(t1, t3, 1, 3);
      const at = out + (<usize>i << 2);
      const stride = <usize>quarter << 2;
      for (let s = 0; s < quarter; s += 4) {
        // Four steps of the four streams; o_j lane k is stream k's draw s + j.
        let x = i32x4.mul(vb, five);
        const o0 = i32x4.mul(v128.or(i32x4.shl(x, 7), i32x4.shr_u(x, 25)), nine);
        let t = i32x4.shl(vb, 9);
        vc = v128.xor(vc, va);
        vd = v128.xor(vd, vb);
        vb = v128.xor(vb, vc);
        va = v128.xor(va, vd);
        vc = v128.xor(vc, t);
        vd = v128.or(i32x4.shl(vd, 11), i32x4.shr_u(vd, 21));
        x = i32x4.mul(vb, five);
        const o1 = i32x4.mul(v128.or(i32x4.shl(x, 7), i32x4.shr_u(x, 25)), nine);
        t = i32x4.shl(vb, 9);
        vc = v128.xor(vc, va);
        vd = v128.xor(vd, vb);
        vb = v128.xor(vb, vc);
        va = v128.xor(va, vd);
        vc = v128.xor(vc, t);
        vd = v128.or(i32x4.shl(vd, 11), i32x4.shr_u(vd, 21));
        x = i32x4.mul(vb, five);
        const o2 = i32x4.mul(v128.or(i32x4.shl(x, 7), i32x4.shr_u(x, 25)), nine);
        t = i32x4.shl(vb, 9);
        vc = v128.xor(vc, va);
        vd = v128.xor(vd, vb);
        vb = v128.xor(vb, vc);
        va = v128.xor(va, vd);
        vc = v128.xor(vc, t);
        vd = v128.or(i32x4.shl(vd, 11), i32x4.shr_u(vd, 21));
        x = i32x4.mul(vb, five);
        const o3 = i32x4.mul(v128.or(i32x4.shl(x, 7), i32x4.shr_u(x, 25)), nine);
        t = i32x4.shl(vb, 9);
        vc = v128.xor(vc, va);
        vd = v128.xor(vd, vb);
        vb = v128.xor(vb, vc);
        va = v128.xor(va, vd);
        vc = v128.xor(vc, t);
        vd = v128.or(i32x4.shl(vd, 11), i32x4.shr_u(vd, 21));
        // Transposed: stream k's four draws, stored at its part of the block.
        const u0 = i32x4.shuffle(o0, o1, 0, 4, 1, 5);
        const u1 = i32x4.shuffle(o0, o1, 2, 6, 3, 7);
        const u2 = i32x4.shuffle(o2, o3, 0, 4, 1, 5);
        const u3 = i32x4.shuffle(o2, o3, 2, 6, 3, 7);
        const to = at + (<usize>s << 2);
        v128.store(to, i64x2.shuffle(u0, u2, 0, 2));
        v128.store(to + stride, i64x2.shuffle(u0, u2, 1, 3));
        v128.store(to + 2 * stride, i64x2.shuffle(u1, u3, 0, 2));
        v128.store(to + 3 * stride, i64x2.shuffle(u1, u3, 1, 3));
      }
      // Stream 3 ends where the block ends.
      a = i32x4.extract_lane(va, 3);
      b = i32x4.extract_lane(vb, 3);
      c = i32x4.extract_lane(vc, 3);
      d = i32x4.extract_lane(vd, 3);
    }
  }
  for (; i < n; i++) {
    const x = b * 5;
    store<u32>(out + (<usize>i << 2), rotl<u32>(x, 7) * 9);
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl<u32>(d, 11);
  }
  store<u32>(state, a);
  store<u32>(state, b, 4);
  store<u32>(state, c, 8);
  store<u32>(state, d, 12);
}

/** `matrix * s` for a 128-bit state s (words a, b, c, d in lanes 0..3), the matrix as a jumpTable (xoshiro-jump.ts). */
// @ts-ignore: decorator
@inline function applyJump(table: usize, s: v128): v128 {
  let acc = i32x4.splat(0);
  acc = jumpWord(acc, table, i32x4.extract_lane(s, 0));
  acc = jumpWord(acc, table + 2048, i32x4.extract_lane(s, 1));
  acc = jumpWord(acc, table + 4096, i32x4.extract_lane(s, 2));
  return jumpWord(acc, table + 6144, i32x4.extract_lane(s, 3));
}

/** `acc` xor the table entries of the 8 nibbles of `word` (16 entries of 16 bytes per nibble, from `entries`). */
// @ts-ignore: decorator
@inline function jumpWord(acc: v128, entries: usize, word: u32): v128 {
  for (let k = 0; k < 8; k++) acc = v128.xor(acc, v128.load(entries + (<usize>k << 8) + (<usize>((word >>> (k << 2)) & 15) << 4)));
  return acc;
}

/**
 * One block of DARE's drop pass over n elements (chunked-random-merge.ts dropBlock, on raw draws as
 * flagsOfDraws turns them into flags): d = float32(x - base), flag = draws[i] < cut; the flag set as
 * bit (offset + i) of `keep`; |d| added to L1 lane (offset + i) & 7 of the norm before (lanes[0..8))
 * and |d * flag| (|d|, +0, or NaN for an infinite d dropped) to the same lane of the norm after
 * (lanes[8..16)), each lane in index order. Whole words of 32 flags at a time when offset is a
 * multiple of 32, four float64x2 accumulators per norm; the rest one element at a time.
 */
export function dropDraws(x: usize, base: usize, draws: usize, cut: f64, n: i32, offset: i32, keep: usize, lanes: usize): void {
  let i = 0;
  // draw < cut for an integer draw: draw <= ceil(cut) - 1 (every draw when that is >= 2^32 - 1);
  // a cut <= 0 or NaN keeps nothing, and is left to the loop below.
  if ((offset & 31) == 0 && n >= 32 && cut > 0) {
    const below = Math.ceil(cut) - 1;
    const threshold = i32x4.splat(<u32>(below >= 4294967295.0 ? 4294967295.0 : below));
    let b0 = v128.load(lanes);
    let b1 = v128.load(lanes, 16);
    let b2 = v128.load(lanes, 32);
    let b3 = v128.load(lanes, 48);
    // The norm after is summed negated (-|d| or -0 terms; negation commutes with rounding to nearest
    // even), which lets -1/0 masks convert straight into the factors.
    let p0 = f64x2.neg(v128.load(lanes, 64));
    let p1 = f64x2.neg(v128.load(lanes, 80));
    let p2 = f64x2.neg(v128.load(lanes, 96));
    let p3 = f64x2.neg(v128.load(lanes, 112));
    for (; i + 32 <= n; i += 32) {
      // Four groups of 8 written out (constant shifts, no inner loop to carry the word across). In
      // each, |d| by clearing the sign bit and -|d| * flag as |d| * -1 or |d| * 0 (NaN for an
      // infinite or NaN d dropped, as d * 0).
      let word = 0;
      {
        const at = <usize>i << 2;
        const d0 = f32x4.sub(v128.load(x + at), v128.load(base + at));
        const d1 = f32x4.sub(v128.load(x + at, 16), v128.load(base + at, 16));
        const m0 = i32x4.le_u(v128.load(draws + at), threshold);
        const m1 = i32x4.le_u(v128.load(draws + at, 16), threshold);
        word |= i32x4.bitmask(m0) | (i32x4.bitmask(m1) << 4);
        const a0 = i32x4.shr_u(i32x4.shl(d0, 1), 1);
        const a1 = i32x4.shr_u(i32x4.shl(d1, 1), 1);
        const k0 = f32x4.mul(a0, f32x4.convert_i32x4_s(m0));
        const k1 = f32x4.mul(a1, f32x4.convert_i32x4_s(m1));
        b0 = f64x2.add(b0, low(a0));
        b1 = f64x2.add(b1, high(a0));
        b2 = f64x2.add(b2, low(a1));
        b3 = f64x2.add(b3, high(a1));
        p0 = f64x2.add(p0, low(k0));
        p1 = f64x2.add(p1, high(k0));
        p2 = f64x2.add(p2, low(k1));
        p3 = f64x2.add(p3, high(k1));
      }
      {
        const at = <usize>(i + 8) << 2;
        const d0 = f32x4.sub(v128.load(x + at), v128.load(base + at));
        const d1 = f32x4.sub(v128.load(x + at, 16), v128.load(base + at, 16));
        const m0 = i32x4.le_u(v128.load(draws + at), threshold);
        const m1 = i32x4.le_u(v128.load(draws + at, 16), threshold);
        word |= (i32x4.bitmask(m0) | (i32x4.bitmask(m1) << 4)) << 8;
        const a0 = i32x4.shr_u(i32x4.shl(d0, 1), 1);
        const a1 = i32x4.shr_u(i32x4.shl(d1, 1), 1);
        const k0 = f32x4.mul(a0, f32x4.convert_i32x4_s(m0));
        const k1 = f32x4.mul(a1, f32x4.convert_i32x4_s(m1));
        b0 = f64x2.add(b0, low(a0));
        b1 = f64x2.add(b1, high(a0));
        b2 = f64x2.add(b2, low(a1));
        b3 = f64x2.add(b3, high(a1));
        p0 = f64x2.add(p0, low(k0));
        p1 = f64x2.add(p1, high(k0));
        p2 = f64x2.add(p2, low(k1));
        p3 = f64x2.add(p3, high(k1));
      }
      {
        const at = <usize>(i + 16) << 2;
        const d0 = f32x4.sub(v128.load(x + at), v128.load(base + at));
        const d1 = f32x4.sub(v128.load(x + at, 16), v128.load(base + at, 16));
        const m0 = i32x4.le_u(v128.load(draws + at), threshold);
        const m1 = i32x4.le_u(v128.load(draws + at, 16), threshold);
        word |= (i32x4.bitmask(m0) | (i32x4.bitmask(m1) << 4)) << 16;
        const a0 = i32x4.shr_u(i32x4.shl(d0, 1), 1);
        const a1 = i32x4.shr_u(i32x4.shl(d1, 1), 1);
        const k0 = f32x4.mul(a0, f32x4.convert_i32x4_s(m0));
        const k1 = f32x4.mul(a1, f32x4.convert_i32x4_s(m1));
        b0 = f64x2.add(b0, low(a0));
        b1 = f64x2.add(b1, high(a0));
        b2 = f64x2.add(b2, low(a1));
        b3 = f64x2.add(b3, high(a1));
        p0 = f64x2.add(p0, low(k0));
        p1 = f64x2.add(p1, high(k0));
        p2 = f64x2.add(p2, low(k1));
        p3 = f64x2.add(p3, high(k1));
      }
      {
        const at = <usize>(i + 24) << 2;
        const d0 = f32x4.sub(v128.load(x + at), v128.load(base + at));
        const d1 = f32x4.sub(v128.load(x + at, 16), v128.load(base + at, 16));
        const m0 = i32x4.le_u(v128.load(draws + at), threshold);
        const m1 = i32x4.le_u(v128.load(draws + at, 16), threshold);
        word |= (i32x4.bitmask(m0) | (i32x4.bitmask(m1) << 4)) << 24;
        const a0 = i32x4.shr_u(i32x4.shl(d0, 1), 1);
        const a1 = i32x4.shr_u(i32x4.shl(d1, 1), 1);
        const k0 = f32x4.mul(a0, f32x4.convert_i32x4_s(m0));
        const k1 = f32x4.mul(a1, f32x4.convert_i32x4_s(m1));
        b0 = f64x2.add(b0, low(a0));
        b1 = f64x2.add(b1, high(a0));
        b2 = f64x2.add(b2, low(a1));
        b3 = f64x2.add(b3, high(a1));
        p0 = f64x2.add(p0, low(k0));
        p1 = f64x2.add(p1, high(k0));
        p2 = f64x2.add(p2, low(k1));
        p3 = f64x2.add(p3, high(k1));
      }
      const w = keep + (<usize>((offset + i) >>> 5) << 2);
      store<u32>(w, load<u32>(w) | word);
    }
    v128.store(lanes, b0);
    v128.store(lanes, b1, 16);
    v128.store(lanes, b2, 32);
    v128.store(lanes, b3, 48);
    // Back to the norm after; + 0 makes a -0 +0: a dropped element adds +0 here where the loop adds
    // -0's twin, so a lane summing only zeros ends as -0 once negated, where the loop's is +0 (its
    // terms are >= +0, so no lane of it is -0 after a term).
    const zero = f64x2.splat(0);
    v128.store(lanes, f64x2.add(f64x2.neg(p0), zero), 64);
    v128.store(lanes, f64x2.add(f64x2.neg(p1), zero), 80);
    v128.store(lanes, f64x2.add(f64x2.neg(p2), zero), 96);
    v128.store(lanes, f64x2.add(f64x2.neg(p3), zero), 112);
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    const d = <f64>(load<f32>(x + at) - load<f32>(base + at));
    const flag = <u32>(<f64>load<u32>(draws + at) < cut);
    const bit = <u32>(offset + i);
    const lane = lanes + (<usize>(bit & 7) << 3);
    store<f64>(lane, load<f64>(lane) + abs<f64>(d));
    store<f64>(lane, load<f64>(lane, 64) + abs<f64>(d * <f64>flag), 64);
    const word = keep + (<usize>(bit >>> 5) << 2);
    store<u32>(word, load<u32>(word) | (flag << (bit & 31)));
  }
}

/**
 * DARE's drop over n elements with the draws made here: blocks of 4 * quarter elements, each
 * filled with fillDraws into `draws` (4 * quarter words of scratch), then dropped by dropDraws.
 */
export function randomDrop(x: usize, base: usize, state: usize, jump: usize, quarter: i32, draws: usize, cut: f64, n: i32, offset: i32, keep: usize, lanes: usize): void {
  const block = quarter >= 1 ? 4 * quarter : max(n, 1);
  for (let from = 0; from < n; from += block) {
    const length = min(block, n - from);
    fillDraws(state, jump, quarter, draws, length);
    dropDraws(x + (<usize>from << 2), base + (<usize>from << 2), draws, cut, length, offset + from, keep, lanes);
  }
}
