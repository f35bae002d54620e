import { simdAddHighDigits, simdAddLowDigits } from "./wasm/simd-digits.js";

/**
 * Exact top-k selection without sorting (FIELD-NOTES §6: a full sort of 16M floats takes ~1.7 s).
 *
 * Works on 32-bit keys whose unsigned order is the value order: for |x| of a float32 that is the bit
 * pattern with the sign bit cleared; `orderedFloatKeys` maps signed floats. Two-pass radix select:
 * histogram the high 16 bits, find the bucket holding the cut, histogram the low 16 bits of that
 * bucket only. Linear time, no worst case, duplicates cost nothing.
 *
 * Ties at the cut are broken by index (lower index wins), so top-k sets are nested:
 * topK(a) is a subset of topK(b) when a <= b (breadcrumbs relies on this). mergekit's own tie
 * order is whatever torch's sort does; its conformance inputs have no ties near a cut.
 */

/** Bits of |x| for a float32 viewed as uint32: order-preserving for non-negative values. */
export const ABS_MASK = 0x7fffffff;

// 16-bit digit counts, reused by every call (selection is synchronous, one call at a time per thread).
const histogram = new Uint32Array(65536);
const histogramOdd = new Uint32Array(65536);
const lowHistogram = new Uint32Array(65536);

/**
 * Counts of the high 16 bits of `keys & mask`, into `histogram`. Even and odd elements count into
 * separate tables, summed at the end: real task vectors crowd into a few buckets, and consecutive
 * increments of one counter wait on each other (store-to-load forwarding); two tables halve that
 * chain and measured ~2-3x faster on 16M elements. The result is valid until the next call; pass
 * it to `kthLargestKey`/`topKThreshold` to take several cuts of the same keys with one count.
 */
export function countHighDigits(keys: Uint32Array, mask: number): Uint32Array {
  return countHighDigitsInto(keys, keys.length, histogram, histogramOdd, mask);
}

/**
 * countHighDigits into the caller's tables (65536 entries each; in kernel memory the kernel
 * counts): the first `length` keys' counts end up in `even`, which is returned; `odd` is left
 * holding the odd elements' share.
 */
export function countHighDigitsInto(keys: Uint32Array, length: number, even: Uint32Array, odd: Uint32Array, mask = ABS_MASK): Uint32Array {
  even.fill(0);
  odd.fill(0);
  addHighDigits(keys, mask, length, even, odd);
  for (let b = 0; b < 65536; b++) even[b] += odd[b];
  return even;
}

/**
 * Adds the high-16-bit digit counts of the first `length` keys (`& mask`) to two 65536-entry
 * tables, even elements to `even` and odd ones to `odd` (see countHighDigits for why two); sum
 * them afterwards. Counting a tensor chunk by chunk gives the counts of the whole.
 */
export function addHighDigits(keys: Uint32Array, mask: number, length: number, even: Uint32Array, odd: Uint32Array): void {
  if (mask === ABS_MASK && simdAddHighDigits(keys, length, even, odd)) return;
  let i = 0;
  for (; i + 1 < length; i += 2) {
    even[(keys[i] & mask) >>> 16]++;
    odd[(keys[i + 1] & mask) >>> 16]++;
  }
  if (i < length) even[(keys[i] & mask) >>> 16]++;
}

/** Adds the low-16-bit digit counts of the first `length` keys whose high digit is `high` to `low`. */
export function addLowDigits(keys: Uint32Array, mask: number, length: number, high: number, low: Uint32Array): void {
  if (mask === ABS_MASK && simdAddLowDigits(keys, length, high, low)) return;
  // Mostly-not-taken branch: only the cut's bucket (a small fraction of elements) is counted.
  for (let i = 0; i < length; i++) {
    const v = (keys[i] & mask) >>> 0;
    if (v >>> 16 === high) low[v & 0xffff]++;
  }
}

/**
 * Walks a 65536-entry digit histogram from the top: the digit holding the k-th largest element,
 * and how many elements lie above it (`above` counts those already known to be larger).
 */
export function cutDigit(counts: Uint32Array, k: number, above = 0): { digit: number; above: number } {
  let digit = 65535;
  while (above + counts[digit] < k) above += counts[digit--];
  return { digit, above };
}

/**
 * Key value of the k-th largest element (k >= 1) of `keys & mask`, plus how many elements are
 * strictly larger. `high`: the `countHighDigits(keys, mask)` result, if the caller already has it;
 * `lowTable`: a 65536-entry table for the low digits (in kernel memory, the kernel counts them).
 */
export function kthLargestKey(keys: Uint32Array, mask: number, k: number, high?: Uint32Array, lowTable: Uint32Array = lowHistogram): { key: number; above: number } {
  const n = keys.length;
  if (k < 1 || k > n) throw new RangeError(`k must be in [1, ${n}], got ${k}`);
  const counts = high ?? countHighDigits(keys, mask);
  const hi = cutDigit(counts, k);
  const low = lowTable.fill(0);
  addLowDigits(keys, mask, n, hi.digit, low);
  const lo = cutDigit(low, k, hi.above);
  return { key: ((hi.digit << 16) | lo.digit) >>> 0, above: lo.above };
}

/**
 * Cut for the k largest elements of `keys & mask`: an element is selected when its key is above
 * `key`, or equal to it and among the first `ties` such elements by index. k <= 0 selects nothing,
 * k >= n everything. Lets callers apply the selection in the same pass as their own work.
 * `high` and `lowTable` as for kthLargestKey.
 */
export function topKThreshold(keys: Uint32Array, mask: number, k: number, high?: Uint32Array, lowTable?: Uint32Array): { key: number; ties: number } {
  const n = keys.length;
  if (k <= 0) return { key: Number.POSITIVE_INFINITY, ties: 0 };
  if (k >= n) return { key: -1, ties: 0 };
  const { key, above } = kthLargestKey(keys, mask, k, high, lowTable);
  return { key, ties: k - above };
}

/**
 * Writes 1 into `out` for the k largest elements of `keys & mask` (ties at the cut by lowest index),
 * 0 elsewhere. k <= 0 selects nothing, k >= n everything.
 */
export function topKMask(keys: Uint32Array, mask: number, k: number, out: Uint8Array): Uint8Array {
  const { key, ties } = topKThreshold(keys, mask, k);
  let tiesLeft = ties;
  for (let i = 0; i < keys.length; i++) {
    const v = (keys[i] & mask) >>> 0;
    out[i] = v > key || (v === key && tiesLeft-- > 0) ? 1 : 0;
  }
  return out;
}

/** Maps float32 values to uint32 keys with the same order (negatives flipped, sign bit set on positives). */
export function orderedFloatKeys(values: Float32Array): Uint32Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const keys = new Uint32Array(values.length);
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i];
    keys[i] = (b & 0x80000000 ? ~b : b | 0x80000000) >>> 0;
  }
  return keys;
}

/** Inverse of `orderedFloatKeys` for one key. */
export function floatFromOrderedKey(key: number): number {
  const bits = key & 0x80000000 ? key & 0x7fffffff : ~key;
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, bits >>> 0, true);
  return view.getFloat32(0, true);
}

/** Uint32 view of a Float32Array's bits (no copy). */
export function floatBits(values: Float32Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length);
}
