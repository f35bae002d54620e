import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { SmeltError } from "../errors.js";
import { scratchRoot } from "../scratch-root.js";
import { createLlamaBackend, loadTask, type EvalBackend, type LoadedTask } from "../eval/index.js";
import { createMergePool } from "../merge/index.js";
import { mergeMethods } from "../methods/index.js";
import { referenceKey, replayState, type CandidateId, type ReplayState, type Run } from "../store/index.js";
import { createSearchOptimiser } from "./create-search-optimiser.js";
import { decodeCandidate } from "./decode-candidate.js";
import type { MethodPortfolio, PortfolioCandidate } from "./method-portfolio.js";
import { mergeCandidate, type MergedCandidate } from "./search-loop/candidate-work.js";
import { drain, EventQueue } from "./search-loop/event-queue.js";
import { finalists } from "./search-loop/finalists.js";
import { liveEvents } from "./search-loop/live-events.js";
import { openSearch } from "./search-loop/open-search.js";
import { referenceGguf } from "./search-loop/reference-gguf.js";
import { pauseGate } from "./search-loop/pause-gate.js";
import { scoreModel, type ModelScore } from "./search-loop/score-model.js";
import type { SearchEvent, SearchStage } from "./search-loop/search-events.js";
import type { SearchOptions } from "./search-loop/search-options.js";
import { earlierSessionsSeconds } from "./search-loop/session-seconds.js";
import type { SearchSpace } from "./search-space.js";

export interface SearchSummary {
  readonly runId: string;
  readonly dir: string;
  readonly reason: "budget" | "time" | "stopped" | "converged";
  readonly evaluations: number;
  readonly best: string | undefined;
}

type MethodTable = Readonly<Record<string, Parameters<typeof decodeCandidate>[1]>>;

/**
 * The search loop (house style §10: the iterator does the work, `search` drains it). It proposes
 * candidates with the space's optimiser, merges each to a GGUF on the worker pool while the
 * previous one is being scored by llama.cpp, journals every step (flushed per entry), and ends by
 * re-scoring the finalists on the held-out split.
 *
 * Resume: the optimiser is a deterministic function of its seed and the results told to it, so a
 * resumed run rebuilds it by replaying the journal generation by generation; candidates the journal
 * already scored (or saw fail) are told from it, never evaluated again, and pending ones are redone.
 *
 * Pause (`options.control`): before anything new starts the loop passes a pause gate; while paused
 * it runs nothing, and the pause is journaled so a `minutes` budget does not count it.
 */
