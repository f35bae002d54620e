import { OptimiserError } from "./optimiser-error.js";

/**
 * Checks that `tell` got results for exactly the pending generation: same count, same points in
 * the same order (compared exactly: JSON round trips preserve doubles), and one loss per point.
 * Anything else means the journal and the optimiser disagree, and replaying would silently
 * produce a different search.
 */
export function checkTell(
  who: string,
  generation: number,
  asked: readonly (readonly number[])[],
  xs: readonly (readonly number[])[],
  losses: readonly number[],
): void {
  if (xs.length !== asked.length || losses.length !== asked.length) {
    throw new OptimiserError(
      `${who} generation ${generation}: tell() needs all ${asked.length} candidates of the generation and one loss each; got ${xs.length} candidates and ${losses.length} losses`,
    );
  }
  xs.forEach((x, i) => {
    const a = asked[i];
    if (x.length !== a.length || x.some((v, j) => v !== a[j])) {
      throw new OptimiserError(
        `${who} generation ${generation}: candidate ${i} told is not the one asked (was the journal replayed out of order, or with a different seed?)`,
      );
    }
  });
}
