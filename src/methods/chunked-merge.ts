import type { RandomSource } from "./create-random.js";
import type { MergeInput, MergeMethod } from "./define-merge-method.js";
import { resetKernelScratch, scratchFloats } from "./wasm/kernel-scratch.js";

/**
 * The chunked form of a merge: the same maths as a method's `merge`, over inputs read a chunk at a
 * time, so the executor never holds a tensor as float32 and its working set stays in the CPU
 * caches. `merge` stays the definition; a chunked form must give its bits exactly (for every input,
 * NaN and Inf included) and draw random numbers in the same order. test/methods/chunked-merge.test.ts
 * checks that on random configurations, chunk sizes and odd lengths.
 */

/** What a method knows about a tensor before reading it: enough to choose its chunked form. */
export interface ChunkedMergeSetup<G, P> {
  readonly tensorName: string;
  readonly shape: readonly number[];
  /** Number of non-base inputs (`tensors` of MergeInput). */
  readonly models: number;
  /** Whether a base tensor is given. */
  readonly hasBase: boolean;
  readonly params: G;
  readonly perModel: readonly P[];
}

/**
 * An elementwise form's arithmetic declared as data, so the executor can run it straight on stored
 * bf16 inputs and outputs, decoding, summing and encoding in one pass (wasm/simd-sums.ts). It must
 * give exactly `map`'s bits; test/methods/wasm/fused-sum-kernels.test.ts checks the kernels, and
 * the bf16-only cases of test/merge/merge-paths.test.ts the executor, against the definitions.
 * Both are float32 arithmetic in mergekit's order (f32 below: rounded to float32):
 * - "weighted-sum": out = f32(0 + f32(w0*t0) + f32(w1*t1) + ...) / divisor (weightedAverage).
 * - "tensor-deltas": out = base + f32(f32(sum / divisor) * lambda), sum = f32(0 + f32(w0*f32(t0 -
 *   base)) + ...) (sumTensorDeltas).
 */
export type FusedSum =
  | { readonly kind: "weighted-sum"; readonly weights: readonly number[]; readonly divisor: number }
  | { readonly kind: "tensor-deltas"; readonly weights: readonly number[]; readonly divisor: number; readonly lambda: number };

/** Decodes elements [start, start + dst.length) of one input into `dst`. */
export type ChunkRead = (start: number, dst: Float32Array) => void;

/** A tensor's inputs and output, a chunk at a time (for multi-pass chunked forms). */
export interface ChunkedTensors {
  /** Elements in every input and in the output. */
  readonly length: number;
  /** Elements per chunk the reader prefers (a multiple of 32); the last chunk may be shorter. */
  readonly chunk: number;
  readonly tensors: readonly ChunkRead[];
  readonly base: ChunkRead | undefined;
  /**
   * Stores output elements [start, start + values.length); each element is written once, unless
   * `patch` is given: then an element may be written again (the last write counts).
   */
  readonly write: (start: number, values: Float32Array) => void;
  /**
   * Rewrites output element `indices[j]` with `values[j]` for every j. Absent where elements are
   * not stored one by one (Q8_0 blocks share a scale): a form must then write each element once.
   */
  readonly patch?: (indices: Uint32Array, values: Float32Array) => void;
  /**
   * Readers of small pieces anywhere in the inputs (a sample read before the passes), separate
   * from `tensors` and `base` so as not to disturb their sequential reads. Absent where pieces
   * cannot be read cheaply.
   */
  readonly sample?: () => { readonly tensors: readonly ChunkRead[]; readonly base: ChunkRead | undefined };
  /** The same random source `merge` would get. */
  readonly random: RandomSource;
}

export type ChunkedMerge =
  /**
   * Output element i depends only on element i of each input: any range of elements merges on its
   * own (so the executor may also split a tensor between threads). `map` fills `out` from
   * equally long chunks of the inputs and must not write to them.
   */
  | {
      readonly kind: "elementwise";
      map(tensors: readonly Float32Array[], base: Float32Array | undefined, out: Float32Array): void;
      /** `map`'s arithmetic, when it is one of the sums the executor can run on stored values. */
      readonly fused?: FusedSum;
    }
  /** Needs the whole tensor (norms, selections, random streams): reads it in several passes. */
  | { readonly kind: "passes"; run(io: ChunkedTensors): void };

/**
 * Runs a method's chunked form over in-memory tensors: what the executor does over encoded bytes,
 * with plain Float32Arrays, chunks copied through kernel scratch as the executor decodes into it
 * (so the SIMD kernels run when they are in use). Returns undefined when the method has no chunked
 * form for this input (or the input carries replayed masks, which only `merge` takes).
 */
export function mergeChunked<G, P>(method: MergeMethod<G, P>, input: MergeInput<G, P>, chunk: number): Float32Array | undefined {
  if (!method.chunked || input.masks) return undefined;
  if (!Number.isInteger(chunk) || chunk < 1) throw new RangeError(`chunk must be a positive integer, got ${chunk}`);
  const form = method.chunked({
    tensorName: input.tensorName,
    shape: input.shape,
    models: input.tensors.length,
    hasBase: input.base !== undefined,
    params: input.params,
    perModel: input.perModel,
  });
  if (!form) return undefined;
  resetKernelScratch();
  const n = (input.base ?? input.tensors[0]).length;
  const out = new Float32Array(n);
  if (form.kind === "elementwise") {
    const size = Math.min(chunk, n);
    const tensors = input.tensors.map(() => scratchFloats(size));
    const base = input.base ? scratchFloats(size) : undefined;
    const result = scratchFloats(size);
    for (let start = 0; start < n; start += chunk) {
      const end = Math.min(n, start + chunk);
      const view = (a: Float32Array) => (end - start === size ? a : a.subarray(0, end - start));
      input.tensors.forEach((t, m) => tensors[m].set(t.subarray(start, end)));
      base?.set(input.base!.subarray(start, end));
      form.map(tensors.map(view), base && view(base), view(result));
      out.set(view(result), start);
    }
    return out;
  }
  const reader = (t: Float32Array): ChunkRead => (start, dst) => dst.set(t.subarray(start, start + dst.length));
  form.run({
    length: n,
    chunk,
    tensors: input.tensors.map(reader),
    base: input.base ? reader(input.base) : undefined,
    write: (start, values) => out.set(values, start),
    // As bits: a NaN's payload survives a copy of its bits, not always a float's round trip.
    patch: (indices, values) => {
      const to = new Uint32Array(out.buffer, out.byteOffset, out.length);
      const from = new Uint32Array(values.buffer, values.byteOffset, values.length);
      indices.forEach((at, j) => (to[at] = from[j]));
    },
    sample: () => ({ tensors: input.tensors.map(reader), base: input.base ? reader(input.base) : undefined }),
    random: input.random,
  });
  return out;
}
