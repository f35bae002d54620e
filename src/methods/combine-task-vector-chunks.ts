import type { ChunkedTensors } from "./chunked-merge.js";
import { combineTaskVectors, type CombineOptions } from "./combine-task-vectors.js";
import { taskVector, taskVectorWithL1 } from "./task-vectors.js";

/**
 * Rewrites one model's task-vector chunk in place (its sparsification): `delta` holds elements
 * [start, start + delta.length). Chunks arrive in index order, once each.
 */
export type ChunkTrim = (delta: Float32Array, start: number) => void;

/**
 * The last pass of the chunked task-vector forms, chunk by chunk: each model's task vector
 * `fround(x - base)`, trimmed (undefined: kept whole), then combined exactly as
 * combineTaskVectors combines whole tensors, and written out.
 */
export function combineTaskVectorChunks(
  io: ChunkedTensors,
  trims: readonly (ChunkTrim | undefined)[],
  weights: readonly number[],
  scales: readonly number[],
  options: CombineOptions,
): void {
  const size = io.chunk;
  const base = new Float32Array(size);
  const x = new Float32Array(size);
  const out = new Float32Array(size);
  const deltas = io.tensors.map(() => new Float32Array(size));
  for (let start = 0; start < io.length; start += size) {
    const length = Math.min(size, io.length - start);
    const cut = (a: Float32Array) => (length === size ? a : a.subarray(0, length));
    const b = cut(base);
    io.base!(start, b);
    const ds = deltas.map(cut);
    for (let m = 0; m < ds.length; m++) {
      const xs = cut(x);
      io.tensors[m](start, xs);
      taskVector(xs, b, ds[m]);
      trims[m]?.(ds[m], start);
    }
    io.write(start, combineTaskVectors(ds, false, weights, scales, b, options, cut(out)));
  }
}

/**
 * `sum |fround(x - base)|` over one model's whole task vector, float64 in index order: the L1 norm
 * `rescale` needs of a task vector nothing trims (it equals the norm after, so its factor is
 * `rescaleFactor(l1, l1)`: 1, or NaN when the norm is infinite, as the whole-tensor path gives).
 */
export function taskVectorL1(io: ChunkedTensors, model: number): number {
  const size = io.chunk;
  const base = new Float32Array(size);
  const x = new Float32Array(size);
  const d = new Float32Array(size);
  let sum = 0;
  for (let start = 0; start < io.length; start += size) {
    const length = Math.min(size, io.length - start);
    const cut = (a: Float32Array) => (length === size ? a : a.subarray(0, length));
    io.base!(start, cut(base));
    io.tensors[model](start, cut(x));
    sum = taskVectorWithL1(cut(x), cut(base), cut(d), sum);
  }
  return sum;
}