export async function* searchIter(target: { spacePath: string } | { resume: string }, given: SearchOptions = {}): AsyncGenerator<SearchEvent, SearchSummary> {
  const now = given.now ?? (() => performance.now());
  // How candidates are scored goes on record: scores under another KV cache type or item limit are
  // not comparable, so a resume scores as the run started unless told otherwise.
  const scoring = { kvCache: given.kvCache ?? "F16", evalThreads: given.evalThreads ?? 1, limit: given.limit ?? null };
  const open = (emit: (e: SearchEvent) => void) => openSearch({ ...target, runsDir: given.runsDir ?? "runs", runId: given.runId, clock: given.clock, scoring, hub: given.hub, onEvent: emit });
  const opened = yield* liveEvents(open, (o) => o.run.close());
  const { run, space } = opened;
  const options = withRecordedScoring(given, run);
  const tmpRoot = options.tmpDir ?? scratchRoot();
  // A killed session leaves its candidate folder behind; we hold the run's lock, so it is stale.
  // The prefix names the run folder too: runs of one id in two runs folders are different runs.
  const prefix = `smelt-${run.id}-${createHash("sha256").update(resolve(run.dir)).digest("hex").slice(0, 8)}-`;
  for (const stale of await readdir(tmpRoot).catch(() => [] as string[])) {
    if (stale.startsWith(prefix)) await rm(join(tmpRoot, stale), { recursive: true, force: true });
  }
  const tmpDir = await mkdtemp(join(tmpRoot, prefix));
  const pool = options.pool ?? createMergePool(options.mergeThreads ?? 1);
  let backend: EvalBackend | undefined = options.backend;
  const queue = new EventQueue();
  const emit = (e: SearchEvent) => queue.push(e);
  try {
    backend ??= await createLlamaBackend({ threads: options.evalThreads ?? 1, kvCache: options.kvCache });
    const tasks = await Promise.all(space.objectives.map((o) => loadTask(o.task)));
    let state = replayState(run.entries, run.files.journal);
    const done0 = state.scored.size + state.failed.size;
    const objectives = space.objectives.map((o) => ({ task: o.taskName, metric: o.metric, weight: o.weight, direction: o.direction }));
    yield { type: "run", runId: run.id, dir: run.dir, resumed: opened.resumed, budget: space.budget, done: done0, objectives };

    const ctx: LoopContext = { run, space, tasks, backend, pool, tmpDir, options, now, emit, methods: mergeMethods as unknown as MethodTable };
    const gate = (waiting?: string) => drain(queue, pauseGate({ control: options.control, signal: options.signal, run, now, waiting }));
    references: for (const split of ["validation", "test"] as const) {
      for (const ref of referenceModels(space)) {
        yield* gate();
        if (options.signal?.aborted) break references;
        yield* drain(queue, scoreReference(ctx, state, ref, split));
      }
    }
    state = replayState(run.entries, run.files.journal);

    const elapsedBefore = earlierSessionsSeconds(run.entries);
    const started = now();
    let pausedMs = 0;
    /** Why no further candidate may start, if one may not; `queued` are proposed and still to run. */
    const budgetLeft = (queued: number): "budget" | "time" | undefined => {
      const s = replayState(run.entries, run.files.journal);
      if (space.budget.evaluations !== undefined && s.scored.size + s.failed.size + queued >= space.budget.evaluations) return "budget";
      if (space.budget.minutes !== undefined && elapsedBefore + (now() - started - pausedMs) / 1000 >= space.budget.minutes * 60) return "time";
      return undefined;
    };
    let reason: SearchSummary["reason"] | undefined = state.finished?.reason;
    const optimiser = createSearchOptimiser(space);
    let nextIndex = 0;
    let bestFitness = Math.max(-Infinity, ...[...state.scored.values()].map((s) => s.fitness));
    while (reason === undefined) {
      const batch = optimiser.ask();
      if (batch.length === 0) {
        reason = "converged";
        break;
      }
      const losses: number[] = [];
      const work: { index: number; id: CandidateId; candidate: PortfolioCandidate }[] = [];
      for (const candidate of batch) {
        const id = candidateId(nextIndex++);
        state = replayState(run.entries, run.files.journal);
        const known = state.proposed.get(id);
        if (known) {
          if (known.method !== candidate.method || !sameVector(known.x, candidate.x)) {
            throw new SmeltError("resume", `the journal's candidate ${id} (${known.method}) is not what the optimiser proposes on replay (${candidate.method}); was the search space or smelt changed?`);
          }
          const scored = state.scored.get(id);
          if (scored) {
            losses.push(-scored.fitness);
            continue;
          }
          if (state.failed.has(id)) {
            losses.push(Number.POSITIVE_INFINITY);
            continue;
          }
        } else {
          const stop = options.signal?.aborted ? "stopped" : budgetLeft(work.length);
          if (stop) {
            reason = stop;
            break;
          }
          const recipe = decodeCandidate(space, ctx.methods[candidate.method], candidate.x);
          await run.append({ kind: "candidate-proposed", id, generation: optimiser.generation, method: candidate.method, x: [...candidate.x], recipe });
          yield { type: "proposed", id, generation: optimiser.generation, method: candidate.method };
        }
        losses.push(Number.NaN); // filled in below
        work.push({ index: losses.length - 1, id, candidate });
      }
      // Merge the next candidate while the current one is scored (unless a pause is requested).
      let pendingMerge: Promise<MergedCandidate> | undefined;
      for (let w = 0; w < work.length; w++) {
        pausedMs += yield* gate(pendingMerge === undefined ? undefined : work[w].id);
        if (options.signal?.aborted) {
          // Stop after the current candidate: the one merged ahead is dropped (it stays pending).
          if (pendingMerge) {
            const next = await settle(pendingMerge);
            if (next.ok) await rm(next.value.path, { force: true });
          }
          reason = "stopped";
          break;
        }
        const current = await settle(pendingMerge ?? startMerge(ctx, work[w].id, "search"));
        pendingMerge = w + 1 < work.length && !options.control?.paused ? startMerge(ctx, work[w + 1].id, "search") : undefined;
        const outcome = yield* drain(queue, finishCandidate(ctx, work[w].id, current));
        losses[work[w].index] = outcome === undefined ? Number.POSITIVE_INFINITY : -outcome.fitness;
        if (outcome) {
          const done = doneCount(run);
          const isBest = outcome.fitness > bestFitness;
          if (isBest) bestFitness = outcome.fitness;
          yield { type: "scored", id: work[w].id, generation: optimiser.generation, method: work[w].candidate.method, fitness: outcome.fitness, tasks: outcome.tasks, seconds: outcome.seconds, best: isBest, done };
          await keepBest(ctx, work[w].id, current);
        } else {
          const failed = replayState(run.entries, run.files.journal).failed.get(work[w].id)!;
          yield { type: "failed", id: work[w].id, phase: failed.phase, reason: failed.reason, done: doneCount(run) };
        }
        if (current.ok) await rm(current.value.path, { force: true });
      }
      if (reason !== undefined) break;
      optimiser.tell(batch, losses);
      await run.saveOptimiser(optimiser.snapshot());
    }

    if (reason !== "stopped") {
      for (const id of finalists(replayState(run.entries, run.files.journal), space.heldout.finalists)) {
        yield* gate();
        if (options.signal?.aborted) {
          reason = "stopped";
          break;
        }
        yield* drain(queue, scoreHeldout(ctx, id));
      }
    }
    const final = replayState(run.entries, run.files.journal);
    if (!final.finished) await run.append({ kind: "run-finished", reason });
    const best = bestCandidate(final);
    yield { type: "finished", reason, runId: run.id, dir: run.dir, best };
    return { runId: run.id, dir: run.dir, reason, evaluations: final.scored.size + final.failed.size, best };
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
    if (!options.pool) await pool.dispose();
    if (!options.backend && backend) await backend.dispose();
    await run.close();
  }
}

