export * from "./search-space-schema.js";
export { paramSpecSchema, normalizeParamSpec, type ParamSpec, type ParamSpecInput } from "./param-spec.js";
export * from "./search-space.js";
export { loadSearchSpace, parseSearchSpace, type LoadSearchSpaceOptions } from "./load-search-space.js";
export { checkSearchSpace } from "./check-search-space.js";
export { PUBLIC_BENCHMARKS, publicBenchmarkOf } from "./public-benchmarks.js";
export { methodParamInfo, isInertParam, type MethodParam, type MethodParamInfo } from "./method-param-info.js";
export { searchDimensions, layerGroupCount, applicableParams, type SearchDimension } from "./search-dimensions.js";
export { decodeCandidate, decodeValue } from "./decode-candidate.js";
export { encodeDefaults } from "./encode-defaults.js";
export { lossToJson, lossFromJson, rankableLoss, type Optimiser, type OptimiserBest, type OptimiserState } from "./optimiser.js";
export { OptimiserError } from "./optimiser-error.js";
export { createPrng, type Prng } from "./prng.js";
export { reflectIntoUnit, reflectVectorIntoUnit } from "./unit-bounds.js";
export { symmetricEigen, type SymmetricEigen } from "./symmetric-eigen.js";
export { cmaEsParameters, defaultPopsize, type CmaEsParameters } from "./cma-es-parameters.js";
export { createCmaEs, restoreCmaEs, cmaEsInternals, type CmaEsOptions } from "./cma-es.js";
export { createRandomSearch, restoreRandomSearch, type RandomSearchOptions } from "./random-search.js";
export { restoreOptimiser } from "./restore-optimiser.js";
export {
  createMethodPortfolio,
  restoreMethodPortfolio,
  type MethodPortfolio,
  type MethodPortfolioOptions,
  type PortfolioCandidate,
  type PortfolioMethod,
} from "./method-portfolio.js";
export { createSearchOptimiser } from "./create-search-optimiser.js";
// Exported as paretoFrontIds: the store exports `paretoFront` (a boolean mask over number[][]) already.
export { paretoFront as paretoFrontIds, type ParetoPoint } from "./pareto-front.js";
export { scalarise } from "./scalarise.js";
export { searchIter, search, type SearchSummary } from "./run-search.js";
export type { SearchEvent, SearchStage } from "./search-loop/search-events.js";
export { earlierSessionsSeconds } from "./search-loop/session-seconds.js";
export { createSearchControl, type SearchControl, type SearchControlOptions } from "./search-loop/search-control.js";
export type { SearchOptions } from "./search-loop/search-options.js";
export { SMELT_VERSION } from "./search-loop/open-search.js";
