/** A scored candidate for Pareto analysis: every objective oriented so that higher is better. */
export interface ParetoPoint<Id = string> {
  readonly id: Id;
  readonly objectives: readonly number[];
}

/** Whether `a` dominates `b`: at least as good on every objective and better on one. */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] < b[i]) return false;
    if (a[i] > b[i]) better = true;
  }
  return better;
}

/**
 * Ids of the non-dominated points (the Pareto front), in input order. Points with equal
 * objective vectors do not dominate each other, so duplicates all stay on the front. A point with
 * a NaN objective is never on the front (it failed to score). O(n² m): fronts here are over at
 * most a few thousand candidates.
 */
export function paretoFront<Id>(points: readonly ParetoPoint<Id>[]): Id[] {
  const m = points[0]?.objectives.length ?? 0;
  for (const p of points) {
    if (p.objectives.length !== m) {
      throw new RangeError(`every point needs ${m} objectives; ${String(p.id)} has ${p.objectives.length}`);
    }
  }
  const valid = points.filter((p) => p.objectives.every((v) => !Number.isNaN(v)));
  return valid.filter((p) => !valid.some((q) => q !== p && dominates(q.objectives, p.objectives))).map((p) => p.id);
}
