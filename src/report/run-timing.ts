import type { JournalEntry } from "../store/index.js";

/** Where a run's time went, from the journal's timestamps and the seconds its entries record. */
export interface RunTiming {
  readonly startedAt: string;
  readonly lastAt: string;
  /** Sessions: the first start plus one per resume. */
  readonly sessions: number;
  /** Wall time summed over sessions (each from its start to its last entry): idle time between sessions excluded. */
  readonly wallSeconds: number;
  /** Seconds recorded by candidate entries: merging, writing the GGUF, loading it, scoring it (search and held-out). */
  readonly merge: number;
  readonly write: number;
  readonly load: number;
  readonly score: number;
}

/** Sums a journal's timing (see RunTiming). `entries` must be non-empty (openRun guarantees it). */
export function runTiming(entries: readonly JournalEntry[]): RunTiming {
  let sessions = 0;
  let wall = 0;
  let sessionStart = Number.NaN;
  let last = Number.NaN;
  const totals = { merge: 0, write: 0, load: 0, score: 0 };
  for (const entry of entries) {
    const t = Date.parse(entry.at);
    if (entry.kind === "run-started" || entry.kind === "run-resumed") {
      if (sessions > 0) wall += last - sessionStart;
      sessions++;
      sessionStart = t;
    }
    last = t;
    if (entry.kind === "candidate-merged") {
      totals.merge += entry.seconds.merge;
      totals.write += entry.seconds.write;
    } else if (entry.kind === "candidate-scored" || entry.kind === "heldout-scored") {
      totals.load += entry.seconds.load;
      totals.score += entry.seconds.score;
    }
  }
  if (sessions > 0) wall += last - sessionStart;
  return { startedAt: entries[0].at, lastAt: entries[entries.length - 1].at, sessions, wallSeconds: Math.max(0, wall / 1000), ...totals };
}
