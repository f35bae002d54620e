import type { PullEvent } from "../../hub/pull-events.js";
import type { TaskScore } from "../../store/journal-entry.js";

/**
 * Which part of a search a phase belongs to: scoring the base and source models, searching
 * (validation split), or re-scoring finalists on held-out items (test split).
 */
export type SearchStage = "reference" | "search" | "heldout";

/**
 * What a running search reports (house style §6, §10). The CLI's line and JSONL reporters and the
 * TUI are views over this one stream. Plain, JSON-serialisable data.
 */
export type SearchEvent =
  | {
      readonly type: "run";
      readonly runId: string;
      readonly dir: string;
      readonly resumed: boolean;
      readonly budget: { readonly evaluations?: number; readonly minutes?: number };
      /** Candidates already finished (scored or failed) before this session. */
      readonly done: number;
      /** The objectives, in the space's order (task names as scores are keyed). */
      readonly objectives: readonly { readonly task: string; readonly metric: string; readonly weight: number; readonly direction: "maximize" | "minimize" }[];
    }
  | { readonly type: "reference"; readonly model: string; readonly role: "base" | "source"; readonly split: "validation" | "test"; readonly fitness: number; readonly tasks: Readonly<Record<string, TaskScore>>; readonly cached: boolean }
  /**
   * A Hub reference of the space (`org/name[@rev]`) being resolved into the HF cache: a new run
   * resolves each once, before its "run" event, and records the commit; a resume uses the recorded
   * commit (`pinned`), from the cache when it is there. `pull` is the download's own progress
   * (`resolved`, `file-start`, throttled `file-progress`, `file-done`, `warning`, `pulled`).
   */
  | { readonly type: "download"; readonly ref: string; readonly pinned: boolean; readonly pull: PullEvent }
  | { readonly type: "proposed"; readonly id: string; readonly generation: number; readonly method: string }
  | {
      readonly type: "phase";
      /** A candidate id, or a reference model's label. */
      readonly id: string;
      readonly stage: SearchStage;
      /** `merged`: the GGUF is written and waits to be scored (merges run one candidate ahead). */
      readonly phase: "merging" | "merged" | "loading" | "scoring";
      readonly task?: string;
      readonly taskIndex?: number;
      readonly taskCount?: number;
      readonly done?: number;
      readonly total?: number;
    }
  | {
      readonly type: "scored";
      readonly id: string;
      readonly generation: number;
      readonly method: string;
      readonly fitness: number;
      readonly tasks: Readonly<Record<string, TaskScore>>;
      readonly seconds: { readonly merge: number; readonly write: number; readonly load: number; readonly score: number };
      /** Whether it is the best fitness so far. */
      readonly best: boolean;
      /** Candidates finished so far in the run (this one included). */
      readonly done: number;
    }
  | { readonly type: "failed"; readonly id: string; readonly phase: string; readonly reason: string; readonly done: number }
  | { readonly type: "heldout"; readonly id: string; readonly fitness: number; readonly tasks: Readonly<Record<string, TaskScore>> }
  /**
   * The loop reached a pause point while paused (SearchOptions.control) and waits: nothing runs.
   * `waiting` is a candidate merged ahead of time, scored after the resume.
   */
  | { readonly type: "paused"; readonly waiting: string | undefined }
  /** The pause ended: resumed, or `stopping` when the search was stopped while paused. */
  | { readonly type: "resumed"; readonly seconds: number; readonly stopping: boolean }
  | { readonly type: "finished"; readonly reason: "budget" | "time" | "stopped" | "converged"; readonly runId: string; readonly dir: string; readonly best: string | undefined };
