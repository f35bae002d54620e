import { z } from "zod";
import { cmaEsParameters, defaultPopsize, type CmaEsParameters } from "./cma-es-parameters.js";
import { checkTell } from "./check-tell.js";
import { lossFromJson, lossToJson, rankableLoss, type Optimiser, type OptimiserBest, type OptimiserState } from "./optimiser.js";
import { OptimiserError } from "./optimiser-error.js";
import { createPrng } from "./prng.js";
import { symmetricEigen } from "./symmetric-eigen.js";
import { reflectVectorIntoUnit } from "./unit-bounds.js";

export interface CmaEsOptions {
  /** Number of dimensions n (at least 1). */
  readonly dimension: number;
  /** Seed of the sampler: same seed and same results told, same candidates. */
  readonly seed: number;
  /** Initial mean. Defaults to 0.5 in every coordinate (the unit cube's centre, as Sakana's x0). */
  readonly x0?: readonly number[];
  /** Initial step size. Defaults to 1/6 (mergekit-evolve and Sakana on the unit cube). */
  readonly sigma0?: number;
  /** Population size λ. Defaults to 4 + floor(3 ln n). */
  readonly popsize?: number;
  /**
   * "unit" (default): candidates are reflected into [0, 1]^n (see `reflectIntoUnit`); "none":
   * candidates are the raw samples (for unconstrained test functions).
   */
  readonly bounds?: "unit" | "none";
}

const num = z.union([z.number(), z.string()]);
const vector = z.array(z.number());
const matrix = z.array(vector);

export const cmaEsSnapshotSchema = z.strictObject({
  kind: z.literal("cma-es"),
  version: z.literal(1),
  options: z.strictObject({
    dimension: z.number().int().min(1),
    seed: z.number(),
    x0: vector,
    sigma0: z.number().positive(),
    popsize: z.number().int().min(2),
    bounds: z.enum(["unit", "none"]),
  }),
  mean: vector,
  sigma: z.number(),
  C: matrix,
  B: matrix,
  D: vector,
  pc: vector,
  ps: vector,
  generation: z.number().int().min(0),
  evaluations: z.number().int().min(0),
  eigenGeneration: z.number().int().min(0),
  rng: z.number().int(),
  pending: z.strictObject({ samples: matrix, xs: matrix }).nullable(),
  best: z.strictObject({ x: vector, loss: num }),
});

type State = z.infer<typeof cmaEsSnapshotSchema>;

/**
 * CMA-ES written from Hansen's tutorial (arXiv:1604.00772, "The CMA Evolution Strategy: A
 * Tutorial", Fig. 7 / Table 1): weighted recombination of the μ best, cumulative step-size
 * adaptation (p_σ, c_σ, d_σ), rank-one (p_c, c_1, with the h_σ stall) plus rank-μ (c_μ)
 * covariance update, and lazy eigendecomposition. All state is plain data, so a snapshot is the
 * state itself.
 */
export function createCmaEs(options: CmaEsOptions): Optimiser {
  const n = options.dimension;
  if (!Number.isInteger(n) || n < 1) throw new OptimiserError(`CMA-ES needs a dimension of at least 1, got ${n}`);
  const popsize = options.popsize ?? defaultPopsize(n);
  if (!Number.isInteger(popsize) || popsize < 2) throw new OptimiserError(`CMA-ES popsize must be an integer >= 2, got ${popsize}`);
  const sigma0 = options.sigma0 ?? 1 / 6;
  if (!(sigma0 > 0) || !Number.isFinite(sigma0)) throw new OptimiserError(`CMA-ES sigma0 must be a positive number, got ${sigma0}`);
  const x0 = options.x0 ?? new Array<number>(n).fill(0.5);
  if (x0.length !== n || x0.some((v) => !Number.isFinite(v))) {
    throw new OptimiserError(`CMA-ES x0 must hold ${n} finite numbers, got ${x0.length}`);
  }
  const identity = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  return cmaEsFromState({
    kind: "cma-es",
    version: 1,
    options: { dimension: n, seed: options.seed, x0: [...x0], sigma0, popsize, bounds: options.bounds ?? "unit" },
    mean: [...x0],
    sigma: sigma0,
    C: identity.map((r) => [...r]),
    B: identity.map((r) => [...r]),
    D: new Array<number>(n).fill(1),
    pc: new Array<number>(n).fill(0),
    ps: new Array<number>(n).fill(0),
    generation: 0,
    evaluations: 0,
    eigenGeneration: 0,
    rng: createPrng(options.seed).state(),
    pending: null,
    best: { x: [], loss: "Infinity" },
  });
}

/** Rebuilds a CMA-ES from its `snapshot()`; throws OptimiserError when it is not a valid one. */
export function restoreCmaEs(snapshot: unknown): Optimiser {
  const parsed = cmaEsSnapshotSchema.safeParse(snapshot);
  if (!parsed.success) throw new OptimiserError(`not a CMA-ES snapshot: ${parsed.error.issues[0]?.message ?? "invalid"} at ${parsed.error.issues[0]?.path.join(".")}`);
  return cmaEsFromState(structuredClone(parsed.data));
}

