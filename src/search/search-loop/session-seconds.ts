import type { JournalEntry } from "../../store/index.js";

/**
 * Active wall time spent by the earlier sessions of a run, from the journal's timestamps: each
 * session runs from its run-started / run-resumed to its last entry, minus the spans it was
 * paused (run-paused to run-unpaused, or to the session's end). This is what a `minutes` budget
 * has used up. The last session is the one just starting: its time is measured live.
 */
export function earlierSessionsSeconds(entries: readonly JournalEntry[]): number {
  let total = 0;
  let sessionStart: number | undefined;
  let pausedAt: number | undefined;
  let pausedMs = 0;
  let last: number | undefined;
  const closeSession = () => {
    if (sessionStart === undefined || last === undefined) return;
    if (pausedAt !== undefined) pausedMs += last - pausedAt;
    total += Math.max(0, last - sessionStart - pausedMs) / 1000;
  };
  for (const e of entries) {
    const t = Date.parse(e.at);
    if (e.kind === "run-started" || e.kind === "run-resumed") {
      closeSession();
      sessionStart = t;
      pausedAt = undefined;
      pausedMs = 0;
    } else if (e.kind === "run-paused") {
      pausedAt = t;
    } else if (e.kind === "run-unpaused" && pausedAt !== undefined) {
      pausedMs += t - pausedAt;
      pausedAt = undefined;
    }
    last = t;
  }
  return total;
}
