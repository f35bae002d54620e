import type { ChunkedMerge, ChunkedTensors } from "./chunked-merge.js";
import { combineTaskVectorChunks, eachTaskVectorChunk, taskVectorL1, type ChunkTrim } from "./combine-task-vector-chunks.js";
import type { CombineOptions } from "./combine-task-vectors.js";
import { ABS_MASK, addHighDigits, addLowDigits, cutDigit } from "./select-top-k.js";
import { keepAtOrAbove, magnitudeKeepCount } from "./sparsify-magnitude.js";
import { addL1, rescaleFactor, taskVector, taskVectorWithL1 } from "./task-vectors.js";
import { scratchWords } from "./wasm/kernel-scratch.js";

/**
 * Chunked form of the TIES-style task-vector merges (magnitude trim, Yadav et al.,
 * https://arxiv.org/abs/2306.01708): the same exact top-k cut as sparsifyMagnitude, found by the
 * same two-digit radix select, but counted chunk by chunk over task vectors recomputed from the
 * inputs instead of stored. Per trimmed model: a pass counting high digits (plus the L1 norm for
 * `rescale`), a pass counting the cut bucket's low digits, with `rescale` a pass for the norm
 * after the trim; then one pass trims every model (ties at the cut by index, as the whole-tensor
 * trim) and combines. Counts are integers, so chunking cannot change them; the float64 norms are
 * summed in index order, as the whole-tensor path sums them.
 */
export function chunkedMagnitudeMerge(args: {
  method: string;
  tensorName: string;
  densities: readonly number[];
  weights: readonly number[];
  rescale: boolean;
  options: CombineOptions;
}): ChunkedMerge {
  return {
    kind: "passes",
    run(io) {
      const where = { method: args.method, tensor: args.tensorName };
      // Every k is checked first: the whole-tensor path refuses a k of 0 before any output too.
      const keeps = args.densities.map((density) => magnitudeKeepCount(io.length, density, where));
      const tables: DigitTables = { highEven: scratchWords(65536), highOdd: scratchWords(65536), low: scratchWords(65536) };
      const trims: (ChunkTrim | undefined)[] = [];
      // A Float64Array keeps a NaN factor's bits (a JS array of doubles may canonicalise them).
      const scales = new Float64Array(keeps.length);
      keeps.forEach((k, m) => {
        if (k >= io.length) {
          trims.push(undefined);
          const l1 = args.rescale ? taskVectorL1(io, m) : 0;
          scales[m] = args.rescale ? rescaleFactor(l1, l1) : 1;
          return;
        }
        const cut = selectCut(io, m, k, args.rescale, tables);
        scales[m] = args.rescale ? rescaleFactor(cut.before, trimmedL1(io, m, cut.key, cut.ties)) : 1;
        let tiesLeft = cut.ties;
        trims.push((delta, bits) => {
          tiesLeft = keepAtOrAbove(bits, ABS_MASK, cut.key, tiesLeft, delta.length);
        });
      });
      combineTaskVectorChunks(io, trims, args.weights, scales, args.options);
    },
  };
}

/** 16-bit digit counts of one selection (kernel scratch, valid for the current step). */
interface DigitTables {
  readonly highEven: Uint32Array;
  readonly highOdd: Uint32Array;
  readonly low: Uint32Array;
}

/**
 * The k-th largest |d| of model `m`'s task vector as a key and the ties kept at it (what
 * topKThreshold gives for the whole vector), plus the vector's L1 norm when `withL1`.
 */
function selectCut(io: ChunkedTensors, m: number, k: number, withL1: boolean, tables: DigitTables): { key: number; ties: number; before: number } {
  const { highEven, highOdd, low } = tables;
  highEven.fill(0);
  highOdd.fill(0);
  let before = 0;
  eachTaskVectorChunk(io, m, (x, base, d, bits) => {
    if (withL1) before = taskVectorWithL1(x, base, d, before);
    else taskVector(x, base, d);
    addHighDigits(bits, ABS_MASK, d.length, highEven, highOdd);
  });
  for (let b = 0; b < 65536; b++) highEven[b] += highOdd[b];
  const hi = cutDigit(highEven, k);
  low.fill(0);
  eachTaskVectorChunk(io, m, (x, base, d, bits) => {
    taskVector(x, base, d);
    addLowDigits(bits, ABS_MASK, d.length, hi.digit, low);
  });
  const lo = cutDigit(low, k, hi.above);
  return { key: ((hi.digit << 16) | lo.digit) >>> 0, ties: k - lo.above, before };
}

/** L1 norm of model `m`'s task vector after the trim at (key, ties), float64 in index order. */
function trimmedL1(io: ChunkedTensors, m: number, key: number, ties: number): number {
  let sum = 0;
  let tiesLeft = ties;
  eachTaskVectorChunk(io, m, (x, base, d, bits) => {
    taskVector(x, base, d);
    tiesLeft = keepAtOrAbove(bits, ABS_MASK, key, tiesLeft, d.length);
    sum = addL1(d, d.length, sum);
  });
  return sum;
}