function cmaEsFromState(state: State): Optimiser {
  const n = state.options.dimension;
  const p: CmaEsParameters = cmaEsParameters(n, state.options.popsize);

  function sample(): { samples: number[][]; xs: number[][] } {
    const rng = createPrng(0, state.rng);
    const samples: number[][] = [];
    for (let k = 0; k < p.lambda; k++) {
      const z = Array.from({ length: n }, () => rng.normal());
      const x = new Array<number>(n);
      for (let i = 0; i < n; i++) {
        let y = 0;
        for (let j = 0; j < n; j++) y += state.B[i][j] * state.D[j] * z[j];
        x[i] = state.mean[i] + state.sigma * y;
      }
      samples.push(x);
    }
    state.rng = rng.state();
    const xs = state.options.bounds === "unit" ? samples.map(reflectVectorIntoUnit) : samples.map((s) => [...s]);
    return { samples, xs };
  }

  function update(samples: readonly number[][], losses: readonly number[]): void {
    const order = losses.map((l, i) => ({ l: rankableLoss(l), i })).sort((a, b) => a.l - b.l || a.i - b.i);
    const old = state.mean;
    const mean = new Array<number>(n).fill(0);
    for (let r = 0; r < p.mu; r++) {
      const x = samples[order[r].i];
      for (let i = 0; i < n; i++) mean[i] += p.weights[r] * x[i];
    }
    const sigma = state.sigma;
    const yw = mean.map((m, i) => (m - old[i]) / sigma);
    // C^(-1/2) yw = B D^-1 Bᵀ yw.
    const bty = new Array<number>(n).fill(0);
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) bty[j] += state.B[i][j] * yw[i];
    const invSqrtCy = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) invSqrtCy[i] += (state.B[i][j] * bty[j]) / state.D[j];

    const csn = Math.sqrt(p.cSigma * (2 - p.cSigma) * p.muEff);
    const ps = state.ps.map((v, i) => (1 - p.cSigma) * v + csn * invSqrtCy[i]);
    const psNorm = Math.hypot(...ps);
    const g = state.generation + 1;
    const hSigma = psNorm / Math.sqrt(1 - (1 - p.cSigma) ** (2 * g)) < (1.4 + 2 / (n + 1)) * p.chiN ? 1 : 0;
    const ccn = Math.sqrt(p.cC * (2 - p.cC) * p.muEff);
    const pc = state.pc.map((v, i) => (1 - p.cC) * v + hSigma * ccn * yw[i]);

    const deltaH = (1 - hSigma) * p.cC * (2 - p.cC);
    const keep = 1 + p.c1 * deltaH - p.c1 - p.cMu; // Σw = 1 for positive weights.
    const ys = order.slice(0, p.mu).map(({ i }) => samples[i].map((x, k) => (x - old[k]) / sigma));
    const C = state.C.map((row) => [...row]);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let rankMu = 0;
        for (let r = 0; r < p.mu; r++) rankMu += p.weights[r] * ys[r][i] * ys[r][j];
        const v = keep * state.C[i][j] + p.c1 * pc[i] * pc[j] + p.cMu * rankMu;
        C[i][j] = v;
        C[j][i] = v;
      }
    }

    state.mean = mean;
    state.ps = ps;
    state.pc = pc;
    state.C = C;
    state.sigma = sigma * Math.exp((p.cSigma / p.dSigma) * (psNorm / p.chiN - 1));
    state.generation = g;
    if (g - state.eigenGeneration >= p.eigenInterval) decompose();
  }

  function decompose(): void {
    const { values, vectors } = symmetricEigen(state.C);
    const top = Math.max(...values);
    // Round-off can leave tiny negative eigenvalues; clamp to keep C positive definite.
    const floor = top > 0 ? top * 1e-20 : 1e-20;
    state.D = values.map((v) => Math.sqrt(Math.max(v, floor)));
    state.B = vectors;
    state.eigenGeneration = state.generation;
  }

  const optimiser: Optimiser = {
    ask() {
      state.pending ??= sample();
      return state.pending.xs.map((x) => [...x]);
    },
    tell(xs, losses) {
      state.pending ??= sample();
      const pending = state.pending;
      checkTell("CMA-ES", state.generation, pending.xs, xs, losses);
      losses.forEach((loss, i) => {
        if (rankableLoss(loss) < lossFromJson(state.best.loss)) state.best = { x: [...pending.xs[i]], loss: lossToJson(loss) };
      });
      state.evaluations += losses.length;
      state.pending = null;
      update(pending.samples, losses);
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
    best(): OptimiserBest {
      return { x: [...state.best.x], loss: lossFromJson(state.best.loss) };
    },
  };
  return optimiser;
}

/** The current step size and mean, for tests and progress displays (not part of the contract). */
export function cmaEsInternals(snapshot: OptimiserState): { sigma: number; mean: readonly number[] } {
  const s = cmaEsSnapshotSchema.parse(snapshot);
  return { sigma: s.sigma, mean: s.mean };
}
