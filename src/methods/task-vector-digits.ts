import { ABS_MASK, addHighDigits, addLowDigits } from "./select-top-k.js";
import { taskVector } from "./task-vectors.js";
import { simdTaskVectorHighDigits, simdTaskVectorLowDigits } from "./wasm/simd-digits.js";

/**
 * The radix-select counting passes of the chunked magnitude trim on task vectors that are never
 * stored: `taskVector(x, base, d)` then addHighDigits / addLowDigits of d's bits (`bits` is `d` as
 * uint32, scratch the TypeScript loops write into). In the SIMD kernels' memory one kernel does
 * both without storing d; it stops at a NaN task vector (whose bits the TypeScript subtraction
 * decides) and the loops count the rest. Counts are integers, so splitting a chunk cannot change
 * them.
 */

export function addTaskVectorHighDigits(x: Float32Array, base: Float32Array, d: Float32Array, bits: Uint32Array, even: Uint32Array, odd: Uint32Array): void {
  const done = simdTaskVectorHighDigits(x, base, d.length, even, odd);
  if (done === d.length) return;
  taskVector(rest(x, done), rest(base, done), rest(d, done));
  addHighDigits(rest(bits, done), ABS_MASK, d.length - done, even, odd);
}

export function addTaskVectorLowDigits(x: Float32Array, base: Float32Array, d: Float32Array, bits: Uint32Array, high: number, low: Uint32Array): void {
  const done = simdTaskVectorLowDigits(x, base, d.length, high, low);
  if (done === d.length) return;
  taskVector(rest(x, done), rest(base, done), rest(d, done));
  addLowDigits(rest(bits, done), ABS_MASK, d.length - done, high, low);
}

function rest<T extends Float32Array | Uint32Array>(a: T, from: number): T {
  return (from === 0 ? a : a.subarray(from)) as T;
}
