// Exact top-k selection by 16-bit radix digits of |d| (select-top-k.ts, sparsify-magnitude.ts):
// counting passes and the trim, on the bits of float32 task vectors. Integer work only, so the
// results are those of the TypeScript loops for every input.
import { pointer } from "./lanes";

/**
 * Counts the high 16 bits of (keys & 0x7fffffff) into two u32 tables, even elements into `even`
 * and odd ones into `odd` (addHighDigits: two tables shorten the chains of increments to one
 * crowded counter).
 */
export function addHighDigits(keys: usize, n: i32, even: usize, odd: usize): void {
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const a = even + (<usize>((load<u32>(keys + (<usize>i << 2)) & 0x7fffffff) >>> 16) << 2);
    const b = odd + (<usize>((load<u32>(keys + (<usize>i << 2), 4) & 0x7fffffff) >>> 16) << 2);
    store<u32>(a, load<u32>(a) + 1);
    store<u32>(b, load<u32>(b) + 1);
  }
  if (i < n) {
    const a = even + (<usize>((load<u32>(keys + (<usize>i << 2)) & 0x7fffffff) >>> 16) << 2);
    store<u32>(a, load<u32>(a) + 1);
  }
}

/** Counts the low 16 bits of the keys whose high digit is `high` into `low` (addLowDigits). */
export function addLowDigits(keys: usize, n: i32, high: u32, low: usize): void {
  const mask = i32x4.splat(0x7fffffff);
  const wanted = i32x4.splat(high);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.and(v128.load(keys + (<usize>i << 2)), mask);
    // Mostly none: only the cut's bucket, a small share of the elements, is counted.
    if (v128.any_true(i32x4.eq(i32x4.shr_u(v, 16), wanted))) {
      for (let j = 0; j < 4; j++) countLow(keys, i + j, high, low);
    }
  }
  for (; i < n; i++) countLow(keys, i, high, low);
}

// @ts-ignore: decorator
@inline function countLow(keys: usize, i: i32, high: u32, low: usize): void {
  const v = load<u32>(keys + (<usize>i << 2)) & 0x7fffffff;
  if (v >>> 16 == high) {
    const at = low + (<usize>(v & 0xffff) << 2);
    store<u32>(at, load<u32>(at) + 1);
  }
}

/**
 * The trim (keepAtOrAbove): zeroes every element whose |bits| is below `key`, keeps those above,
 * and of those equal to it keeps the first `ties` in index order. Returns the ties still allowed.
 * `key` is at most 0x7fffffff, so signed lane compares order it like the unsigned ones.
 */
export function keepAtOrAbove(bits: usize, n: i32, key: u32, ties: i32): i32 {
  const mask = i32x4.splat(0x7fffffff);
  const k = i32x4.splat(key);
  let left = ties;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = bits + (<usize>i << 2);
    const u = v128.load(at);
    const v = v128.and(u, mask);
    v128.store(at, v128.and(u, i32x4.gt_s(v, k)));
    // Rare: an element at the cut. Ties are kept in index order, lane by lane.
    if (v128.any_true(i32x4.eq(v, k))) {
      left = tie(at, i32x4.extract_lane(u, 0), key, left);
      left = tie(at + 4, i32x4.extract_lane(u, 1), key, left);
      left = tie(at + 8, i32x4.extract_lane(u, 2), key, left);
      left = tie(at + 12, i32x4.extract_lane(u, 3), key, left);
    }
  }
  for (; i < n; i++) {
    const at = bits + (<usize>i << 2);
    const u = load<u32>(at);
    store<u32>(at, (u & 0x7fffffff) > key ? u : 0);
    left = tie(at, u, key, left);
  }
  return left;
}

/** For an element equal to the cut: kept while ties are left; every one uses one up (`left-- > 0`). */
// @ts-ignore: decorator
@inline function tie(at: usize, u: u32, key: u32, left: i32): i32 {
  if ((u & 0x7fffffff) != key) return left;
  if (left > 0) store<u32>(at, u);
  return left - 1;
}

/**
 * The task vector d = float32(x - base) and the high-digit count of |d| in one pass (taskVector
 * then addHighDigits, without storing d): elements [0, end) counted into `even` (lanes 0 and 2)
 * and `odd` (lanes 1 and 3: odd elements, as addHighDigits), where `end` is returned: n, or the start of the first block of four
 * holding a NaN d (whose bits the TypeScript subtraction decides; the caller does the rest).
 */
