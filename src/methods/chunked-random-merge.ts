import type { ChunkedMerge, ChunkedTensors } from "./chunked-merge.js";
import { combineTaskVectorChunks, taskVectorL1, type ChunkTrim } from "./combine-task-vector-chunks.js";
import type { CombineOptions } from "./combine-task-vectors.js";
import { isBulkRandom, type BulkRandomSource, type RandomSource } from "./create-random.js";
import { KEEP_BLOCK, drawKeepFlags, flagsOfDraws, keepCut } from "./random-keep-flags.js";
import { L1_LANES, laneSum, rescaleFactor } from "./task-vectors.js";
import { scratchDoubles, scratchFloats, scratchWords } from "./wasm/kernel-scratch.js";
import { simdApplyKeepBits, simdRandomDropper } from "./wasm/simd-task-vectors.js";
import { jumpMatrix, jumpState, jumpTable } from "./xoshiro-jump.js";

/**
 * Chunked form of the DARE task-vector merges (random drop, Yu et al.,
 * https://arxiv.org/abs/2311.03099). The whole-tensor path draws each model's keep flags in one
 * stream, model after model (n draws each); so does this, with every model's drop in ONE pass over
 * the chunks (the base read once per chunk): model k draws from the stream's state jumped ahead by
 * k * n steps (xoshiro-jump.ts), and the stream is left where the last model's draws end. The
 * flags are kept as bits (n/8 bytes per model) with the L1 norms before and after the drop (lane
 * sums, task-vectors.ts). A last pass multiplies each task vector by its flags (`d * 1` or `d * 0`,
 * the products the whole-tensor path stores) and combines. Keep bits and chunks are kernel scratch:
 * with the SIMD kernels, the draws, the drop and the flags' product run there
 * (wasm/simd-task-vectors.ts), on the same stream. A random source that cannot jump (not from
 * createRandom) gets one pass per model instead.
 */
export function chunkedRandomMerge(args: {
  densities: readonly number[];
  weights: readonly number[];
  rescale: boolean;
  options: CombineOptions;
}): ChunkedMerge {
  return {
    kind: "passes",
    run(io) {
      const trims: (ChunkTrim | undefined)[] = [];
      // A Float64Array keeps a NaN factor's bits (a JS array of doubles may canonicalise them).
      const scales = new Float64Array(args.densities.length);
      const scratch = dropScratch(io.chunk);
      const drops: Drop[] = [];
      args.densities.forEach((density, m) => {
        if (density > 0 && density < 1) {
          const drop: Drop = { model: m, cut: keepCut(density), density, keep: scratchWords(Math.ceil(io.length / 32)).fill(0), lanes: scratchDoubles(2 * L1_LANES).fill(0), state: scratchWords(4) };
          drops.push(drop);
          trims.push((delta, _bits, start) => applyKeepBits(delta, drop.keep, start));
        } else if (density <= 0) {
          // Bernoulli(0) drops everything without drawing; the norm after is 0, so no rescale.
          scales[m] = 1;
          trims.push((delta) => void delta.fill(0));
        } else {
          const l1 = args.rescale ? taskVectorL1(io, m) : 0;
          scales[m] = args.rescale ? rescaleFactor(l1, l1) : 1;
          trims.push(undefined);
        }
      });
      if (isBulkRandom(io.random)) dropTogether(io, drops, io.random, scratch);
      else for (const drop of drops) dropPass(io, drop, io.random, scratch);
      for (const drop of drops) scales[drop.model] = args.rescale ? rescaleFactor(laneSum(drop.lanes, 0), laneSum(drop.lanes, L1_LANES)) : 1;
      combineTaskVectorChunks(io, trims, args.weights, scales, args.options);
    },
  };
}

/** One model's drop: its keep flags as bits, its L1 lanes before and after, its stream's state. */
interface Drop {
  readonly model: number;
  readonly density: number;
  /** What a raw draw is compared with (keepCut). */
  readonly cut: number;
  readonly keep: Uint32Array;
  /** L1 lanes of the norms before and after (task-vectors.ts). */
  readonly lanes: Float64Array;
  /** Where this model's draws are in the stream (xoshiro128**'s 4 words). */
  readonly state: Uint32Array;
}

/** Buffers of the drop passes (kernel scratch for the current step). */
interface DropScratch {
  readonly base: Float32Array;
  readonly x: Float32Array;
  readonly draws: Uint32Array;
  readonly flags: Float64Array;
  /** The jump of the draw kernel's four streams, as a jumpTable. */
  readonly jump: Uint32Array;
}

