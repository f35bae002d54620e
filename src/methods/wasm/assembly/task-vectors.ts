// Task vectors d = float32(x - base) and their L1 norms (task-vectors.ts). A float32 subtraction
// rounds exactly as fround of the float64 one. Norms are float64 sums in index order, one add
// after the other as the TypeScript loops do them (a reordered sum could round differently).

/** out = x - base; returns 1 when no output is NaN. */
export function taskVector(x: usize, base: usize, out: usize, n: i32): i32 {
  let nan = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const d = f32x4.sub(v128.load(x + at), v128.load(base + at));
    nan = v128.or(nan, f32x4.ne(d, d));
    v128.store(out + at, d);
  }
  let tail = 0;
  for (; i < n; i++) {
    const at = <usize>i << 2;
    const d = load<f32>(x + at) - load<f32>(base + at);
    tail |= <i32>(d != d);
    store<f32>(out + at, d);
  }
  return <i32>(!v128.any_true(nan) && tail == 0);
}

/** out = x - base, returning sum + |out[0]| + |out[1]| + ... (NaN when an output is NaN). */
export function taskVectorL1(x: usize, base: usize, out: usize, n: i32, sum: f64): f64 {
  let s = sum;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const d = f32x4.sub(v128.load(x + at), v128.load(base + at));
    v128.store(out + at, d);
    s += <f64>abs<f32>(f32x4.extract_lane(d, 0));
    s += <f64>abs<f32>(f32x4.extract_lane(d, 1));
    s += <f64>abs<f32>(f32x4.extract_lane(d, 2));
    s += <f64>abs<f32>(f32x4.extract_lane(d, 3));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    const d = load<f32>(x + at) - load<f32>(base + at);
    store<f32>(out + at, d);
    s += <f64>abs<f32>(d);
  }
  return s;
}

/** sum + |values[0]| + ... + |values[n - 1]| (addL1). */
export function addL1(values: usize, n: i32, sum: f64): f64 {
  let s = sum;
  for (let i = 0; i < n; i++) s += <f64>abs<f32>(load<f32>(values + (<usize>i << 2)));
  return s;
}

/**
 * delta[i] *= bit (start + i) of `keep` (applyKeepBits): d or +-0 (the sign of d, as d * 0).
 * Non-finite deltas are left as they are and make it return 0 (Inf * 0 is NaN, whose bits the
 * caller's TypeScript loop decides): that loop then runs over the same deltas, and gives what it
 * would have given alone, since applying a flag twice to a finite delta changes nothing.
 */
export function applyKeepBits(delta: usize, n: i32, keep: usize, start: i32): i32 {
  let special = i32x4.splat(0);
  let tail = 0;
  let i = 0;
  // Whole words of flags, eight groups of four lanes, once the position is at a word boundary.
  for (; i < n && ((start + i) & 31) != 0; i++) tail |= applyOne(delta, i, keep, start);
  for (; i + 32 <= n; i += 32) {
    const word = i32x4.splat(load<u32>(keep + (<usize>((start + i) >>> 5) << 2)));
    const at = delta + (<usize>i << 2);
    special = v128.or(special, keepGroup(at, word, 0));
    special = v128.or(special, keepGroup(at + 16, word, 4));
    special = v128.or(special, keepGroup(at + 32, word, 8));
    special = v128.or(special, keepGroup(at + 48, word, 12));
    special = v128.or(special, keepGroup(at + 64, word, 16));
    special = v128.or(special, keepGroup(at + 80, word, 20));
    special = v128.or(special, keepGroup(at + 96, word, 24));
    special = v128.or(special, keepGroup(at + 112, word, 28));
  }
  for (; i < n; i++) tail |= applyOne(delta, i, keep, start);
  return <i32>(!v128.any_true(special) && tail == 0);
}

/**
 * Four deltas at `at` against bits shift..shift+3 of `word` (splat): each kept as it is, or
 * dropped to its sign bit (d * 0); a non-finite one left as it is. Returns the non-finite lanes.
 */
// @ts-ignore: decorator
@inline function keepGroup(at: usize, word: v128, shift: i32): v128 {
  const exponent = i32x4.splat(0x7f800000);
  const d = v128.load(at);
  const nonFinite = i32x4.eq(v128.and(d, exponent), exponent);
  const dropped = i32x4.eq(v128.and(i32x4.shr_u(word, shift), i32x4(1, 2, 4, 8)), i32x4.splat(0));
  v128.store(at, v128.andnot(d, v128.and(v128.andnot(dropped, nonFinite), i32x4.splat(0x7fffffff))));
  return nonFinite;
}

// @ts-ignore: decorator
@inline function applyOne(delta: usize, i: i32, keep: usize, start: i32): i32 {
  const at = delta + (<usize>i << 2);
  const u = load<u32>(at);
  const bit = <u32>(start + i);
  const kept = (load<u32>(keep + (<usize>(bit >>> 5) << 2)) >>> (bit & 31)) & 1;
  const nonFinite = (u & 0x7f800000) == 0x7f800000;
  store<u32>(at, kept || nonFinite ? u : u & 0x80000000);
  return <i32>nonFinite;
}
