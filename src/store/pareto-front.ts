/**
 * Marks the non-dominated points of a maximisation problem: point a dominates b when a is at least
 * as good on every objective and strictly better on one. Equal points do not dominate each other,
 * so ties are all on the front. Missing objectives (NaN, undefined) count as the worst possible.
 * O(n² · k): a run has at most a few thousand candidates and a handful of tasks.
 */
export function paretoFront(points: readonly (readonly (number | undefined)[])[]): boolean[] {
  const clean = points.map((p) => p.map((v) => (v === undefined || Number.isNaN(v) ? -Infinity : v)));
  const dominates = (a: readonly number[], b: readonly number[]): boolean => {
    let strictly = false;
    const k = Math.max(a.length, b.length);
    for (let i = 0; i < k; i++) {
      const x = a[i] ?? -Infinity;
      const y = b[i] ?? -Infinity;
      if (x < y) return false;
      if (x > y) strictly = true;
    }
    return strictly;
  };
  return clean.map((p, i) => !clean.some((q, j) => j !== i && dominates(q, p)));
}