/** The kernel's four draw streams split a block of KEEP_BLOCK draws into quarters. */
const QUARTER = KEEP_BLOCK / 4;
let quarterJump: Uint32Array | undefined;

function dropScratch(chunk: number): DropScratch {
  const jump = scratchWords(2048);
  jump.set((quarterJump ??= jumpTable(jumpMatrix(QUARTER))));
  return { base: scratchFloats(chunk), x: scratchFloats(chunk), draws: scratchWords(KEEP_BLOCK), flags: new Float64Array(KEEP_BLOCK), jump };
}

/**
 * Every model's drop in one pass: each draws its flags exactly as randomlyDroppedTaskVector (one
 * draw per element, in order) from its own place in the stream, model k from the start jumped by
 * k * n. The kernel draws from a model's state in kernel memory; the TypeScript loop (when the
 * arrays are not all in kernel memory) from `random` set to it, the state read back after each chunk.
 */
function dropTogether(io: ChunkedTensors, drops: readonly Drop[], random: BulkRandomSource, scratch: DropScratch): void {
  if (drops.length === 0) return;
  const { base, x, draws, flags, jump } = scratch;
  random.getState(drops[0].state);
  for (let k = 1; k < drops.length; k++) {
    drops[k].state.set(drops[k - 1].state);
    jumpState(drops[k].state, io.length);
  }
  const kernel = simdRandomDropper({ x, base, jump, quarter: QUARTER, draws }, drops);
  const size = io.chunk;
  for (let start = 0; start < io.length; start += size) {
    const length = Math.min(size, io.length - start);
    const b = length === size ? base : base.subarray(0, length);
    const v = length === size ? x : x.subarray(0, length);
    io.base!(start, b);
    for (let k = 0; k < drops.length; k++) {
      const drop = drops[k];
      io.tensors[drop.model](start, v);
      if (kernel) {
        kernel(k, drop.cut, length, start);
        continue;
      }
      random.setState(drop.state);
      for (let from = 0; from < length; from += KEEP_BLOCK) {
        const to = Math.min(length, from + KEEP_BLOCK);
        random.fillBits(draws, to - from);
        flagsOfDraws(draws, drop.cut, flags, to - from);
        dropBlock(x, base, flags, from, to, start, drop.keep, drop.lanes);
      }
      random.getState(drop.state);
    }
  }
  // The stream goes on after the last model's draws, as after the whole-tensor path's.
  random.setState(drops[drops.length - 1].state);
}

/** One model's drop in a pass of its own, drawing from `random` in order (a source that cannot jump). */
function dropPass(io: ChunkedTensors, drop: Drop, random: RandomSource, scratch: DropScratch): void {
  const size = io.chunk;
  const { base, x, flags } = scratch;
  for (let start = 0; start < io.length; start += size) {
    const length = Math.min(size, io.length - start);
    io.base!(start, length === size ? base : base.subarray(0, length));
    io.tensors[drop.model](start, length === size ? x : x.subarray(0, length));
    for (let from = 0; from < length; from += KEEP_BLOCK) {
      const to = Math.min(length, from + KEEP_BLOCK);
      drawKeepFlags(random, drop.density, flags, to - from);
      dropBlock(x, base, flags, from, to, start, drop.keep, drop.lanes);
    }
  }
}

/**
 * One block of a drop pass: the L1 lanes of `d` and `d * flag` (carried in `lanes`, 8 before then
 * 8 after; element i of the tensor in lane i & 7) and the flags as bits of `keep` at the elements'
 * positions in the tensor (`offset` + index). A separate function for the reason given in
 * task-vectors.ts.
 */
export function dropBlock(x: Float32Array, base: Float32Array, flags: Float64Array, from: number, to: number, offset: number, keep: Uint32Array, lanes: Float64Array): void {
  for (let i = from, j = 0; i < to; i++, j++) {
    const d = Math.fround(x[i] - base[i]);
    const flag = flags[j];
    const at = offset + i;
    const lane = at & 7;
    lanes[lane] += Math.abs(d);
    lanes[8 + lane] += Math.abs(d * flag);
    keep[at >>> 5] |= flag << (at & 31);
  }
}

/** `delta[i] *= flag` for elements [start, start + delta.length), flags read from `keep`'s bits. */
export function applyKeepBits(delta: Float32Array, keep: Uint32Array, start: number): void {
  if (simdApplyKeepBits(delta, keep, start)) return;
  for (let i = 0; i < delta.length; i++) {
    const at = start + i;
    delta[i] *= (keep[at >>> 5] >>> (at & 31)) & 1;
  }
}
