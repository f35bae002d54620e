import type { ChunkedMerge, ChunkedTensors } from "./chunked-merge.js";
import { HELD_OUTPUT_LIMIT, combineDeferringCuts } from "./combine-deferring-cuts.js";
import { combineTaskVectorChunks, taskVectorL1, type ChunkTrim } from "./combine-task-vector-chunks.js";
import type { CombineOptions } from "./combine-task-vectors.js";
import { ABS_MASK, addHighDigits, cutDigit, floatBits } from "./select-top-k.js";
import { keepAtOrAbove, magnitudeKeepCount } from "./sparsify-magnitude.js";
import { addTaskVectorHighDigits, addTaskVectorLowDigits } from "./task-vector-digits.js";
import { addL1, rescaleFactor, taskVector, taskVectorWithL1 } from "./task-vectors.js";
import { scratchFloats, scratchWords } from "./wasm/kernel-scratch.js";
import { combineInBrackets } from "./combine-in-brackets.js";
import { sampleBrackets, type Sampling } from "./sample-brackets.js";

/**
 * Trimmed models whose selections share their passes; more are selected group after group (each
 * model's digit tables take 512 KiB of kernel scratch).
 */
export const SELECTION_GROUP = 8;

/**
 * Chunked form of the TIES-style task-vector merges (magnitude trim, Yadav et al.,
 * https://arxiv.org/abs/2306.01708): the same exact top-k cut as sparsifyMagnitude, found by the
 * same two-digit radix select, but counted chunk by chunk over task vectors recomputed from the
 * inputs instead of stored. The trimmed models share their passes (up to SELECTION_GROUP at a
 * time, each chunk of the base read once per pass): one counting every model's high digits (plus
 * the L1 norms for `rescale`), one counting each model's low digits in its cut bucket, with
 * `rescale` one for the norms after the trim; then one pass trims every model (ties at the cut by
 * index, as the whole-tensor trim) and combines. Without `rescale`, for up to SELECTION_GROUP
 * trimmed models and tensors of up to HELD_OUTPUT_LIMIT elements, the low digits need no pass of
 * their own: the combine counts them while it holds back the elements in the cut buckets
 * (combine-deferring-cuts.ts). Counts are integers, so chunking cannot change them; the float64
 * norms are summed per model in index order, as the whole-tensor path sums them.
 *
 * Before all that, where the output can be patched (`io.patch`) and the tensor is large enough to
 * sample (sample-brackets.ts), one pass usually does: each cut is bracketed from a sample of the
 * task vectors and combineInBrackets trims, combines and writes in a single pass, then patches
 * the few elements near the cuts. When a bracket misses its cut (or too many elements lie near
 * them), the passes above run after it and write every element again.
 */
