import type { ChunkedMerge, ChunkedTensors } from "./chunked-merge.js";
import { combineTaskVectorChunks, taskVectorL1, type ChunkTrim } from "./combine-task-vector-chunks.js";
import type { CombineOptions } from "./combine-task-vectors.js";
import { isBulkRandom, type RandomSource } from "./create-random.js";
import { KEEP_BLOCK, drawKeepFlags, flagsOfDraws, keepCut } from "./random-keep-flags.js";
import { L1_LANES, laneSum, rescaleFactor } from "./task-vectors.js";
import { scratchDoubles, scratchFloats, scratchWords } from "./wasm/kernel-scratch.js";
import { simdApplyKeepBits, simdRandomDrop } from "./wasm/simd-task-vectors.js";
import { jumpMatrix, jumpTable } from "./xoshiro-jump.js";

/**
 * Chunked form of the DARE task-vector merges (random drop, Yu et al.,
 * https://arxiv.org/abs/2311.03099). The whole-tensor path draws each model's keep flags in one
 * stream, model after model; so does this, one pass per model in the same order, keeping the
 * flags as bits (n/8 bytes per model) and the L1 norms before and after the drop, summed in index
 * order. A last pass multiplies each task vector by its flags (`d * 1` or `d * 0`, the products the
 * whole-tensor path stores) and combines. Keep bits and chunks are kernel scratch: with the SIMD
 * kernels, the drop and the flags' product run there (wasm/simd-task-vectors.ts), on the same draws.
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
      args.densities.forEach((density, m) => {
        if (density > 0 && density < 1) {
          const keep = scratchWords(Math.ceil(io.length / 32)).fill(0);
          const norms = dropPass(io, m, density, io.random, keep, scratch);
          scales[m] = args.rescale ? rescaleFactor(norms[0], norms[1]) : 1;
          trims.push((delta, _bits, start) => applyKeepBits(delta, keep, start));
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
      combineTaskVectorChunks(io, trims, args.weights, scales, args.options);
    },
  };
}

/** Buffers of the drop passes (kernel scratch for the current step). */
interface DropScratch {
  readonly base: Float32Array;
  readonly x: Float32Array;
  readonly draws: Uint32Array;
  readonly flags: Float64Array;
  /** L1 lanes of the norms before and after (task-vectors.ts). */
  readonly lanes: Float64Array;
  /** The generator's state while the kernel draws, and the jump of its four streams. */
  readonly kernel: { readonly state: Uint32Array; readonly jump: Uint32Array; readonly quarter: number; readonly draws: Uint32Array };
}

/** The kernel's four draw streams split a block of KEEP_BLOCK draws into quarters. */
const QUARTER = KEEP_BLOCK / 4;
let quarterJump: Uint32Array | undefined;

function dropScratch(chunk: number): DropScratch {
  const draws = scratchWords(KEEP_BLOCK);
  const jump = scratchWords(2048);
  jump.set((quarterJump ??= jumpTable(jumpMatrix(QUARTER))));
  return { base: scratchFloats(chunk), x: scratchFloats(chunk), draws, flags: new Float64Array(KEEP_BLOCK), lanes: scratchDoubles(2 * L1_LANES), kernel: { state: scratchWords(4), jump, quarter: QUARTER, draws } };
}

/**
 * Model `m`'s drop: draws its flags (exactly as randomlyDroppedTaskVector: one draw per element, in
 * order), stores them as bits in `keep` and returns the L1 norms [before, after] of its task vector.
 * With the kernels, a chunk's draws are made in the kernel from the generator's state (handed over
 * to kernel memory and back; the stream is the same).
 */
function dropPass(io: ChunkedTensors, m: number, density: number, random: RandomSource, keep: Uint32Array, scratch: DropScratch): [number, number] {
  const size = io.chunk;
  const { base, x, draws, flags, lanes, kernel } = scratch;
  const cut = keepCut(density);
  lanes.fill(0);
  // Whether the stream's state is in kernel.state (the kernel draws) rather than in `random`.
  let inKernel = false;
  for (let start = 0; start < io.length; start += size) {
    const length = Math.min(size, io.length - start);
    io.base!(start, length === size ? base : base.subarray(0, length));
    io.tensors[m](start, length === size ? x : x.subarray(0, length));
    if (isBulkRandom(random)) {
      if (!inKernel) random.getState(kernel.state);
      if (simdRandomDrop(x, base, kernel, cut, length, start, keep, lanes)) {
        inKernel = true;
        continue;
      }
      if (inKernel) random.setState(kernel.state);
      inKernel = false;
    }
    for (let from = 0; from < length; from += KEEP_BLOCK) {
      const to = Math.min(length, from + KEEP_BLOCK);
      if (isBulkRandom(random)) {
        random.fillBits(draws, to - from);
        flagsOfDraws(draws, cut, flags, to - from);
      } else {
        drawKeepFlags(random, density, flags, to - from);
      }
      dropBlock(x, base, flags, from, to, start, keep, lanes);
    }
  }
  if (inKernel && isBulkRandom(random)) random.setState(kernel.state);
  return [laneSum(lanes, 0), laneSum(lanes, L1_LANES)];
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
