import type { MergeMethod } from "../methods/define-merge-method.js";
import { mergeMethods } from "../methods/registry.js";
import { encodeDefaults } from "./encode-defaults.js";
import { createMethodPortfolio, type MethodPortfolio } from "./method-portfolio.js";
import { searchDimensions } from "./search-dimensions.js";
import type { SearchSpace } from "./search-space.js";

/**
 * The optimiser a search space asks for: a method portfolio (one method is a portfolio of one)
 * whose per-method optimisers start at `encodeDefaults` and use the space's seed, sigma0 and
 * popsize. Deterministic in the space, so the loop rebuilds it identically on resume.
 * Needs `num_layers` when the space has a `layer_granularity` (see `withNumLayers`).
 */
export function createSearchOptimiser(
  space: SearchSpace,
  methods: Readonly<Record<string, MergeMethod<unknown, unknown>>> = mergeMethods as Readonly<Record<string, MergeMethod<unknown, unknown>>>,
): MethodPortfolio {
  return createMethodPortfolio({
    methods: space.methods.map((name) => ({
      name,
      dimension: searchDimensions(space, methods[name]).length,
      x0: encodeDefaults(space, methods[name]),
    })),
    seed: space.seed,
    optimiser: space.optimiser.name,
    ...(space.optimiser.sigma0 !== undefined ? { sigma0: space.optimiser.sigma0 } : {}),
    ...(space.optimiser.popsize !== undefined ? { popsize: space.optimiser.popsize } : {}),
  });
}
