/**
 * The ask/tell contract every optimiser implements. Lower loss is better: the loop passes -score
 * for maximised objectives.
 *
 * Resume contract (the search loop relies on it): an optimiser is a deterministic function of
 * its options (seed included) and the sequence of `tell()` calls. After a crash the loop creates
 * a fresh optimiser with the same options and replays the journal's generations in order with
 * `tell(xs, losses)`; the next `ask()` then returns exactly what an uninterrupted run would have.
 * `tell` without a preceding `ask` draws the pending generation itself, so a replay needs no
 * `ask` calls. `snapshot()` + `restoreOptimiser()` is the fast path to the same state.
 */
export interface Optimiser {
  /**
   * The current generation's candidates, each in [0, 1]^n. Calling it again before `tell`
   * returns the same candidates (asking is idempotent until told).
   */
  ask(): number[][];
  /**
   * Results for the whole generation `ask()` returned, in the same order. Non-finite losses
   * (a candidate that failed to merge or load) rank below every finite one.
   */
  tell(xs: readonly (readonly number[])[], losses: readonly number[]): void;
  /** Number of completed generations (tell calls). */
  readonly generation: number;
  /** Number of candidates told so far. */
  readonly evaluations: number;
  /** The whole state as plain JSON: `restoreOptimiser(JSON.parse(JSON.stringify(s)))` continues it. */
  snapshot(): OptimiserState;
  /** Best candidate told so far (loss Infinity and an empty x before any tell). */
  best(): OptimiserBest;
}

export interface OptimiserBest {
  readonly x: readonly number[];
  readonly loss: number;
}

/**
 * What `snapshot()` returns: an optimiser's whole state, tagged by kind, each kind's payload its
 * own (validated on restore). The store wraps it as the `state` of its `OptimiserSnapshot` file.
 */
export interface OptimiserState {
  readonly kind: "cma-es" | "random" | "portfolio";
  readonly version: 1;
  readonly [key: string]: unknown;
}

/** Losses in JSON: Infinity and NaN do not survive JSON.stringify, so they travel as strings. */
export function lossToJson(loss: number): number | string {
  return Number.isFinite(loss) ? loss : String(loss);
}

export function lossFromJson(value: number | string): number {
  return typeof value === "number" ? value : Number(value);
}

/** Ranking key: NaN and +Infinity both mean "failed" and sort last. */
export function rankableLoss(loss: number): number {
  return Number.isNaN(loss) ? Number.POSITIVE_INFINITY : loss;
}
