import type { ChunkedTensors } from "./chunked-merge.js";
import { taskVectorCombiner, type CombineOptions } from "./combine-task-vectors.js";
import { floatBits } from "./select-top-k.js";
import { taskVector, taskVectorWithL1 } from "./task-vectors.js";
import { scratchFloats } from "./wasm/kernel-scratch.js";

/**
 * Rewrites one model's task-vector chunk in place (its sparsification): `delta` holds elements
 * [start, start + delta.length), `bits` is the same memory as uint32. Chunks arrive in index
 * order, once each.
 */
export type ChunkTrim = (delta: Float32Array, bits: Uint32Array, start: number) => void;

/**
 * The last pass of the chunked task-vector forms, chunk by chunk: each model's task vector
 * `fround(x - base)`, trimmed (undefined: kept whole), then combined exactly as
 * combineTaskVectors combines whole tensors, and written out.
 */
export function combineTaskVectorChunks(
  io: ChunkedTensors,
  trims: readonly (ChunkTrim | undefined)[],
  weights: readonly number[],
  scales: ArrayLike<number>,
  options: CombineOptions,
): void {
  const combine = taskVectorCombiner(weights, scales, options);
  const models = io.tensors.length;
  const full = chunkArrays(io.chunk, models + 3);
  for (let start = 0; start < io.length; start += io.chunk) {
    const length = Math.min(io.chunk, io.length - start);
    const c = length === io.chunk ? full : chunkArrays(length, 0, full);
    io.base!(start, c.values[0]);
    for (let m = 0; m < models; m++) {
      io.tensors[m](start, c.values[1]);
      taskVector(c.values[1], c.values[0], c.values[3 + m]);
      trims[m]?.(c.values[3 + m], c.bits[3 + m], start);
    }
    io.write(start, combine(c.deltas, false, c.values[0], c.values[2]));
  }
}

/**
 * Scratch for one chunk: `values[0]` base, `[1]` a model, `[2]` output, `[3 + m]` model m's task
 * vector; `bits` the same arrays as uint32, `deltas` the task vectors. With `of`, views of the
 * first `length` elements of its arrays (the last, shorter chunk). Kernel scratch (the SIMD
 * kernels' memory when they run), valid for the current step.
 */
interface ChunkArrays {
  readonly values: Float32Array[];
  readonly bits: Uint32Array[];
  readonly deltas: Float32Array[];
}

function chunkArrays(length: number, count: number, of?: ChunkArrays): ChunkArrays {
  const values = of ? of.values.map((v) => v.subarray(0, length)) : Array.from({ length: count }, () => scratchFloats(length));
  return { values, bits: values.map(floatBits), deltas: values.slice(3) };
}

/**
 * `sum |fround(x - base)|` over one model's whole task vector, float64 in index order: the L1 norm
 * `rescale` needs of a task vector nothing trims (it equals the norm after, so its factor is
 * `rescaleFactor(l1, l1)`: 1, or NaN when the norm is infinite, as the whole-tensor path gives).
 */
export function taskVectorL1(io: ChunkedTensors, model: number): number {
  let sum = 0;
  eachTaskVectorChunk(io, model, (x, base, d) => {
    sum = taskVectorWithL1(x, base, d, sum);
  });
  return sum;
}

/**
 * Reads model `m` and the base chunk by chunk, in index order, and hands `visit` both chunks and a
 * scratch chunk `d` (with its uint32 view) to fill with the task vector.
 */
export function eachTaskVectorChunk(io: ChunkedTensors, m: number, visit: (x: Float32Array, base: Float32Array, d: Float32Array, bits: Uint32Array) => void): void {
  const full = chunkArrays(io.chunk, 3);
  for (let start = 0; start < io.length; start += io.chunk) {
    const length = Math.min(io.chunk, io.length - start);
    const c = length === io.chunk ? full : chunkArrays(length, 0, full);
    io.base!(start, c.values[0]);
    io.tensors[m](start, c.values[1]);
    visit(c.values[1], c.values[0], c.values[2], c.bits[2]);
  }
}