/** Options a resume leaves unset take the values the run started with (run-started settings). */
function withRecordedScoring(options: SearchOptions, run: Run): SearchOptions {
  const first = run.entries[0];
  const recorded = first?.kind === "run-started" ? first.settings : undefined;
  if (!recorded) return options;
  const kvCache = recorded.kvCache === "F32" || recorded.kvCache === "F16" ? recorded.kvCache : undefined;
  const limit = typeof recorded.limit === "number" ? recorded.limit : undefined;
  const evalThreads = typeof recorded.evalThreads === "number" ? recorded.evalThreads : undefined;
  return { ...options, kvCache: options.kvCache ?? kvCache, limit: options.limit ?? limit, evalThreads: options.evalThreads ?? evalThreads };
}

/** Runs a search to its end, handing each event to `onEvent`. */
export async function search(target: { spacePath: string } | { resume: string }, options: SearchOptions & { onEvent?: (e: SearchEvent) => void } = {}): Promise<SearchSummary> {
  const iterator = searchIter(target, options);
  for (;;) {
    const next = await iterator.next();
    if (next.done) return next.value;
    options.onEvent?.(next.value);
  }
}

interface LoopContext {
  readonly run: Run;
  readonly space: SearchSpace;
  readonly tasks: readonly LoadedTask[];
  readonly backend: EvalBackend;
  readonly pool: ReturnType<typeof createMergePool>;
  readonly tmpDir: string;
  readonly options: SearchOptions;
  readonly now: () => number;
  readonly emit: (e: SearchEvent) => void;
  readonly methods: MethodTable;
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  return p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
}

function startMerge(ctx: LoopContext, id: CandidateId, stage: SearchStage): Promise<MergedCandidate> {
  const proposed = replayState(ctx.run.entries, ctx.run.files.journal).proposed.get(id)!;
  const p = mergeCandidate({ id, stage, recipe: proposed.recipe, space: ctx.space, tmpDir: ctx.tmpDir, pool: ctx.pool, emit: ctx.emit, now: ctx.now, hub: ctx.options.hub });
  p.catch(() => {});
  return p;
}

/** Journals the merge and the score of one candidate; a failure anywhere is journaled, not thrown. */
async function* finishCandidate(ctx: LoopContext, id: CandidateId, merged: Settled<MergedCandidate>): AsyncGenerator<SearchEvent, (ModelScore & { seconds: { merge: number; write: number; load: number; score: number } }) | undefined> {
  if (!merged.ok) {
    await ctx.run.append({ kind: "candidate-failed", id, phase: "merge", reason: errorText(merged.error) });
    return undefined;
  }
  const m = merged.value;
  await ctx.run.append({ kind: "candidate-merged", id, seconds: m.seconds, bytes: m.bytes });
  const limit = ctx.options.candidateTimeoutSeconds;
  try {
    const score = await scoreModel({
      backend: ctx.backend, path: m.path, tasks: ctx.tasks, objectives: ctx.space.objectives, split: "validation", limit: ctx.options.limit,
      id, stage: "search", emit: ctx.emit, now: ctx.now, deadline: limit === undefined ? undefined : ctx.now() + limit * 1000,
    });
    await ctx.run.append({ kind: "candidate-scored", id, split: "validation", tasks: score.tasks, fitness: score.fitness, seconds: score.seconds });
    return { ...score, seconds: { ...m.seconds, ...score.seconds } };
  } catch (error) {
    const phase = error instanceof SmeltError && error.code === "eval-backend" ? "load" : "score";
    await ctx.run.append({ kind: "candidate-failed", id, phase, reason: errorText(error) });
    return undefined;
  }
}

