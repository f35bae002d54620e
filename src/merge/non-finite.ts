import { SmeltError } from "../errors.js";
import { bf16ToF32, f16ToF32 } from "../tensor/codecs/index.js";
import type { DType } from "../tensor/dtype.js";

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
 * Whether elements [start, end) of a BF16, F16 or F32 tensor hold any NaN or ±Inf, from the stored
 * exponent bits: a few integer operations per element, no decoding.
 */
export function anyNonFinite(dtype: DType, bytes: Uint8Array, start: number, end: number): boolean {
  if (dtype === "F32") {
    const words = new Int32Array(bytes.buffer, bytes.byteOffset + 4 * start, end - start);
    // The inverted exponent is 0 only when the exponent is all ones, and 0 - 1 is the only negative result.
    let special = 0;
    for (let i = 0; i < words.length; i++) special |= (~words[i] & 0x7f800000) - 1;
    return special < 0;
  }
  const mask = EXPONENT_MASK[dtype];
  if (mask === undefined) throw new RangeError(`anyNonFinite: ${dtype} is checked after decoding`);
  const halves = new Uint16Array(bytes.buffer, bytes.byteOffset + 2 * start, end - start);
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

/**
 * Counts the NaN/±Inf among elements [start, end) of a stored BF16, F16 or F32 tensor (flat indices
 * in the whole tensor), or undefined when there are none.
 */
export function countNonFinite(dtype: DType, bytes: Uint8Array, start: number, end: number, input: number): NonFiniteCount | undefined {
  const values = new Float32Array(Math.min(end - start, 65536));
  let count = 0;
  let first = -1;
  let value = 0;
  for (let from = start; from < end; from += values.length) {
    const chunk = values.subarray(0, Math.min(values.length, end - from));
    decodeRange(dtype, bytes, from, chunk);
    for (let i = 0; i < chunk.length; i++) {
      if (Number.isFinite(chunk[i])) continue;
      if (first < 0) (first = from + i), (value = chunk[i]);
      count++;
    }
  }
  return count > 0 ? { input, count, first, value } : undefined;
}

function decodeRange(dtype: DType, bytes: Uint8Array, start: number, dst: Float32Array): void {
  const n = dst.length;
  if (dtype === "F32") dst.set(new Float32Array(bytes.buffer, bytes.byteOffset + 4 * start, n));
  else if (dtype === "BF16") bf16ToF32(new Uint16Array(bytes.buffer, bytes.byteOffset + 2 * start, n), dst);
  else if (dtype === "F16") f16ToF32(new Uint16Array(bytes.buffer, bytes.byteOffset + 2 * start, n), dst);
  else throw new RangeError(`countNonFinite: ${dtype} is checked after decoding`);
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
