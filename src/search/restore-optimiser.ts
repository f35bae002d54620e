import { restoreCmaEs } from "./cma-es.js";
import type { Optimiser } from "./optimiser.js";
import { OptimiserError } from "./optimiser-error.js";
import { restoreRandomSearch } from "./random-search.js";

/**
 * Rebuilds an optimiser from `snapshot()` output (after a JSON round trip). The restored
 * optimiser continues exactly as the original would have: same next candidates, same updates.
 * Portfolios have their own `restoreMethodPortfolio`.
 */
export function restoreOptimiser(snapshot: unknown): Optimiser {
  const kind = typeof snapshot === "object" && snapshot !== null ? (snapshot as { kind?: unknown }).kind : undefined;
  if (kind === "cma-es") return restoreCmaEs(snapshot);
  if (kind === "random") return restoreRandomSearch(snapshot);
  if (kind === "portfolio") throw new OptimiserError("this is a method-portfolio snapshot: restore it with restoreMethodPortfolio");
  throw new OptimiserError(`not an optimiser snapshot: kind is ${JSON.stringify(kind)}, expected "cma-es" or "random"`);
}
