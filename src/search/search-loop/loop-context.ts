import type { EvalBackend, LoadedTask } from "../../eval/index.js";
import type { createMergePool } from "../../merge/index.js";
import { replayState, type CandidateId, type Run } from "../../store/index.js";
import type { decodeCandidate } from "../decode-candidate.js";
import type { SearchSpace } from "../search-space.js";
import { mergeCandidate, type MergedCandidate } from "./candidate-work.js";
import type { SearchEvent, SearchStage } from "./search-events.js";
import type { SearchOptions } from "./search-options.js";

export type MethodTable = Readonly<Record<string, Parameters<typeof decodeCandidate>[1]>>;

/** What the loop's steps share: the run, the space, the scorer, the merge pool and where candidates go. */
export interface LoopContext {
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

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  return p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
}

/** Starts merging a proposed candidate (its recipe from the journal); a failure is kept for the caller. */
export function startMerge(ctx: LoopContext, id: CandidateId, stage: SearchStage): Promise<MergedCandidate> {
  const proposed = replayState(ctx.run.entries, ctx.run.files.journal).proposed.get(id)!;
  const p = mergeCandidate({ id, stage, recipe: proposed.recipe, space: ctx.space, tmpDir: ctx.tmpDir, pool: ctx.pool, emit: ctx.emit, now: ctx.now, hub: ctx.options.hub });
  p.catch(() => {});
  return p;
}


export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
