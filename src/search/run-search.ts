import { rm } from "node:fs/promises";
import { SmeltError } from "../errors.js";
import { createLlamaBackend, loadTask, type EvalBackend } from "../eval/index.js";
import { createMergePool } from "../merge/index.js";
import { mergeMethods } from "../methods/index.js";
import { scratchRoot } from "../scratch-root.js";
import { replayState, type CandidateId, type ReplayState, type Run } from "../store/index.js";
import { createSearchOptimiser } from "./create-search-optimiser.js";
import { decodeCandidate } from "./decode-candidate.js";
import type { PortfolioCandidate } from "./method-portfolio.js";
import type { MergedCandidate } from "./search-loop/candidate-work.js";
import { openCandidateScratch } from "./search-loop/candidate-scratch.js";
import { drain, EventQueue } from "./search-loop/event-queue.js";
import { finalists } from "./search-loop/finalists.js";
import { finishCandidate } from "./search-loop/finish-candidate.js";
import { keepBest } from "./search-loop/keep-best.js";
import { liveEvents } from "./search-loop/live-events.js";
import { settle, startMerge, type LoopContext, type MethodTable } from "./search-loop/loop-context.js";
import { openSearch } from "./search-loop/open-search.js";
import { pauseGate } from "./search-loop/pause-gate.js";
import { scoreHeldout } from "./search-loop/score-heldout.js";
import { referenceModels, scoreReference } from "./search-loop/score-reference.js";
import type { SearchEvent } from "./search-loop/search-events.js";
import type { SearchOptions } from "./search-loop/search-options.js";
import { earlierSessionsSeconds } from "./search-loop/session-seconds.js";

export interface SearchSummary {
  readonly runId: string;
  readonly dir: string;
  readonly reason: "budget" | "time" | "stopped" | "converged";
  readonly evaluations: number;
  readonly best: string | undefined;
}

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
  const tmpDir = await openCandidateScratch(run, options.tmpDir ?? scratchRoot());
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