async function* scoreReference(ctx: LoopContext, state: ReplayState, ref: { model: string; label: string; role: "base" | "source" }, split: "validation" | "test"): AsyncGenerator<SearchEvent, void> {
  const cached = state.references.get(referenceKey(ref.label, split));
  if (cached) {
    yield { type: "reference", model: ref.label, role: ref.role, split, fitness: cached.fitness ?? Number.NaN, tasks: cached.tasks, cached: true };
    return;
  }
  const path = await referenceGguf(ref, ctx.run.dir, ctx.space.out_type, ctx.options.hub);
  const score = await scoreModel({ backend: ctx.backend, path, tasks: ctx.tasks, objectives: ctx.space.objectives, split, limit: ctx.options.limit, id: ref.label, stage: "reference", emit: ctx.emit, now: ctx.now });
  await ctx.run.append({ kind: "reference-scored", model: ref.label, role: ref.role, split, tasks: score.tasks, fitness: score.fitness });
  yield { type: "reference", model: ref.label, role: ref.role, split, fitness: score.fitness, tasks: score.tasks, cached: false };
}

async function* scoreHeldout(ctx: LoopContext, id: CandidateId): AsyncGenerator<SearchEvent, void> {
  const kept = ctx.run.candidatePath(id);
  let path = kept;
  let temp: string | undefined;
  try {
    if (!existsSync(kept)) {
      const m = await startMerge(ctx, id, "heldout");
      path = temp = m.path;
    }
    const score = await scoreModel({ backend: ctx.backend, path, tasks: ctx.tasks, objectives: ctx.space.objectives, split: "test", limit: ctx.options.limit, id, stage: "heldout", emit: ctx.emit, now: ctx.now });
    await ctx.run.append({ kind: "heldout-scored", id, split: "test", tasks: score.tasks, fitness: score.fitness, seconds: score.seconds });
    yield { type: "heldout", id, fitness: score.fitness, tasks: score.tasks };
  } catch (error) {
    await ctx.run.append({ kind: "candidate-failed", id, phase: "heldout", reason: errorText(error) });
  } finally {
    if (temp) await rm(temp, { force: true });
  }
}

/** Keeps the best `keep` candidates' GGUFs in the run folder, dropping the ones pushed out. */
async function keepBest(ctx: LoopContext, id: CandidateId, merged: Settled<MergedCandidate>): Promise<void> {
  const keep = ctx.options.keep ?? 0;
  if (keep <= 0 || !merged.ok) return;
  const ranked = [...replayState(ctx.run.entries, ctx.run.files.journal).scored.values()].sort((a, b) => b.fitness - a.fitness).map((s) => s.id);
  const top = new Set(ranked.slice(0, keep));
  if (top.has(id)) {
    await mkdir(ctx.run.files.candidates, { recursive: true });
    await copyFile(merged.value.path, ctx.run.candidatePath(id));
  }
  for (const other of ranked.slice(keep)) await rm(ctx.run.candidatePath(other), { force: true });
}

/** The base and the source models, labelled as the space names them (the base by its file name, a Hub base by its name without the pinned commit). */
function referenceModels(space: SearchSpace): { model: string; label: string; role: "base" | "source" }[] {
  const base = space.base_model ? [{ model: space.base_model, label: basename(space.base_model).replace(/@[0-9a-f]{40}$/, ""), role: "base" as const }] : [];
  return [...base, ...space.models.map((m) => ({ model: m.model, label: m.name, role: "source" as const }))];
}

function candidateId(index: number): CandidateId {
  return `c${String(index + 1).padStart(4, "0")}` as CandidateId;
}

function sameVector(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function doneCount(run: Run): number {
  const s = replayState(run.entries, run.files.journal);
  return s.scored.size + s.failed.size;
}

function bestCandidate(state: ReplayState): string | undefined {
  let best: { id: string; fitness: number } | undefined;
  for (const s of state.scored.values()) if (!best || s.fitness > best.fitness) best = { id: s.id, fitness: s.fitness };
  return best?.id;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

