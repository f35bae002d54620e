import { candidateId, earlierSessionsSeconds, replayState, type JournalEntry } from "../../index.js";
import type { CandidateView } from "./run-view.js";

/**
 * The candidates a resumed run finished in earlier sessions, from its journal, in the order they
 * finished, plus the active seconds those sessions spent (for a `minutes` budget).
 */
export function historyFromJournal(entries: readonly JournalEntry[]): { candidates: CandidateView[]; earlierSeconds: number } {
  const state = replayState(entries);
  const order = new Map<string, number>();
  for (const e of entries) {
    if (e.kind === "candidate-scored" || (e.kind === "candidate-failed" && e.phase !== "heldout")) order.set(e.id, e.seq);
  }
  const candidates: CandidateView[] = [...order.keys()].map((id) => {
    const key = candidateId(id);
    const proposal = state.proposed.get(key);
    const scored = state.scored.get(key);
    const failure = state.failed.get(key);
    const failed = failure?.phase === "heldout" ? undefined : failure;
    const heldout = state.heldout.get(key);
    return {
      id,
      generation: proposal?.generation,
      method: proposal?.method,
      status: scored ? "scored" : "failed",
      fitness: scored?.fitness,
      tasks: scored?.tasks ?? {},
      failure: failed ? { phase: failed.phase, reason: failed.reason } : undefined,
      heldout: heldout ? { fitness: heldout.fitness, tasks: heldout.tasks } : undefined,
      finishedAt: undefined,
      pausedBefore: 0,
    };
  });
  return { candidates, earlierSeconds: earlierSessionsSeconds(entries) };
}
