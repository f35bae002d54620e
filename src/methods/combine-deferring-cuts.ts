import type { ChunkedTensors } from "./chunked-merge.js";
import { taskVectorCombiner, type CombineOptions } from "./combine-task-vectors.js";
import { gatherFlagged, trimTaskVectorAtBucket } from "./cut-bucket.js";
import { ABS_MASK, cutDigit, floatBits } from "./select-top-k.js";
import { keepAtOrAbove } from "./sparsify-magnitude.js";
import { taskVector } from "./task-vectors.js";
import { scratchBytes, scratchFloats, scratchWords } from "./wasm/kernel-scratch.js";

/** Largest tensor (elements) whose output is held until its cut buckets are finished (64 MiB of float32). */
export const HELD_OUTPUT_LIMIT = 1 << 24;

/** Most elements held back in cut buckets; past it the selection counts its low digits in a pass of their own. */
export const DEFERRED_LIMIT = 1 << 20;

/** A trimmed model whose high-digit cut is known: the bucket `high.digit` holds its k-th largest |d|. */
export interface BucketCut {
  readonly model: number;
  readonly k: number;
  readonly high: { readonly digit: number; readonly above: number };
  /** Zeroed 65536-entry table for the bucket's low digits. */
  readonly low: Uint32Array;
}

/**
 * The last pass of the chunked magnitude trim without the low-digit pass before it: per chunk,
 * each task vector is trimmed on its high digit alone (dropped below the cut's bucket, kept in and
 * above it) and combined into an output held in kernel scratch; the elements with some model's
 * |d| in that model's cut bucket cannot be finished yet, so their low digits are counted (which
 * gives each exact cut at the end of the pass) and their inputs (base and every task vector, as
 * bits) and indices gathered. Then each model trims the gathered elements at its exact cut, in
 * index order as the whole-tensor trim (only gathered elements can equal a cut; an element this
 * pass already zeroed lies below the bucket, so the exact trim zeroes it too, and no zero can
 * equal a cut above bucket 0), they are combined by the same elementwise combine and put in their
 * places, and the output is written, chunk by chunk in order, each element once. Without
 * `rescale` only (its factors need the trimmed norms first).
 *
 * Returns false, having written nothing, when more than `limit` elements would be held
 * (many equal |d| in a bucket): the caller then counts the low digits in a pass of their own.
 */
export function combineDeferringCuts(io: ChunkedTensors, cuts: readonly BucketCut[], weights: readonly number[], options: CombineOptions, limit = DEFERRED_LIMIT): boolean {
  const { length: n, chunk } = io;
  const models = io.tensors.length;
  const combine = taskVectorCombiner(weights, new Float64Array(models).fill(1), options);
  const held = scratchFloats(n);
  const cap = Math.min(n, limit);
  const indices = scratchWords(cap);
  // [0] the base, [1 + m] model m's task vector, for the gathered elements.
  const gathered = Array.from({ length: models + 1 }, () => scratchFloats(cap));
  const gatheredBits = gathered.map(floatBits);
  const flags = scratchBytes(chunk).fill(0);
  const tables = scratchWords(2 * (models + 1));
  // [0] the base, [1] a model, [2 + m] model m's task vector.
  const full = Array.from({ length: models + 2 }, () => scratchFloats(chunk));
  const fullBits = full.map(floatBits);
  const sourcesOf = (bits: Uint32Array[]) => [bits[0], ...bits.slice(2)];
  const fullSources = sourcesOf(fullBits);
  const fullDeltas = full.slice(2);
  const cutOf: (BucketCut | undefined)[] = Array.from({ length: models }, (_, m) => cuts.find((c) => c.model === m));
  let count = 0;
  for (let start = 0; start < n; start += chunk) {
    const length = Math.min(chunk, n - start);
    const c = length === chunk ? full : full.map((a) => a.subarray(0, length));
    const bits = length === chunk ? fullBits : c.map(floatBits);
    io.base!(start, c[0]);
    for (let m = 0; m < models; m++) {
      io.tensors[m](start, c[1]);
      const cut = cutOf[m];
      // Zeroed below the bucket, kept in and above it (the bucket's elements are finished later).
      if (cut) trimTaskVectorAtBucket(c[1], c[0], c[2 + m], cut.high.digit, cut.low, flags);
      else taskVector(c[1], c[0], c[2 + m]);
    }
    count = gatherFlagged(flags, length, start, length === chunk ? fullSources : sourcesOf(bits), gatheredBits, indices, count, cap, tables);
    if (count < 0) return false;
    combine(length === chunk ? fullDeltas : c.slice(2), false, c[0], held.subarray(start, start + length));
  }
  for (const cut of cuts) {
    const lo = cutDigit(cut.low, cut.k, cut.high.above);
    keepAtOrAbove(gatheredBits[1 + cut.model], ABS_MASK, ((cut.high.digit << 16) | lo.digit) >>> 0, cut.k - lo.above, count);
  }
  const finished = floatBits(combine(gathered.slice(1).map((g) => g.subarray(0, count)), false, gathered[0].subarray(0, count), scratchFloats(count)));
  const heldBits = floatBits(held);
  for (let j = 0; j < count; j++) heldBits[indices[j]] = finished[j];
  for (let start = 0; start < n; start += chunk) io.write(start, held.subarray(start, Math.min(n, start + chunk)));
  return true;
}
