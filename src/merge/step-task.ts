import type { DType } from "../tensor/dtype.js";
import type { ByteSpan } from "../tensor/tensor-source.js";
import type { NonFiniteCount } from "./non-finite.js";

/**
 * How a step is merged: with the method's chunked form (elementwise over `range`, or in passes over
 * the whole tensor; see methods/chunked-merge.ts), or by decoding whole tensors and calling the
 * method's `merge` (methods and dtypes without a chunked form).
 */
export type StepPath = "elementwise" | "passes" | "whole";

/**
 * One tensor's worth of merge work (or a part of one, for elementwise steps), as sent to a worker
 * thread. Inputs travel as the bytes stored in their files, or as the file spans holding them; the
 * output goes straight into its stored form in a shared buffer the executor reuses, so nothing is
 * copied between threads and no large buffer is allocated per tensor.
 */
export interface StepTask {
  readonly method: string;
  readonly tensorName: string;
  readonly shape: readonly number[];
  /** Non-base inputs, in the order the method expects. */
  readonly inputs: readonly EncodedTensor[];
  readonly base: EncodedTensor | undefined;
  readonly params: Readonly<Record<string, unknown>>;
  readonly perModel: readonly Readonly<Record<string, unknown>>[];
  /** Per-tensor seed for stochastic methods, derived from the recipe seed and tensor name. */
  readonly seed: number;
  /** Encoding of the result. */
  readonly outDtype: DType;
  /** What to do with NaN/Inf in an input: refuse (default) or warn and go on. */
  readonly nonFinite: "error" | "warn";
  readonly path: StepPath;
  /** Elements [start, end) this task merges: its part of an elementwise step, else all of them. */
  readonly range: readonly [number, number];
  /** Elements per chunk for the chunked paths. */
  readonly chunk: number;
  /**
   * The output as stored (`outDtype`), from element `outputStart` on: the whole tensor (start 0),
   * or just this task's part of it (start = range[0]); the task fills its range.
   */
  readonly output: Uint8Array;
  readonly outputStart: number;
}

/**
 * An input as stored: its bytes, read by the executor into a shared buffer, or (chunked steps of
 * file-backed models) where they lie in a file, for the worker to read itself.
 */
export type EncodedTensor = {
  /** Model name, for error messages. */
  readonly model: string;
  readonly dtype: DType;
} & ({ readonly bytes: Uint8Array; readonly file?: undefined } | { readonly file: ByteSpan; readonly bytes?: undefined });

export interface StepResult {
  /** NaN/Inf found in the task's range of each input (the output is not written when refused). */
  readonly nonFinite: readonly NonFiniteCount[];
}
