import { expect } from "vitest";
import type { SeededRandom } from "../../helpers/seeded-random.js";

/**
 * Raw float bits for the kernel tests: inputs written as bits (a NaN's payload survives, which a
 * JS number assigned to a Float32Array may not keep), copies and comparisons by bits.
 */

/** float32 edge values as bits: ±0, subnormals, the normal range's ends, ±1, f16's ends; then ±Inf, quiet and signalling NaNs. */
export const EDGE_F32_BITS = [
  0x00000000, 0x80000000, 0x00000001, 0x80000001, 0x00000002, 0x007fffff, 0x807fffff, 0x00400000, 0x00800000, 0x80800000,
  0x3f800000, 0xbf800000, 0x7f7fffff, 0xff7fffff, 0x33800000, 0x38800000, 0x477ff000, 0x477fefff,
] as const;
export const NON_FINITE_F32_BITS = [0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001, 0xff800001, 0x7fa00000, 0x7fffffff, 0xffffffff, 0x7fc00001] as const;

/** float64 edge values for weights and scalars. */
export const EDGE_DOUBLES = [0, -0, 1, -1, 0.5, -2, 3, 5e-324, -5e-324, 1e-300, 1e300, -1e300, 2 ** -149, 1e-7, 1e30] as const;
export const NON_FINITE_DOUBLES = [NaN, Infinity, -Infinity] as const;

/** A uniform 32-bit pattern. */
export function randomBits(r: SeededRandom): number {
  return Math.floor(r.next() * 4294967296);
}

/** How a generated float32 array mixes ordinary values with edge and non-finite ones. */
export interface FloatMix {
  /** Share of values from EDGE_F32_BITS or with a random exponent (subnormal to huge). */
  readonly edge: number;
  /** Share of values from NON_FINITE_F32_BITS. */
  readonly nonFinite: number;
}

/**
 * Bits of one float32: mostly normal values (task-vector-like, and some at float32's subnormal
 * and huge ends, so results round to subnormals and overflow), with the mix's share of edges.
 */
export function floatBits(r: SeededRandom, mix: FloatMix): number {
  const u = r.next();
  if (u < mix.nonFinite) return NON_FINITE_F32_BITS[r.int(0, NON_FINITE_F32_BITS.length - 1)];
  if (u < mix.nonFinite + mix.edge / 2) return EDGE_F32_BITS[r.int(0, EDGE_F32_BITS.length - 1)];
  if (u < mix.nonFinite + mix.edge) {
    // Any finite pattern: sign, exponent 0..254, mantissa.
    return ((r.int(0, 1) << 31) | (r.int(0, 254) << 23) | r.int(0, 0x7fffff)) >>> 0;
  }
  const v = r.next();
  f32[0] = r.normal(v < 0.45 ? 1 : v < 0.75 ? 1e-3 : v < 0.9 ? 1e-40 : 1e36);
  return u32[0];
}
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Fills `values` by bits. */
export function fillFloats(values: Float32Array, r: SeededRandom, mix: FloatMix): Float32Array {
  const bits = bitsOf(values);
  for (let i = 0; i < bits.length; i++) bits[i] = floatBits(r, mix);
  return values;
}

/** A double for a weight or scalar: mostly ordinary, with the given shares of edges and non-finite values. */
export function randomDouble(r: SeededRandom, edge: number, nonFinite: number): number {
  const u = r.next();
  if (u < nonFinite) return NON_FINITE_DOUBLES[r.int(0, NON_FINITE_DOUBLES.length - 1)];
  if (u < nonFinite + edge) return EDGE_DOUBLES[r.int(0, EDGE_DOUBLES.length - 1)];
  return r.normal(2);
}

export function bitsOf(values: Float32Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length);
}

/** A copy in an ordinary ArrayBuffer (outside the kernels' memory), bit for bit. */
export function plainCopy(values: Float32Array): Float32Array {
  const copy = new Float32Array(values.length);
  bitsOf(copy).set(bitsOf(values));
  return copy;
}

/** Index of the first element whose bits differ, or -1. */
export function firstBitDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

const hex = (x: number, digits: number) => `0x${(x >>> 0).toString(16).padStart(digits, "0")}`;

/** Expects `got` to hold exactly the bits of `expected`; the message names the first difference. */
export function expectSameFloatBits(got: Float32Array, expected: Float32Array, what: string, input?: (i: number) => string): void {
  const i = firstBitDifference(bitsOf(got), bitsOf(expected));
  const detail = i < 0 ? "" : `${what}: element ${i} of ${expected.length}${input ? ` (${input(i)})` : ""}: got ${hex(bitsOf(got)[i], 8)} (${got[i]}), expected ${hex(bitsOf(expected)[i], 8)} (${expected[i]})`;
  expect(i, detail).toBe(-1);
}

/**
 * Expects the same bits except that a NaN may have any payload (both must be NaN): for results of
 * TypeScript loops on NaN inputs, whose NaN bits the engine may pick by operand order.
 */
export function expectSameFloats(got: Float32Array, expected: Float32Array, what: string): void {
  const g = bitsOf(got);
  const e = bitsOf(expected);
  const isNaN32 = (x: number) => (x & 0x7fffffff) > 0x7f800000;
  let i = -1;
  for (let j = 0; j < e.length && i < 0; j++) if (g[j] !== e[j] && !(isNaN32(g[j]) && isNaN32(e[j]))) i = j;
  expect(i, i < 0 ? "" : `${what}: element ${i}: got ${hex(g[i], 8)}, expected ${hex(e[i], 8)}`).toBe(-1);
}

export function hex16(x: number): string {
  return hex(x, 4);
}

export function hex32(x: number): string {
  return hex(x, 8);
}
