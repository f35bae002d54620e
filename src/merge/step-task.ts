import type { DType } from "../tensor/dtype.js";

/**
 * One tensor's worth of merge work, as sent to a worker thread. Inputs travel as the bytes stored
 * in their files (decoding happens in the worker, so it runs in parallel too); the buffers are
 * transferred, not copied.
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
}

export interface EncodedTensor {
  /** Model name, for error messages. */
  readonly model: string;
  readonly dtype: DType;
  readonly bytes: Uint8Array;
}

export interface StepResult {
  readonly bytes: Uint8Array;
  readonly warnings: readonly string[];
}
