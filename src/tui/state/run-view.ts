import type { SearchEvent, SearchStage, TaskScore } from "../../index.js";

/** A finished candidate as the live run shows it. */
export interface CandidateView {
  readonly id: string;
  readonly generation: number | undefined;
  readonly method: string | undefined;
  readonly status: "scored" | "failed";
  /** Search (validation) fitness; undefined for a failed candidate. */
  readonly fitness: number | undefined;
  readonly tasks: Readonly<Record<string, TaskScore>>;
  /** Failure phase and reason (failed candidates). */
  readonly failure: { readonly phase: string; readonly reason: string } | undefined;
  /** Held-out (test split) re-score, when it was a finalist. */
  readonly heldout: { readonly fitness: number; readonly tasks: Readonly<Record<string, TaskScore>> } | undefined;
  /** Clock time (ms) it finished; undefined when it finished in an earlier session. */
  readonly finishedAt: number | undefined;
  /** Milliseconds this session had been paused when it finished (active time = finishedAt - this). */
  readonly pausedBefore: number;
}

/** The base or a source model's score. */
export interface ReferenceView {
  readonly model: string;
  readonly role: "base" | "source";
  readonly split: "validation" | "test";
  readonly fitness: number;
  readonly tasks: Readonly<Record<string, TaskScore>>;
}

/** Work in progress: a candidate (or reference, or finalist) being merged, waiting, loaded or scored. */
export interface ActivityView {
  readonly id: string;
  readonly stage: SearchStage;
  readonly phase: "merging" | "merged" | "loading" | "scoring";
  readonly task: string | undefined;
  readonly taskIndex: number | undefined;
  readonly taskCount: number | undefined;
  readonly done: number | undefined;
  readonly total: number | undefined;
  /** Clock time (ms) of its first event. */
  readonly since: number;
}

/** A Hub model being fetched before the run starts (resolved once; a resume re-fetches only a lost pinned commit). */
export interface DownloadView {
  readonly ref: string;
  /** The file being fetched, with bytes on disk so far; undefined while the reference is resolved. */
  readonly file: string | undefined;
  readonly bytes: number;
  readonly size: number;
}

export type Objective = Extract<SearchEvent, { type: "run" }>["objectives"][number];

/**
 * What the live run screen shows, folded from search events by `reduceRunView` (outside React,
 * house style §11). Plain data, replaced (never mutated) on every action.
 */
export interface RunView {
  readonly runId: string | undefined;
  readonly dir: string | undefined;
  readonly resumed: boolean;
  readonly budget: { readonly evaluations?: number; readonly minutes?: number };
  readonly objectives: readonly Objective[];
  /** starting: before the run event; finished: after the finished event (or a crash). */
  readonly stage: "starting" | SearchStage | "finished";
  readonly references: readonly ReferenceView[];
  /** Finished candidates, in the order they finished (earlier sessions' first). */
  readonly candidates: readonly CandidateView[];
  /** Candidates proposed (this session) and not finished yet, in order. */
  readonly queued: readonly string[];
  /** Candidates finished in the whole run (earlier sessions included). */
  readonly done: number;
  /** Finished before this session started. */
  readonly doneAtStart: number;
  /** A Hub download in progress (before the run event), else undefined. */
  readonly download: DownloadView | undefined;
  /** In flight: at most one scored and one merged ahead, by id. */
  readonly activity: readonly ActivityView[];
  /** running; pausing: requested, the current candidate finishes; paused: the loop waits. */
  readonly pause: "running" | "pausing" | "paused";
  /** A candidate merged ahead that waits for the pause to end. */
  readonly waiting: string | undefined;
  /** A graceful stop was requested (the current candidate finishes). */
  readonly stopping: boolean;
  /** Milliseconds paused in this session, and when the current pause began. */
  readonly pausedMs: number;
  readonly pausedSince: number | undefined;
  /** Clock time (ms) of the run event, and of the first search-stage activity. */
  readonly startedAt: number | undefined;
  readonly searchStartedAt: number | undefined;
  /** Active seconds of earlier sessions (from the journal), for a `minutes` budget. */
  readonly earlierSeconds: number;
  readonly finished: { readonly reason: string; readonly best: string | undefined } | undefined;
  /** Set when the search threw: the message to show. */
  readonly crashed: string | undefined;
  /** Clock time (ms) of the latest action. */
  readonly at: number;
}

export const initialRunView: RunView = {
  runId: undefined,
  dir: undefined,
  resumed: false,
  budget: {},
  objectives: [],
  stage: "starting",
  references: [],
  candidates: [],
  queued: [],
  done: 0,
  doneAtStart: 0,
  download: undefined,
  activity: [],
  pause: "running",
  waiting: undefined,
  stopping: false,
  pausedMs: 0,
  pausedSince: undefined,
  startedAt: undefined,
  searchStartedAt: undefined,
  earlierSeconds: 0,
  finished: undefined,
  crashed: undefined,
  at: 0,
};