export function chunkedMagnitudeMerge(args: {
  method: string;
  tensorName: string;
  densities: readonly number[];
  weights: readonly number[];
  rescale: boolean;
  options: CombineOptions;
  /** Most elements held back in cut buckets (DEFERRED_LIMIT); a test hook for the fallback. */
  deferredLimit?: number;
  /** How tensors are sampled for the one-pass form (SAMPLING); a test hook. */
  sampling?: Sampling;
}): ChunkedMerge {
  return {
    kind: "passes",
    run(io) {
      const where = { method: args.method, tensor: args.tensorName };
      // Every k is checked first: the whole-tensor path refuses a k of 0 before any output too.
      const keeps = args.densities.map((density) => magnitudeKeepCount(io.length, density, where));
      const trims: (ChunkTrim | undefined)[] = keeps.map(() => undefined);
      // A Float64Array keeps a NaN factor's bits (a JS array of doubles may canonicalise them).
      const scales = new Float64Array(keeps.length).fill(1);
      const trimmed: number[] = [];
      keeps.forEach((k, m) => {
        if (k < io.length) trimmed.push(m);
        else if (args.rescale) {
          const l1 = taskVectorL1(io, m);
          scales[m] = rescaleFactor(l1, l1);
        }
      });
      if (!args.rescale && io.patch && trimmed.length > 0 && combineSampled(io, trimmed, keeps, args)) return;
      const tables = digitTables(Math.min(trimmed.length, SELECTION_GROUP));
      if (!args.rescale && trimmed.length > 0 && trimmed.length <= SELECTION_GROUP && io.length <= HELD_OUTPUT_LIMIT) {
        // One pass for the high digits, then the combine finishes the cut buckets itself (or, with
        // too many elements in them, a pass for the low digits and the combine as below).
        const k = trimmed.map((m) => keeps[m]);
        const highs = countHighDigits(io, trimmed, k, false, tables).highs;
        const cuts = trimmed.map((model, j) => ({ model, k: k[j], high: highs[j], low: tables[j].odd }));
        if (combineDeferringCuts(io, cuts, args.weights, args.options, args.deferredLimit)) return;
        addTrims(trims, trimmed, countLowDigits(io, trimmed, k, highs, new Float64Array(trimmed.length), tables));
      } else {
        for (let from = 0; from < trimmed.length; from += SELECTION_GROUP) {
          const group = trimmed.slice(from, from + SELECTION_GROUP);
          const k = group.map((m) => keeps[m]);
          const { highs, before } = countHighDigits(io, group, k, args.rescale, tables);
          const cuts = countLowDigits(io, group, k, highs, before, tables);
          if (args.rescale) {
            const after = trimmedL1s(io, group, cuts);
            group.forEach((m, j) => (scales[m] = rescaleFactor(cuts[j].before, after[j])));
          }
          addTrims(trims, group, cuts);
        }
      }
      combineTaskVectorChunks(io, trims, args.weights, scales, args.options);
    },
  };
}

/** Largest share of a tensor the brackets may hold together for the one-pass form to be tried. */
const MAX_BRACKET_SHARE = 0.25;

/** Most kernel scratch the one-pass form's gathered elements may take (index, base, task vectors). */
const MAX_GATHERED_BYTES = 192 << 20;

/**
 * The one-pass form, for outputs that can be patched and tensors large enough to sample: brackets
 * for the cuts from a sample, then combineInBrackets. False when the tensor is not sampled or a
 * bracket missed its cut (the exact passes follow and write every element again).
 */
function combineSampled(io: ChunkedTensors, trimmed: readonly number[], keeps: readonly number[], args: { weights: readonly number[]; options: CombineOptions; sampling?: Sampling }): boolean {
  const k = trimmed.map((m) => keeps[m]);
  const brackets = sampleBrackets(io, trimmed, k, args.sampling);
  if (!brackets) return false;
  // Room for half as many gathered elements again as the sample puts in the brackets.
  const share = Math.min(1, brackets.reduce((sum, b) => sum + b.share, 0));
  const cap = Math.min(io.length, Math.ceil(1.5 * share * io.length) + 4096);
  // Brackets holding much of the tensor (many equal |d| at the cut: a module a LoRA adapter does
  // not touch has d = 0 throughout) would gather most of it: the exact passes do better there.
  if (share > MAX_BRACKET_SHARE || 4 * cap * (io.tensors.length + 2) > MAX_GATHERED_BYTES) return false;
  const cuts = trimmed.map((model, j) => ({ model, k: k[j], bracket: brackets[j] }));
  return combineInBrackets(io, cuts, args.weights, args.options, cap);
}

/** One model's 16-bit digit counts: high digits in `even` + `odd`, then low digits in `odd`. */
interface DigitTables {
  readonly even: Uint32Array;
  readonly odd: Uint32Array;
}

/** Tables for `count` models (kernel scratch, valid for the current step). */
function digitTables(count: number): DigitTables[] {
  return Array.from({ length: count }, () => ({ even: scratchWords(65536), odd: scratchWords(65536) }));
}

/** Where a model's trim cuts: the key of its k-th largest |d| and the ties kept at it (topKThreshold's result). */
interface Cut {
  readonly key: number;
  readonly ties: number;
  /** The L1 norm of the untrimmed task vector (with `rescale`, else 0). */
  readonly before: number;
}

/** Each model's trim at its cut (ties kept in index order), in the chunk order of the last pass. */
function addTrims(trims: (ChunkTrim | undefined)[], group: readonly number[], cuts: readonly Cut[]): void {
  group.forEach((m, j) => {
    const { key, ties } = cuts[j];
    let tiesLeft = ties;
    trims[m] = (delta, bits) => {
      tiesLeft = keepAtOrAbove(bits, ABS_MASK, key, tiesLeft, delta.length);
    };
  });
}

