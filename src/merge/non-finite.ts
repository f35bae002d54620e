import { SmeltError } from "../errors.js";
import { decodeFloat } from "../tensor/codecs/index.js";
import type { DType, FloatDType } from "../tensor/dtype.js";
import type { InputBlocks } from "./input-blocks.js";
import { simdAnyNonFinite } from "../methods/wasm/index.js";

/**
 * NaN/±Inf found in one input of a step: how many, and the first (flat index and value). Workers
 * report them per input and per part of a tensor; the executor adds the parts up and turns them
 * into the error (or, with --allow-nonfinite, the warning) the user sees.
 */
export interface NonFiniteCount {
  /** Index of the input in the step: its inputs in order, then the base. */
  readonly input: number;
  readonly count: number;
  readonly first: number;
  readonly value: number;
}

/** Exponent bits (all ones = NaN or Inf) of the dtypes whose stored bits are checked directly. */
const EXPONENT_MASK: Partial<Record<DType, number>> = { BF16: 0x7f80, F16: 0x7c00 };

/**
 * NaN/±Inf among elements [start, end) of a stored BF16, F16 or F32 input (flat indices in the whole
 * tensor), or undefined when there are none: a cheap test of the stored exponent bits first,
 * counted (decoding) only where it finds some.
 */
export function scanNonFinite(dtype: DType, input: InputBlocks, start: number, end: number, index: number): NonFiniteCount | undefined {
  const size = dtype === "F32" ? 4 : 2;
  let total: NonFiniteCount | undefined;
  for (let from = start; from < end; from += input.blockElements) {
    const to = Math.min(end, from + input.blockElements);
    const b = input.block(from, to);
    const bytes = b.bytes.subarray((from - b.first) * size, (to - b.first) * size);
    if (!anyNonFinite(dtype, bytes)) continue;
    const c = countNonFinite(dtype, bytes, from, index);
    if (c) total = total ? { ...total, count: total.count + c.count } : c;
  }
  return total;
}

/**
 * Whether a stored BF16, F16 or F32 run of elements holds any NaN or ±Inf, from the exponent bits:
 * a few integer operations per element, no decoding (on the SIMD kernels for bytes in their memory).
 */
export function anyNonFinite(dtype: DType, bytes: Uint8Array): boolean {
  if (dtype === "BF16" || dtype === "F16" || dtype === "F32") {
    const simd = simdAnyNonFinite(dtype, bytes);
    if (simd !== undefined) return simd;
  }
  if (dtype === "F32") {
    const words = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2);
    // The inverted exponent is 0 only when the exponent is all ones, and 0 - 1 is the only negative result.
    let special = 0;
    for (let i = 0; i < words.length; i++) special |= (~words[i] & 0x7f800000) - 1;
    return special < 0;
  }
  const mask = EXPONENT_MASK[dtype];
  if (mask === undefined) throw new RangeError(`anyNonFinite: ${dtype} is checked after decoding`);
  const halves = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 1);
  let special = 0;
  let i = 0;
  if (halves.byteOffset % 4 === 0) {
    // Two halves per 32-bit word, each checked as in bf16PairsToF32 (int32 arithmetic only).
    const pairs = halves.length >>> 1;
    const words = new Int32Array(halves.buffer, halves.byteOffset, pairs);
    const high = mask << 16;
    for (let j = 0; j < pairs; j++) {
      const inverted = ~words[j];
      special |= ((inverted & mask) - 1) | ((inverted & high) - 1);
    }
    i = 2 * pairs;
  }
  for (; i < halves.length; i++) special |= -((halves[i] & mask) === mask);
  return special < 0;
}

/** Counts the NaN/±Inf of a stored run of elements; `offset` is the flat index of its first. */
function countNonFinite(dtype: DType, bytes: Uint8Array, offset: number, input: number): NonFiniteCount | undefined {
  const values = decodeFloat(dtype as FloatDType, bytes);
  const c = countNonFiniteValues(values, input);
  return c && { ...c, first: offset + c.first };
}

/** Counts the NaN/±Inf of decoded values, or undefined when there are none. */
export function countNonFiniteValues(values: Float32Array, input: number): NonFiniteCount | undefined {
  // Fast path: x * 0 is 0 for finite x and NaN for NaN/Inf, so one branch-free pass decides.
  let probe = 0;
  for (let i = 0; i < values.length; i++) probe += values[i] * 0;
  if (probe === 0) return undefined;
  let count = 0;
  let first = -1;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      if (first < 0) first = i;
      count++;
    }
  }
  return count > 0 ? { input, count, first, value: values[first] } : undefined;
}

/** Adds up the counts of several parts of the same step's inputs (the earliest first wins). */
export function addNonFinite(parts: readonly (readonly NonFiniteCount[])[]): NonFiniteCount[] {
  const byInput = new Map<number, NonFiniteCount>();
  for (const part of parts) {
    for (const c of part) {
      const had = byInput.get(c.input);
      if (!had) byInput.set(c.input, c);
      else byInput.set(c.input, { input: c.input, count: had.count + c.count, first: Math.min(had.first, c.first), value: had.first <= c.first ? had.value : c.value });
    }
  }
  return [...byInput.values()].sort((a, b) => a.input - b.input);
}

/**
 * Turns a step's counts into warnings, or throws for the first input (in input order) that has
 * any when non-finite values are refused.
 */
export function nonFiniteWarnings(tensorName: string, models: readonly string[], counts: readonly NonFiniteCount[], mode: "error" | "warn"): string[] {
  const warnings: string[] = [];
  for (const c of counts) {
    const what = `tensor "${tensorName}" of model "${models[c.input]}" has ${c.count} non-finite value(s) (first at flat index ${c.first}: ${c.value})`;
    if (mode === "error") throw new SmeltError("non-finite", `${what}. The source checkpoint is damaged; pass --allow-nonfinite to merge anyway.`);
    warnings.push(what);
  }
  return warnings;
}
