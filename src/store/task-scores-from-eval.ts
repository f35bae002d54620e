import type { EvalResult, MetricResult, TaskResult } from "../eval/index.js";
import type { TaskScore } from "./journal-entry.js";

export interface TaskScoresOptions {
  /** Picks each task's headline metric. Defaults to the task's first metric (its spec's first). */
  readonly pick?: (task: TaskResult) => MetricResult | undefined;
}

/**
 * Condenses an EvalResult into the per-task scores a journal entry records: one headline metric
 * per task with its stderr and item counts. The metric is named lm-eval style, `metric,filter`,
 * when a filter other than "none" applies. A task with no metric (every item failed) is left
 * out: such a candidate should be journaled as candidate-failed, not scored.
 */
export function taskScoresFromEval(result: EvalResult, options: TaskScoresOptions = {}): Record<string, TaskScore> {
  const pick = options.pick ?? ((task: TaskResult) => task.metrics[0]);
  const scores: Record<string, TaskScore> = {};
  for (const task of result.tasks) {
    const metric = pick(task);
    if (metric === undefined) continue;
    scores[task.task] = {
      metric: metric.filter === "none" ? metric.metric : `${metric.metric},${metric.filter}`,
      value: metric.value,
      stderr: metric.stderr,
      items: task.items,
      failed: task.failed,
      higherIsBetter: metric.higherIsBetter,
    };
  }
  return scores;
}
