import { z } from "zod";
import { checkTell } from "./check-tell.js";
import { createCmaEs } from "./cma-es.js";
import type { Optimiser, OptimiserState } from "./optimiser.js";
import { rankableLoss } from "./optimiser.js";
import { OptimiserError } from "./optimiser-error.js";
import { createRandomSearch } from "./random-search.js";
import { restoreOptimiser } from "./restore-optimiser.js";

/** One candidate of a portfolio: the merge method it is for and its point in that method's genome. */
export interface PortfolioCandidate {
  readonly method: string;
  readonly x: readonly number[];
}

export interface PortfolioMethod {
  readonly name: string;
  /** Genome length for this method (0: nothing to search, evaluated once). */
  readonly dimension: number;
  /** Initial mean for CMA-ES (e.g. `encodeDefaults`). Defaults to the cube's centre. */
  readonly x0?: readonly number[];
}

export interface MethodPortfolioOptions {
  /** The methods, in the order ties are broken (first listed wins a tie). */
  readonly methods: readonly PortfolioMethod[];
  readonly seed: number;
  /** Which optimiser each method gets. Defaults to "cma-es". */
  readonly optimiser?: "cma-es" | "random";
  /** CMA-ES initial step size. Defaults to 1/6. */
  readonly sigma0?: number;
  /** Population per method and generation. Defaults to 4 + floor(3 ln n) of each method's n. */
  readonly popsize?: number;
}

/**
 * The search over a categorical merge method: one optimiser per method, with generations shared
 * out by successive halving (Jamieson & Talwalkar 2016, arXiv:1502.07943):
 *
 * - rung 0: every method runs one generation (the first generation is split evenly);
 * - rung r lasts 2^r portfolio generations, in each of which every surviving method runs one
 *   generation of its own optimiser;
 * - at the end of a rung the better half (rounded up) by best loss so far survives; ties go to
 *   the method listed first. With one survivor left, it gets every later generation.
 *
 * So the budget per rung stays roughly constant while it concentrates on the methods whose best
 * candidates are better. Rank-based, like CMA-ES itself, so the loss scale does not matter (a
 * UCB rule would need one). A method with no searched dimension is evaluated once and then
 * keeps that result (it can still be the best) without taking a survivor's slot. Deterministic:
 * the state is the children's state plus the rung.
 */
export interface MethodPortfolio {
  /** This portfolio generation's candidates; empty only when every method had nothing to search (the search is over). */
  ask(): PortfolioCandidate[];
  /** Results for exactly what `ask()` returned, in order (see `Optimiser.tell`). */
  tell(candidates: readonly PortfolioCandidate[], losses: readonly number[]): void;
  readonly generation: number;
  readonly evaluations: number;
  /** Methods that get candidates in the current rung. */
  readonly survivors: readonly string[];
  snapshot(): OptimiserState;
  best(): { method: string; x: readonly number[]; loss: number };
  /** Each method's own best so far (Infinity before its first result). */
  bestByMethod(): Record<string, { x: readonly number[]; loss: number }>;
}

export const portfolioSnapshotSchema = z.strictObject({
  kind: z.literal("portfolio"),
  version: z.literal(1),
  methods: z.array(z.string()).min(1),
  generation: z.number().int().min(0),
  evaluations: z.number().int().min(0),
  rung: z.number().int().min(0),
  generationInRung: z.number().int().min(0),
  survivors: z.array(z.string()),
  exhausted: z.array(z.string()),
  children: z.record(z.string(), z.looseObject({ kind: z.string() })),
});

type State = Omit<z.infer<typeof portfolioSnapshotSchema>, "children"> & { children: Map<string, Optimiser> };

/** A child seed per method: distinct streams, fixed by the portfolio seed and the method's position. */
function childSeed(seed: number, index: number): number {
  return (Math.imul(Math.trunc(seed) >>> 0, 0x9e3779b1) + Math.imul(index + 1, 0x85ebca77)) >>> 0;
}

export function createMethodPortfolio(options: MethodPortfolioOptions): MethodPortfolio {
  const names = options.methods.map((m) => m.name);
  if (names.length === 0) throw new OptimiserError("a method portfolio needs at least one method");
  if (new Set(names).size !== names.length) throw new OptimiserError(`method portfolio lists a method twice: ${names.join(", ")}`);
  const children = new Map<string, Optimiser>();
  options.methods.forEach((m, i) => {
    const seed = childSeed(options.seed, i);
    const child =
      m.dimension === 0 || options.optimiser === "random"
        ? createRandomSearch({ dimension: m.dimension, seed, popsize: m.dimension === 0 ? 1 : options.popsize })
        : createCmaEs({ dimension: m.dimension, seed, x0: m.x0, sigma0: options.sigma0, popsize: options.popsize });
    children.set(m.name, child);
  });
  const zeroDim = options.methods.filter((m) => m.dimension === 0).map((m) => m.name);
  return portfolioFromState(
    { kind: "portfolio", version: 1, methods: names, generation: 0, evaluations: 0, rung: 0, generationInRung: 0, survivors: names, exhausted: [], children },
    new Set(zeroDim),
  );
}

