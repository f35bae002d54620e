import { paretoFront as paretoMask } from "../store/pareto-front.js";

/** A scored candidate for Pareto analysis: every objective oriented so that higher is better. */
export interface ParetoPoint<Id = string> {
  readonly id: Id;
  readonly objectives: readonly number[];
}

/**
 * Ids of the non-dominated points (the Pareto front), in input order. The dominance rule is the
 * store's (`store/pareto-front.ts`), so the finalists the search picks and the front the
 * leaderboard shows are the same set: equal points do not dominate each other (duplicates all
 * stay), and a NaN objective (a task that failed) counts as the worst possible value.
 */
export function paretoFront<Id>(points: readonly ParetoPoint<Id>[]): Id[] {
  const onFront = paretoMask(points.map((p) => p.objectives));
  return points.filter((_, i) => onFront[i]).map((p) => p.id);
}