export function addTaskVectorHighDigits(x: usize, base: usize, n: i32, even: usize, odd: usize): i32 {
  const mask = i32x4.splat(0x7fffffff);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const d = f32x4.sub(v128.load(x + at), v128.load(base + at));
    if (v128.any_true(f32x4.ne(d, d))) return i;
    const h = i32x4.shr_u(v128.and(d, mask), 16);
    count(even, <u32>i32x4.extract_lane(h, 0));
    count(odd, <u32>i32x4.extract_lane(h, 1));
    count(even, <u32>i32x4.extract_lane(h, 2));
    count(odd, <u32>i32x4.extract_lane(h, 3));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    const d = load<f32>(x + at) - load<f32>(base + at);
    if (d != d) return i;
    count(i & 1 ? odd : even, (reinterpret<u32>(d) & 0x7fffffff) >>> 16);
  }
  return n;
}

/**
 * The task vector and the low-digit count of the |d| whose high digit is `high` in one pass
 * (taskVector then addLowDigits, without storing d); returns how far it got, as
 * addTaskVectorHighDigits.
 */
export function addTaskVectorLowDigits(x: usize, base: usize, n: i32, high: u32, low: usize): i32 {
  const mask = i32x4.splat(0x7fffffff);
  const wanted = i32x4.splat(high);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const d = f32x4.sub(v128.load(x + at), v128.load(base + at));
    if (v128.any_true(f32x4.ne(d, d))) return i;
    const v = v128.and(d, mask);
    // Mostly none: only the cut's bucket, a small share of the elements, is counted.
    if (v128.any_true(i32x4.eq(i32x4.shr_u(v, 16), wanted))) {
      lowIn(low, <u32>i32x4.extract_lane(v, 0), high);
      lowIn(low, <u32>i32x4.extract_lane(v, 1), high);
      lowIn(low, <u32>i32x4.extract_lane(v, 2), high);
      lowIn(low, <u32>i32x4.extract_lane(v, 3), high);
    }
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    const d = load<f32>(x + at) - load<f32>(base + at);
    if (d != d) return i;
    lowIn(low, reinterpret<u32>(d) & 0x7fffffff, high);
  }
  return n;
}

// @ts-ignore: decorator
@inline function count(table: usize, digit: u32): void {
  const at = table + (<usize>digit << 2);
  store<u32>(at, load<u32>(at) + 1);
}

// @ts-ignore: decorator
@inline function lowIn(low: usize, v: u32, high: u32): void {
  if (v >>> 16 == high) count(low, v & 0xffff);
}

/**
 * For the selection that defers its cut bucket (flagCutBucket): the elements of `bits` whose |bits|
 * has the high digit `high` get flag byte 1 in `flags` (others are left as they are) and their
 * low digits counted into `low`.
 */
export function flagCutBucket(bits: usize, n: i32, high: u32, low: usize, flags: usize): void {
  const mask = i32x4.splat(0x7fffffff);
  const wanted = i32x4.splat(high);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.and(v128.load(bits + (<usize>i << 2)), mask);
    // Mostly none: the cut's bucket holds a small share of the elements.
    if (v128.any_true(i32x4.eq(i32x4.shr_u(v, 16), wanted))) {
      flagIn(low, flags, i, <u32>i32x4.extract_lane(v, 0), high);
      flagIn(low, flags, i + 1, <u32>i32x4.extract_lane(v, 1), high);
      flagIn(low, flags, i + 2, <u32>i32x4.extract_lane(v, 2), high);
      flagIn(low, flags, i + 3, <u32>i32x4.extract_lane(v, 3), high);
    }
  }
  for (; i < n; i++) flagIn(low, flags, i, load<u32>(bits + (<usize>i << 2)) & 0x7fffffff, high);
}

// @ts-ignore: decorator
@inline function flagIn(low: usize, flags: usize, i: i32, v: u32, high: u32): void {
  if (v >>> 16 == high) {
    count(low, v & 0xffff);
    store<u8>(flags + <usize>i, 1);
  }
}

/**
 * Gathers the flagged elements of a chunk (gatherFlagged): for each i < n in order whose flag byte
 * is non-zero, appends start + i to `indices` and element i of each of the `arrays` float32 arrays
 * whose addresses are in `sources` to the arrays in `targets`, at position `at`, `at + 1`, ...;
 * clears the flags. Returns the new count, or -1 when more than `cap` would be held (flags and
 * targets are then unspecified).
 */
