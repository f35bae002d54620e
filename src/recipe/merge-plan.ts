import type { DType } from "../tensor/dtype.js";

/** One tensor of one input model, by the model's reference (as written in the recipe) and its own tensor name. */
export interface TensorRef {
  readonly model: string;
  readonly tensor: string;
}

/**
 * How to produce one output tensor: plain, frozen data (house style §1) that can be printed,
 * hashed and diffed. `params` and every `perModel` entry have been validated by the method's zod
 * schemas, defaults filled in.
 */
export interface MergeStep {
  /** Output tensor name (differs from the input names when `slices:` move layers). */
  readonly output: string;
  readonly shape: readonly number[];
  /** Merge method name (`merge_method`). */
  readonly method: string;
  /**
   * Input tensors in the order the method receives them: `models`/`sources` order. The base model
   * is among them only when the method treats it as an ordinary input (base "input"); it then
   * comes where it is listed, or last when it is not listed.
   */
  readonly inputs: readonly TensorRef[];
  /** The base tensor, for methods that use one as a base ("required", or "optional" and given). */
  readonly base?: TensorRef;
  /** Resolved global parameters (t, normalize, lambda...). */
  readonly params: Readonly<Record<string, unknown>>;
  /** Resolved per-model parameters, parallel to `inputs`. */
  readonly perModel: readonly Readonly<Record<string, unknown>>[];
  /** Recipe seed, for stochastic methods only (the executor derives a per-tensor stream from it). */
  readonly seed?: number;
}

/** A tensor of the output model, as a TensorSink needs it up front. */
export interface OutputTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

export interface MergePlan {
  readonly method: string;
  /** Output tensors in write order; `steps[i]` produces `outputTensors[i]`. */
  readonly outputTensors: readonly OutputTensor[];
  readonly steps: readonly MergeStep[];
  /**
   * Model whose tokenizer and config the output gets: `tokenizer_source` (or `tokenizer.source`),
   * with "base" resolved; when unset, the base model, else the first model (mergekit's default).
   */
  readonly tokenizerSource: string;
  readonly chatTemplate?: string;
}
