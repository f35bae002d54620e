import type { CandidateId, JournalEntry, ReferenceScoredEntry, ScoreSplit, TaskScore } from "./journal-entry.js";
import { paretoFront } from "./pareto-front.js";
import { replayState } from "./replay-state.js";
import { RunStoreError } from "./run-store-error.js";

/** One scored candidate. `tasks` and `fitness` are the search score (normally validation). */
export interface LeaderboardRow {
  readonly kind: "candidate";
  /** 1 = best fitness, whatever the display order. */
  readonly rank: number;
  readonly id: CandidateId;
  readonly generation: number;
  readonly method: string;
  readonly split: ScoreSplit;
  readonly fitness: number;
  readonly tasks: Readonly<Record<string, TaskScore>>;
  /** Held-out (test split) re-evaluation, when the candidate was a finalist. */
  readonly heldout: { readonly fitness: number; readonly tasks: Readonly<Record<string, TaskScore>> } | undefined;
  /** Why the held-out evaluation failed, when it did. */
  readonly heldoutFailure: string | undefined;
  /** Non-dominated on the per-task search scores among all scored candidates. */
  readonly pareto: boolean;
}

/** The base model or a source model, scored like a candidate so merges can be compared with it. */
export interface ReferenceRow {
  readonly kind: "reference";
  readonly model: string;
  readonly role: ReferenceScoredEntry["role"];
  readonly split: ScoreSplit;
  readonly fitness: number | undefined;
  readonly tasks: Readonly<Record<string, TaskScore>>;
}

export interface Leaderboard {
  readonly runId: string;
  /** Task names in order of first appearance. */
  readonly tasks: readonly string[];
  /** "fitness" or the task the rows are sorted by. */
  readonly sortedBy: string;
  readonly candidates: readonly LeaderboardRow[];
  readonly references: readonly ReferenceRow[];
  readonly counts: { readonly proposed: number; readonly scored: number; readonly failed: number; readonly pending: number };
  /** Set when the run has finished. */
  readonly finished: string | undefined;
}

export interface LeaderboardOptions {
  /** Sort candidates by this task's search score instead of fitness (best first). */
  readonly sort?: string;
  /** Keep only the first N candidates after sorting. Defaults to all. References are always kept. */
  readonly top?: number;
}

function better(a: TaskScore | undefined, b: TaskScore | undefined): number {
  if (a === undefined || b === undefined) return (a === undefined ? 1 : 0) - (b === undefined ? 1 : 0);
  return a.higherIsBetter ? b.value - a.value : a.value - b.value;
}

/**
 * The leaderboard, derived from the journal (never stored): scored candidates ranked by fitness
 * (higher is better; ties keep proposal order), with held-out scores beside them when present,
 * the Pareto front across tasks marked, and the reference models listed separately.
 */
export function leaderboard(entries: readonly JournalEntry[], options: LeaderboardOptions = {}): Leaderboard {
  const state = replayState(entries);
  const tasks: string[] = [];
  const direction = new Map<string, boolean>();
  const noteTasks = (scores: Readonly<Record<string, TaskScore>>) => {
    for (const [task, score] of Object.entries(scores)) {
      if (!direction.has(task)) {
        tasks.push(task);
        direction.set(task, score.higherIsBetter);
      }
    }
  };
  for (const entry of state.scored.values()) noteTasks(entry.tasks);
  for (const entry of state.references.values()) noteTasks(entry.tasks);

  const scored = [...state.scored.values()];
  const front = paretoFront(
    scored.map((s) => tasks.map((t) => (s.tasks[t] === undefined ? undefined : direction.get(t) === false ? -s.tasks[t].value : s.tasks[t].value))),
  );
  const byFitness = scored.map((s, i) => ({ s, pareto: front[i] })).sort((a, b) => b.s.fitness - a.s.fitness);
  let rows: LeaderboardRow[] = byFitness.map(({ s, pareto }, i) => {
    const proposal = state.proposed.get(s.id);
    const heldout = state.heldout.get(s.id);
    const failure = state.failed.get(s.id);
    return {
      kind: "candidate",
      rank: i + 1,
      id: s.id,
      generation: proposal?.generation ?? 0,
      method: proposal?.method ?? "?",
      split: s.split,
      fitness: s.fitness,
      tasks: s.tasks,
      heldout: heldout === undefined ? undefined : { fitness: heldout.fitness, tasks: heldout.tasks },
      heldoutFailure: failure?.phase === "heldout" ? failure.reason : undefined,
      pareto,
    };
  });
  if (options.sort !== undefined && options.sort !== "fitness") {
    const task = options.sort;
    if (!direction.has(task)) {
      throw new RunStoreError(state.started.runId, `no task "${task}" to sort by; this run scored: ${tasks.join(", ") || "(nothing yet)"}, or fitness`);
    }
    rows = [...rows].sort((a, b) => better(a.tasks[task], b.tasks[task]) || a.rank - b.rank);
  }
  if (options.top !== undefined) rows = rows.slice(0, Math.max(0, options.top));

  const references: ReferenceRow[] = [...state.references.values()]
    .sort((a, b) => (a.role === b.role ? 0 : a.role === "base" ? -1 : 1))
    .map((r) => ({ kind: "reference", model: r.model, role: r.role, split: r.split, fitness: r.fitness, tasks: r.tasks }));
  return {
    runId: state.started.runId,
    tasks,
    sortedBy: options.sort ?? "fitness",
    candidates: rows,
    references,
    counts: { proposed: state.proposed.size, scored: state.scored.size, failed: [...state.failed.values()].filter((f) => f.phase !== "heldout").length, pending: state.pending.length },
    finished: state.finished?.reason,
  };
}
