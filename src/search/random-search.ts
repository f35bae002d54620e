import { z } from "zod";
import { checkTell } from "./check-tell.js";
import { defaultPopsize } from "./cma-es-parameters.js";
import { lossFromJson, lossToJson, rankableLoss, type Optimiser, type OptimiserState } from "./optimiser.js";
import { OptimiserError } from "./optimiser-error.js";
import { createPrng } from "./prng.js";

export interface RandomSearchOptions {
  /** Number of dimensions n (0 allowed: every candidate is the empty vector). */
  readonly dimension: number;
  readonly seed: number;
  /**
   * Candidates per generation. Defaults to CMA-ES's 4 + floor(3 ln n) (1 for n = 0), so the two
   * optimisers can be compared generation for generation.
   */
  readonly popsize?: number;
}

const matrix = z.array(z.array(z.number()));

export const randomSearchSnapshotSchema = z.strictObject({
  kind: z.literal("random"),
  version: z.literal(1),
  options: z.strictObject({ dimension: z.number().int().min(0), seed: z.number(), popsize: z.number().int().min(1) }),
  generation: z.number().int().min(0),
  evaluations: z.number().int().min(0),
  rng: z.number().int(),
  pending: matrix.nullable(),
  best: z.strictObject({ x: z.array(z.number()), loss: z.union([z.number(), z.string()]) }),
});

type State = z.infer<typeof randomSearchSnapshotSchema>;

/**
 * Random search: every candidate uniform in [0, 1]^n, independent of the results. The baseline
 * every adaptive optimiser must beat (Bergstra & Bengio 2012, "Random Search for
 * Hyper-Parameter Optimization", JMLR 13), and the safest choice for very small budgets.
 */
export function createRandomSearch(options: RandomSearchOptions): Optimiser {
  const n = options.dimension;
  if (!Number.isInteger(n) || n < 0) throw new OptimiserError(`random search needs a dimension >= 0, got ${n}`);
  const popsize = options.popsize ?? (n === 0 ? 1 : defaultPopsize(n));
  if (!Number.isInteger(popsize) || popsize < 1) throw new OptimiserError(`random search popsize must be an integer >= 1, got ${popsize}`);
  return randomSearchFromState({
    kind: "random",
    version: 1,
    options: { dimension: n, seed: options.seed, popsize },
    generation: 0,
    evaluations: 0,
    rng: createPrng(options.seed).state(),
    pending: null,
    best: { x: [], loss: "Infinity" },
  });
}

export function restoreRandomSearch(snapshot: unknown): Optimiser {
  const parsed = randomSearchSnapshotSchema.safeParse(snapshot);
  if (!parsed.success) throw new OptimiserError(`not a random-search snapshot: ${parsed.error.issues[0]?.message} at ${parsed.error.issues[0]?.path.join(".")}`);
  return randomSearchFromState(structuredClone(parsed.data));
}

function randomSearchFromState(state: State): Optimiser {
  const { dimension: n, popsize } = state.options;
  const sample = (): number[][] => {
    const rng = createPrng(0, state.rng);
    const xs = Array.from({ length: popsize }, () => Array.from({ length: n }, () => rng.uniform()));
    state.rng = rng.state();
    return xs;
  };
  return {
    ask() {
      state.pending ??= sample();
      return state.pending.map((x) => [...x]);
    },
    tell(xs, losses) {
      state.pending ??= sample();
      const pending = state.pending;
      checkTell("random search", state.generation, pending, xs, losses);
      losses.forEach((loss, i) => {
        if (rankableLoss(loss) < lossFromJson(state.best.loss)) state.best = { x: [...pending[i]], loss: lossToJson(loss) };
      });
      state.pending = null;
      state.generation += 1;
      state.evaluations += losses.length;
    },
    get generation() {
      return state.generation;
    },
    get evaluations() {
      return state.evaluations;
    },
    snapshot(): OptimiserState {
      return structuredClone(state);
    },
    best() {
      return { x: [...state.best.x], loss: lossFromJson(state.best.loss) };
    },
  };
}
