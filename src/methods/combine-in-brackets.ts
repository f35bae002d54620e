import type { ChunkedTensors } from "./chunked-merge.js";
import { taskVectorCombiner, type CombineOptions } from "./combine-task-vectors.js";
import { gatherFlaggedBits, trimTaskVectorInBracket } from "./cut-bucket.js";
import type { Bracket } from "./sample-brackets.js";
import { ABS_MASK, countHighDigitsInto, floatBits, topKThreshold } from "./select-top-k.js";
import { keepAtOrAbove } from "./sparsify-magnitude.js";
import { taskVector } from "./task-vectors.js";
import { scratchFloats, scratchWords } from "./wasm/kernel-scratch.js";

/** A trimmed model keeping its k largest |d|, whose cut probably lies in `bracket` (sample-brackets.ts). */
export interface BracketCut {
  readonly model: number;
  readonly k: number;
  readonly bracket: Bracket;
}

/**
 * The chunked magnitude trim and combine in ONE pass over the inputs, for outputs that can be
 * patched (`io.patch`). Per chunk, each trimmed model's task vector is trimmed against its bracket
 * (zeroed below `lo`, kept from `lo` up), the elements with some model's key in its bracket are
 * gathered (their index, base and every task vector, as bits: cut-bucket.ts), the keys above each
 * bracket counted, and the chunk combined and written. At the end each model's exact cut is found
 * among the gathered elements: every key equal to the cut is in the bracket, so gathered, and the
 * gathered elements are in index order, so the ties at the cut are kept by index as the
 * whole-tensor trim keeps them (an element above `hi` is above the cut, one below `lo` below it).
 * The gathered elements are trimmed at their exact cuts, combined by the same elementwise combine
 * and patched into the output. Without `rescale` only (its factors need the trimmed norms first).
 *
 * Returns false when a cut lies outside its bracket (the sample misled it) or more than `cap`
 * elements would be gathered: the output is then partly written with values to be replaced, and
 * the caller merges the tensor again with exact passes (which write every element).
 */
export function combineInBrackets(io: ChunkedTensors, cuts: readonly BracketCut[], weights: readonly number[], options: CombineOptions, cap: number): boolean {
  const { length: n, chunk } = io;
  const models = io.tensors.length;
  const combine = taskVectorCombiner(weights, new Float64Array(models).fill(1), options);
  const indices = scratchWords(cap);
  // [0] the base, [1 + m] model m's task vector, for the gathered elements.
  const gathered = Array.from({ length: models + 1 }, () => scratchFloats(cap));
  const gatheredBits = gathered.map(floatBits);
  const tables = scratchWords(2 * (models + 1));
  // One bit per element of a chunk: in some model's bracket.
  const flags = scratchWords(Math.ceil(chunk / 32)).fill(0);
  const word = scratchWords(1);
  // [0] the base, [1] a model, [2] the output, [3 + m] model m's task vector.
  const full = Array.from({ length: models + 3 }, () => scratchFloats(chunk));
  const fullBits = full.map(floatBits);
  const sourcesOf = (bits: Uint32Array[]) => [bits[0], ...bits.slice(3)];
  const fullSources = sourcesOf(fullBits);
  const fullDeltas = full.slice(3);
  const cutOf = Array.from({ length: models }, (_, m) => cuts.find((c) => c.model === m));
  const above = new Float64Array(models);
  let count = 0;
  for (let start = 0; start < n; start += chunk) {
    const length = Math.min(chunk, n - start);
    const c = length === chunk ? full : full.map((a) => a.subarray(0, length));
    io.base!(start, c[0]);
    for (let m = 0; m < models; m++) {
      io.tensors[m](start, c[1]);
      const cut = cutOf[m];
      if (cut) above[m] += trimTaskVectorInBracket(c[1], c[0], c[3 + m], cut.bracket.lo, cut.bracket.hi, flags, word);
      else taskVector(c[1], c[0], c[3 + m]);
    }
    count = gatherFlaggedBits(flags, length, start, length === chunk ? fullSources : sourcesOf(c.map(floatBits)), gatheredBits, indices, count, cap, tables);
    if (count < 0) return false;
    io.write(start, combine(length === chunk ? fullDeltas : c.slice(3), false, c[0], c[2]));
  }
  const even = scratchWords(65536);
  const odd = scratchWords(65536);
  for (const cut of cuts) {
    const bits = gatheredBits[1 + cut.model];
    const exact = exactCut(bits, count, cut, above[cut.model], even, odd);
    if (!exact) return false;
    keepAtOrAbove(bits, ABS_MASK, exact.key, exact.ties, count);
  }
  const finished = combine(gathered.slice(1).map((g) => g.subarray(0, count)), false, gathered[0].subarray(0, count), scratchFloats(count));
  io.patch!(indices.subarray(0, count), finished);
  return true;
}

/**
 * A model's exact cut from its first `count` gathered keys (`above`: its keys above the bracket in
 * the whole tensor), as topKThreshold gives it for the whole task vector; undefined when the k-th
 * largest key is outside the bracket. The bracket's bounds are whole high digits, so the high
 * digits' counts tell how many gathered keys lie inside and above it. `even`, `odd`: digit tables.
 */
function exactCut(bits: Uint32Array, count: number, cut: BracketCut, above: number, even: Uint32Array, odd: Uint32Array): { key: number; ties: number } | undefined {
  const counts = countHighDigitsInto(bits, count, even, odd);
  const top = cut.bracket.hi >>> 16;
  let gatheredAbove = 0;
  for (let b = top + 1; b < 65536; b++) gatheredAbove += counts[b];
  let inside = 0;
  for (let b = cut.bracket.lo >>> 16; b <= top; b++) inside += counts[b];
  if (!(above < cut.k && cut.k <= above + inside)) return undefined;
  // The k-th largest overall is the (k - above + gatheredAbove)-th largest gathered key.
  return topKThreshold(bits.subarray(0, count), ABS_MASK, cut.k - above + gatheredAbove, counts, odd);
}