export function gatherFlagged(flags: usize, n: i32, start: i32, sources: usize, targets: usize, arrays: i32, indices: usize, at: i32, cap: i32): i32 {
  let count = at;
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    // One bit per flagged element of the 16: only those are visited (lowest index first).
    let set = i8x16.bitmask(i8x16.ne(v128.load(flags + <usize>i), i32x4.splat(0)));
    if (set == 0) continue;
    while (set != 0) {
      count = gatherOne(flags, i + ctz(set), start, sources, targets, arrays, indices, count, cap);
      if (count < 0) return -1;
      set &= set - 1;
    }
    v128.store(flags + <usize>i, i32x4.splat(0));
  }
  for (; i < n; i++) {
    count = gatherOne(flags, i, start, sources, targets, arrays, indices, count, cap);
    if (count < 0) return -1;
    store<u8>(flags + <usize>i, 0);
  }
  return count;
}

// @ts-ignore: decorator
@inline function gatherOne(flags: usize, i: i32, start: i32, sources: usize, targets: usize, arrays: i32, indices: usize, count: i32, cap: i32): i32 {
  if (load<u8>(flags + <usize>i) == 0) return count;
  if (count >= cap) return -1;
  store<u32>(indices + (<usize>count << 2), start + i);
  for (let a = 0; a < arrays; a++) {
    store<u32>(<usize>load<u32>(targets + (<usize>a << 2)) + (<usize>count << 2), load<u32>(<usize>load<u32>(sources + (<usize>a << 2)) + (<usize>i << 2)));
  }
  return count + 1;
}

/**
 * One model's task vector for the combine that defers its cut bucket (trimTaskVectorAtBucket):
 * out = float32(x - base) with the elements whose |d| has a high digit below `high` zeroed (+0),
 * the others kept, and those in the bucket (high digit `high`) flagged and their low digits
 * counted as flagCutBucket does. Returns how far it got: n, or the start of the first block of
 * four holding a NaN d (the caller does the rest).
 */
export function trimTaskVectorAtBucket(x: usize, base: usize, out: usize, n: i32, high: u32, low: usize, flags: usize): i32 {
  const mask = i32x4.splat(0x7fffffff);
  const wanted = i32x4.splat(high);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const d = f32x4.sub(v128.load(x + at), v128.load(base + at));
    if (v128.any_true(f32x4.ne(d, d))) return i;
    const v = v128.and(d, mask);
    const h = i32x4.shr_u(v, 16);
    v128.store(out + at, v128.and(d, i32x4.ge_s(h, wanted)));
    if (v128.any_true(i32x4.eq(h, wanted))) {
      flagIn(low, flags, i, <u32>i32x4.extract_lane(v, 0), high);
      flagIn(low, flags, i + 1, <u32>i32x4.extract_lane(v, 1), high);
      flagIn(low, flags, i + 2, <u32>i32x4.extract_lane(v, 2), high);
      flagIn(low, flags, i + 3, <u32>i32x4.extract_lane(v, 3), high);
    }
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    const d = load<f32>(x + at) - load<f32>(base + at);
    if (d != d) return i;
    const v = reinterpret<u32>(d) & 0x7fffffff;
    store<f32>(out + at, v >>> 16 >= high ? d : 0);
    flagIn(low, flags, i, v, high);
  }
  return n;
}

/**
 * One model's task vector for the combine that finishes a sampled bracket late
 * (trimTaskVectorInBracket): out = float32(x - base) with the elements whose key |d| is below `lo`
 * zeroed (+0), the others kept; those with a key in [lo, hi] flagged (bit i & 31 of the u32 at
 * flags + 4 * (i >> 5) set); the keys above `hi` counted into the u32 at `above`. Keys and bounds
 * are in [0, 0x7fffffff]. Returns how far it got: n, or the index of the first NaN d (the caller
 * does the rest).
 */
