import type { z } from "zod";
import type { ChunkedMerge, ChunkedMergeSetup } from "./chunked-merge.js";

/**
 * A merge method is a table entry (house style §3): it declares its parameters as zod schemas,
 * cites its paper, and provides a pure per-tensor function over Float32Arrays. The recipe planner
 * reads the schemas to resolve and validate parameters; the executor calls `merge` in workers.
 */

/** How a method uses `base_model`. */
export type BaseUse =
  /** Must have a base (task-vector methods, slerp, nearswap, arcee_fusion, model_stock). */
  | "required"
  /** Uses a base when given (nuslerp, multislerp). */
  | "optional"
  /** Has no notion of a base: a base is just one more input (linear, karcher, passthrough). */
  | "input";

export interface MergeInput<G, P> {
  /** Name of the tensor being merged (what `filter` matched). */
  readonly tensorName: string;
  /** Row-major shape shared by every input and the output. */
  readonly shape: readonly number[];
  /** Non-base model tensors, in recipe `models` order (the base excluded when the method uses it as base). */
  readonly tensors: readonly Float32Array[];
  /** Resolved per-model parameters, parallel to `tensors`. */
  readonly perModel: readonly P[];
  /** The base model's tensor when the method has one (BaseUse "required", or "optional" and given). */
  readonly base: Float32Array | undefined;
  /** Resolved global parameters (defaults filled in). */
  readonly params: G;
  /**
   * Uniform [0, 1) random source for stochastic methods. Seeded by the executor from the recipe
   * seed and the tensor name, so the same seed gives byte-identical output in any thread order.
   */
  readonly random: () => number;
  /**
   * Test hook: per-model keep masks (1 = kept) to use instead of drawing them, parallel to
   * `tensors`. Lets conformance tests replay the masks mergekit drew.
   */
  readonly masks?: readonly Uint8Array[];
}

export interface MergeMethod<G = Record<string, unknown>, P = Record<string, unknown>> {
  readonly name: string;
  /** Paper (or documentation) the method comes from. */
  readonly paper: { readonly title: string; readonly url: string };
  /** Global parameters (`parameters:` block, e.g. t, normalize, lambda) with defaults. */
  readonly params: z.ZodType<G>;
  /** Per-model parameters (e.g. weight, density) with defaults; required ones have none. */
  readonly perModel: z.ZodType<P>;
  readonly base: BaseUse;
  /** Whether it draws random numbers (dare, della): then the recipe seed matters. */
  readonly stochastic: boolean;
  /** Number of non-base models accepted: [min, max]. */
  readonly models: readonly [number, number];
  merge(input: MergeInput<G, P>): Float32Array;
  /**
   * The executor's fast path (chunked-merge.ts): the same merge over inputs read a chunk at a time,
   * equal to `merge` bit for bit. Returns undefined for configurations without one (including
   * every input `merge` refuses): the executor then decodes whole tensors and calls `merge`.
   */
  chunked?(setup: ChunkedMergeSetup<G, P>): ChunkedMerge | undefined;
}

export function defineMergeMethod<G, P>(method: MergeMethod<G, P>): MergeMethod<G, P> {
  return Object.freeze(method);
}
