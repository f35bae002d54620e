import { aggregateMean, aggregateWeighted, bitsPerByte, weightedPerplexity, type WeightedLoglikelihood } from "./aggregate-metric.js";
import type { MetricResult } from "./eval-result.js";
import { NO_FILTER, type ItemScores } from "./prepare-item.js";
import { defaultMetrics, metricInfo, type MetricName, type TaskSpec } from "./task-spec.js";

/**
 * Aggregates per-item scores into the task's metrics: means with lm-eval's mean_stderr for
 * acc / acc_norm / exact_match, weighted perplexities and bits_per_byte with a seeded bootstrap
 * stderr. Returns no metrics when no item was scored.
 */
export function aggregateTaskMetrics(
  spec: TaskSpec,
  scores: readonly ItemScores[],
  bootstrap: { iters?: number; seed?: number } = {},
): MetricResult[] {
  if (scores.length === 0) return [];
  const names: readonly MetricName[] = spec.metric_list?.map((m) => m.metric) ?? defaultMetrics[spec.output_type];
  const out: MetricResult[] = [];
  for (const metric of names) {
    const higherIsBetter = metricInfo[metric].higherIsBetter;
    switch (metric) {
      case "acc":
      case "acc_norm":
        out.push({ metric, filter: "none", higherIsBetter, ...aggregateMean(scores.map((s) => s[metric])) });
        break;
      case "exact_match":
        for (const filter of spec.filter_list ?? [NO_FILTER]) {
          out.push({ metric, filter: filter.name, higherIsBetter, ...aggregateMean(scores.map((s) => s[`exact_match,${filter.name}`])) });
        }
        break;
      case "word_perplexity":
      case "byte_perplexity":
      case "bits_per_byte": {
        const weight = metric === "word_perplexity" ? "words" : "bytes";
        const pairs: WeightedLoglikelihood[] = scores.map((s) => [s.loglikelihood, s[weight]]);
        const statistic = metric === "bits_per_byte" ? bitsPerByte : weightedPerplexity;
        out.push({ metric, filter: "none", higherIsBetter, ...aggregateWeighted(pairs, statistic, bootstrap) });
        break;
      }
      default:
        void (metric satisfies never);
    }
  }
  return out;
}