/**
 * The high digits of the cuts of the models of `group` (k[j] of model group[j]), counted in one
 * pass shared by the group, plus each task vector's L1 norm when `withL1`. Leaves each model's
 * `odd` table zeroed for its low digits.
 */
function countHighDigits(io: ChunkedTensors, group: readonly number[], k: readonly number[], withL1: boolean, tables: readonly DigitTables[]): { highs: { digit: number; above: number }[]; before: Float64Array } {
  const before = new Float64Array(group.length);
  for (let j = 0; j < group.length; j++) {
    tables[j].even.fill(0);
    tables[j].odd.fill(0);
  }
  eachGroupChunk(io, group, (j, x, base, d, bits) => {
    const { even, odd } = tables[j];
    if (withL1) {
      before[j] = taskVectorWithL1(x, base, d, before[j]);
      addHighDigits(bits, ABS_MASK, d.length, even, odd);
    } else addTaskVectorHighDigits(x, base, d, bits, even, odd);
  });
  const highs = group.map((_, j) => {
    const { even, odd } = tables[j];
    addInto(even, odd);
    odd.fill(0);
    return cutDigit(even, k[j]);
  });
  return { highs, before };
}

/** `to[b] += from[b]` for every digit (a function of its own, so that its loop is optimised early). */
function addInto(to: Uint32Array, from: Uint32Array): void {
  for (let b = 0; b < 65536; b++) to[b] += from[b];
}

/**
 * The cuts of the group from their high digits: each model's low digits in its cut bucket counted
 * in one pass shared by the group; what topKThreshold gives for each whole task vector.
 */
function countLowDigits(io: ChunkedTensors, group: readonly number[], k: readonly number[], highs: readonly { digit: number; above: number }[], before: Float64Array, tables: readonly DigitTables[]): Cut[] {
  for (let j = 0; j < group.length; j++) tables[j].odd.fill(0);
  eachGroupChunk(io, group, (j, x, base, d, bits) => addTaskVectorLowDigits(x, base, d, bits, highs[j].digit, tables[j].odd));
  return group.map((_, j) => {
    const hi = highs[j];
    const lo = cutDigit(tables[j].odd, k[j], hi.above);
    return { key: ((hi.digit << 16) | lo.digit) >>> 0, ties: k[j] - lo.above, before: before[j] };
  });
}

/** L1 norms of the group's task vectors after their trims, float64 in index order, in one pass. */
function trimmedL1s(io: ChunkedTensors, group: readonly number[], cuts: readonly Cut[]): Float64Array {
  const sums = new Float64Array(group.length);
  const tiesLeft = cuts.map((c) => c.ties);
  eachGroupChunk(io, group, (j, x, base, d, bits) => {
    taskVector(x, base, d);
    tiesLeft[j] = keepAtOrAbove(bits, ABS_MASK, cuts[j].key, tiesLeft[j], d.length);
    sums[j] = addL1(d, d.length, sums[j]);
  });
  return sums;
}

/**
 * Reads the base and the models of `group` chunk by chunk, in index order (each base chunk once),
 * and hands `visit` each model's chunk `x` (j: its place in the group) with the base chunk and a
 * scratch chunk `d` (with its uint32 view) for its task vector.
 */
function eachGroupChunk(io: ChunkedTensors, group: readonly number[], visit: (j: number, x: Float32Array, base: Float32Array, d: Float32Array, bits: Uint32Array) => void): void {
  const full = [scratchFloats(io.chunk), scratchFloats(io.chunk), scratchFloats(io.chunk)];
  const fullBits = floatBits(full[2]);
  for (let start = 0; start < io.length; start += io.chunk) {
    const length = Math.min(io.chunk, io.length - start);
    const [base, x, d] = length === io.chunk ? full : full.map((a) => a.subarray(0, length));
    const bits = length === io.chunk ? fullBits : floatBits(d);
    io.base!(start, base);
    for (let j = 0; j < group.length; j++) {
      io.tensors[group[j]](start, x);
      visit(j, x, base, d, bits);
    }
  }
}
