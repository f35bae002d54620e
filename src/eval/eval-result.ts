import type { KvCacheType } from "./backend.js";
import type { AggregatedMetric } from "./aggregate-metric.js";
import type { EvalSplit } from "./load-task.js";
import type { ItemScores } from "./prepare-item.js";
import type { MetricName, TaskOutputType } from "./task-spec.js";

/** One metric of one task (per filter for generate_until), with its standard error. */
export interface MetricResult extends AggregatedMetric {
  readonly metric: MetricName;
  /** The filter pipeline's name; "none" when the task declares no filter_list. */
  readonly filter: string;
  readonly higherIsBetter: boolean;
}

/** One scored item, so callers can compare candidates item by item (paired comparisons). */
export interface ItemRecord {
  readonly index: number;
  readonly hash: string;
  readonly scores: ItemScores;
}

export interface ItemFailure {
  readonly index: number;
  readonly reason: string;
}

export interface TaskResult {
  readonly task: string;
  readonly file: string;
  readonly version: number | undefined;
  readonly outputType: TaskOutputType;
  readonly split: EvalSplit;
  readonly numFewshot: number;
  /** Empty when every item failed. */
  readonly metrics: readonly MetricResult[];
  /** Items scored (failed ones excluded). */
  readonly items: number;
  readonly failed: number;
  /** Items attempted: items + failed. */
  readonly total: number;
  readonly failures: readonly ItemFailure[];
  /** Tokens the backend processed: contexts, continuations, prompts and generated text. */
  readonly tokens: number;
  readonly seconds: number;
  readonly tokensPerSecond: number;
  /** Things a reader must know, e.g. a template failing on the first document. */
  readonly warnings: readonly string[];
  readonly perItem: readonly ItemRecord[];
}

/** The settings an evaluation ran with, recorded so results can be compared like with like. */
export interface EvalSettings {
  readonly split: EvalSplit;
  readonly limit: number | undefined;
  /** Undefined when the caller did not say how the model was loaded (EvalOptions.backendOptions). */
  readonly kvCache: KvCacheType | undefined;
  readonly threads: number | undefined;
  readonly contextSize: number;
  readonly sequences: number | undefined;
  readonly batchSize: number;
  readonly bootstrapIters: number;
}

export interface EvalResult {
  readonly model: string;
  readonly settings: EvalSettings;
  readonly tasks: readonly TaskResult[];
  readonly seconds: number;
}

/** What evaluateIter yields while it works (house style §10). */
export type EvalEvent =
  | { readonly type: "task-start"; readonly task: string; readonly split: EvalSplit; readonly total: number }
  | { readonly type: "progress"; readonly task: string; readonly done: number; readonly total: number }
  | { readonly type: "item-failed"; readonly task: string; readonly index: number; readonly reason: string }
  | { readonly type: "task-done"; readonly task: string; readonly result: TaskResult };
