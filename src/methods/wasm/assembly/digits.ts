// Exact top-k selection by 16-bit radix digits of |d| (select-top-k.ts, sparsify-magnitude.ts):
// counting passes and the trim, on the bits of float32 task vectors. Integer work only, so the
// results are those of the TypeScript loops for every input.

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