export function trimTaskVectorInBracket(x: usize, base: usize, out: usize, n: i32, lo: i32, hi: i32, flags: usize, above: usize): i32 {
  const mask = i32x4.splat(0x7fffffff);
  const low = i32x4.splat(lo);
  const high = i32x4.splat(hi);
  let over = i32x4.splat(0);
  let i = 0;
  // 32 elements per flag word: their bits are collected in a register, then stored at once. A
  // group holding a NaN d leaves its flags and counts out, and the loop below redoes it.
  for (; i + 32 <= n; i += 32) {
    let word = 0;
    let nan = i32x4.splat(0);
    let beyondGroup = i32x4.splat(0);
    for (let j = 0; j < 32; j += 4) {
      const at = <usize>(i + j) << 2;
      const d = f32x4.sub(v128.load(x + at), v128.load(base + at));
      nan = v128.or(nan, f32x4.ne(d, d));
      const v = v128.and(d, mask);
      const kept = i32x4.ge_s(v, low);
      const beyond = i32x4.gt_s(v, high);
      v128.store(out + at, v128.and(d, kept));
      beyondGroup = i32x4.sub(beyondGroup, beyond);
      word |= i32x4.bitmask(v128.andnot(kept, beyond)) << j;
    }
    if (v128.any_true(nan)) break;
    over = i32x4.add(over, beyondGroup);
    const f = flags + (<usize>i >> 3);
    store<u32>(f, load<u32>(f) | word);
  }
  let total = i32x4.extract_lane(over, 0) + i32x4.extract_lane(over, 1) + i32x4.extract_lane(over, 2) + i32x4.extract_lane(over, 3);
  for (; i < n; i++) {
    const at = <usize>i << 2;
    const d = load<f32>(x + at) - load<f32>(base + at);
    if (d != d) break;
    const v = <i32>(reinterpret<u32>(d) & 0x7fffffff);
    store<f32>(out + at, v >= lo ? d : 0);
    if (v > hi) total++;
    else if (v >= lo) {
      const f = flags + (<usize>(i >> 5) << 2);
      store<u32>(f, load<u32>(f) | (1 << (i & 31)));
    }
  }
  store<u32>(above, load<u32>(above) + <u32>total);
  return i;
}

/**
 * Gathers the flagged elements of a chunk (gatherFlaggedBits): for each i < n in order whose bit
 * is set in the flag words (bit i & 31 of word i >> 5), appends start + i to `indices` and element
 * i of each of the `arrays` uint32 arrays whose addresses are in `sources` to the arrays in
 * `targets`, at position `at`, `at + 1`, ...; clears the flag words. Returns the new count, or -1
 * when more than `cap` would be held (flags and targets are then unspecified).
 */
export function gatherFlaggedBits(flags: usize, n: i32, start: i32, sources: usize, targets: usize, arrays: i32, indices: usize, at: i32, cap: i32): i32 {
  if (arrays == 3) return gatherFlaggedBits3(flags, n, start, sources, targets, indices, at, cap);
  let count = at;
  const words = (n + 31) >> 5;
  for (let w = 0; w < words; w++) {
    const f = flags + (<usize>w << 2);
    let set = load<u32>(f);
    if (set == 0) continue;
    store<u32>(f, 0);
    while (set != 0) {
      count = gatherAt((w << 5) + <i32>ctz(set), start, sources, targets, arrays, indices, count, cap);
      if (count < 0) return -1;
      set &= set - 1;
    }
  }
  return count;
}

/** gatherFlaggedBits for three arrays (the base and two models: the common merge), their addresses in registers. */
function gatherFlaggedBits3(flags: usize, n: i32, start: i32, sources: usize, targets: usize, indices: usize, at: i32, cap: i32): i32 {
  const s0 = pointer(sources, 0);
  const s1 = pointer(sources, 1);
  const s2 = pointer(sources, 2);
  const t0 = pointer(targets, 0);
  const t1 = pointer(targets, 1);
  const t2 = pointer(targets, 2);
  let count = at;
  const words = (n + 31) >> 5;
  for (let w = 0; w < words; w++) {
    const f = flags + (<usize>w << 2);
    let set = load<u32>(f);
    if (set == 0) continue;
    store<u32>(f, 0);
    while (set != 0) {
      if (count >= cap) return -1;
      const i = (<usize>w << 7) + (<usize>ctz(set) << 2);
      const to = <usize>count << 2;
      store<u32>(indices + to, start + <i32>(i >> 2));
      store<u32>(t0 + to, load<u32>(s0 + i));
      store<u32>(t1 + to, load<u32>(s1 + i));
      store<u32>(t2 + to, load<u32>(s2 + i));
      count++;
      set &= set - 1;
    }
  }
  return count;
}

// @ts-ignore: decorator
@inline function gatherAt(i: i32, start: i32, sources: usize, targets: usize, arrays: i32, indices: usize, count: i32, cap: i32): i32 {
  if (count >= cap) return -1;
  store<u32>(indices + (<usize>count << 2), start + i);
  for (let a = 0; a < arrays; a++) {
    store<u32>(<usize>load<u32>(targets + (<usize>a << 2)) + (<usize>count << 2), load<u32>(<usize>load<u32>(sources + (<usize>a << 2)) + (<usize>i << 2)));
  }
  return count + 1;
}
