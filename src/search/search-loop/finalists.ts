import type { CandidateId, ReplayState } from "../../store/index.js";
import { paretoFront } from "../pareto-front.js";

/**
 * Which candidates are re-scored on the held-out split: every candidate on the Pareto front of
 * per-task validation scores, plus the best `count` by fitness (so a single-objective run still
 * gets a few finalists), minus those already held-out scored. Selection by the best validation
 * score is biased upward (the winner's curse, FIELD-NOTES §3): the held-out score is the honest one.
 */
export function finalists(state: ReplayState, count: number): CandidateId[] {
  const scored = [...state.scored.values()];
  const front = paretoFront(
    scored.map((s) => ({
      id: s.id,
      objectives: Object.values(s.tasks).map((t) => (t.higherIsBetter ? t.value : -t.value)),
    })),
  );
  const byFitness = [...scored].sort((a, b) => b.fitness - a.fitness).slice(0, count).map((s) => s.id);
  const chosen = [...new Set([...byFitness, ...front])];
  return chosen.filter((id) => !state.heldout.has(id));
}