export function restoreMethodPortfolio(snapshot: unknown): MethodPortfolio {
  const parsed = portfolioSnapshotSchema.safeParse(snapshot);
  if (!parsed.success) throw new OptimiserError(`not a method-portfolio snapshot: ${parsed.error.issues[0]?.message} at ${parsed.error.issues[0]?.path.join(".")}`);
  const s = structuredClone(parsed.data);
  const children = new Map<string, Optimiser>();
  for (const name of s.methods) {
    if (!Object.hasOwn(s.children, name)) throw new OptimiserError(`method-portfolio snapshot has no state for method "${name}"`);
    children.set(name, restoreOptimiser(s.children[name]));
  }
  const zeroDim = new Set(s.methods.filter((name) => (s.children[name] as { options?: { dimension?: number } }).options?.dimension === 0));
  return portfolioFromState({ ...s, children }, zeroDim);
}

function portfolioFromState(state: State, zeroDim: ReadonlySet<string>): MethodPortfolio {
  const child = (name: string): Optimiser => state.children.get(name) as Optimiser;
  const active = (): string[] => state.survivors.filter((m) => !state.exhausted.includes(m));
  const bestLoss = (name: string): number => rankableLoss(child(name).best().loss);

  const portfolio: MethodPortfolio = {
    ask() {
      return active().flatMap((method) => child(method).ask().map((x) => ({ method, x })));
    },
    tell(candidates, losses) {
      const methods = active();
      const expected = methods.map((method) => ({ method, xs: child(method).ask() }));
      const total = expected.reduce((n, e) => n + e.xs.length, 0);
      const layout = expected.map((e) => `${e.xs.length} for ${e.method}`).join(", ");
      if (candidates.length !== total || losses.length !== total) {
        throw new OptimiserError(
          `method portfolio generation ${state.generation}: tell() needs the ${total} candidates ask() returned, in order (${layout}), and one loss each; got ${candidates.length} candidates and ${losses.length} losses`,
        );
      }
      // Check every slice before telling any child, so a bad call leaves the state untouched.
      let at = 0;
      const slices = expected.map((e) => {
        const given = candidates.slice(at, at + e.xs.length);
        const slice = { method: e.method, xs: given.map((c) => c.x), losses: losses.slice(at, at + e.xs.length) };
        if (given.some((c) => c.method !== e.method)) {
          throw new OptimiserError(`method portfolio generation ${state.generation}: candidates must come in ask() order (${layout})`);
        }
        checkTell(`method portfolio (${e.method})`, state.generation, e.xs, slice.xs, slice.losses);
        at += e.xs.length;
        return slice;
      });
      for (const s of slices) child(s.method).tell(s.xs, s.losses);
      for (const m of methods) if (zeroDim.has(m)) state.exhausted.push(m);
      state.evaluations += total;
      state.generation += 1;
      state.generationInRung += 1;
      // Methods already exhausted (nothing to search) keep their result in best() but no slot.
      const open = state.survivors.filter((m) => !state.exhausted.includes(m));
      if (open.length < state.survivors.length) state.survivors = open;
      if (state.generationInRung >= 2 ** state.rung && state.survivors.length > 1) {
        const ranked = [...state.survivors].sort((a, b) => bestLoss(a) - bestLoss(b) || state.methods.indexOf(a) - state.methods.indexOf(b));
        state.survivors = ranked.slice(0, Math.ceil(ranked.length / 2)).sort((a, b) => state.methods.indexOf(a) - state.methods.indexOf(b));
        state.rung += 1;
        state.generationInRung = 0;
      }
    },
    get generation() {
      return state.generation;
    },
    get evaluations() {
      return state.evaluations;
    },
    get survivors() {
      return [...state.survivors];
    },
    snapshot(): OptimiserState {
      const { children, ...rest } = state;
      return structuredClone({ ...rest, children: Object.fromEntries([...children].map(([k, c]) => [k, c.snapshot()])) });
    },
    best() {
      let out = { method: state.methods[0], x: child(state.methods[0]).best().x, loss: Number.POSITIVE_INFINITY };
      for (const method of state.methods) {
        const b = child(method).best();
        if (rankableLoss(b.loss) < out.loss) out = { method, x: b.x, loss: b.loss };
      }
      return out;
    },
    bestByMethod() {
      return Object.fromEntries(state.methods.map((m) => [m, child(m).best()]));
    },
  };
  return portfolio;
}
