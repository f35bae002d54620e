export * from "./merge-events.js";
export { merge, mergeIter, type MergeOptions } from "./merge.js";
export { DEFAULT_TUNING, type EngineTuning } from "./run-plan.js";
export { createMergePool, type MergePool } from "./merge-pool.js";
export { openModel, type OpenedModel } from "./open-model.js";
export { recipeModelRefs } from "./open-recipe-models.js";
export type { OutType } from "./output-dtype.js";
export { describeModel, type ModelSummary, type LayerSummary } from "./describe-model.js";
