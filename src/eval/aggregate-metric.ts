import { sampleWithReplacement } from "simple-statistics";
import { seededRandom } from "./seeded-random.js";

/** Resamples for bootstrap standard errors; enough for two significant digits of the stderr. */
export const DEFAULT_BOOTSTRAP_ITERS = 1000;
/** Seed of the bootstrap resampler, fixed so a re-run reports the same stderr. */
export const DEFAULT_BOOTSTRAP_SEED = 1234;

/** A metric aggregated over a task's items, with its standard error. */
export interface AggregatedMetric {
  readonly value: number;
  /** Null when it is undefined: fewer than two items. */
  readonly stderr: number | null;
  /** "sample": sample stddev / sqrt(n) (lm-eval's mean_stderr); "bootstrap": stddev of resampled values. */
  readonly stderrMethod: "sample" | "bootstrap";
}

export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Sample standard deviation (n - 1 denominator), as lm-eval's sample_stddev. */
export function sampleStddev(values: readonly number[]): number {
  const mu = mean(values);
  let ss = 0;
  for (const v of values) ss += (v - mu) ** 2;
  return Math.sqrt(ss / (values.length - 1));
}

/**
 * lm-eval's `mean` aggregation with `mean_stderr`: sqrt(sum((x - mean)^2) / (n - 1)) / sqrt(n).
 * For 0/1 scores this is the binomial standard error with Bessel's correction:
 * sqrt(p (1 - p) / (n - 1)).
 */
export function aggregateMean(values: readonly number[]): AggregatedMetric {
  return {
    value: mean(values),
    stderr: values.length < 2 ? null : sampleStddev(values) / Math.sqrt(values.length),
    stderrMethod: "sample",
  };
}

/** Per-item pair (log-likelihood in nats, weight in words or bytes) as lm-eval's perplexity metrics keep them. */
export type WeightedLoglikelihood = readonly [loglikelihood: number, weight: number];

/** lm-eval's weighted_perplexity: exp(-sum(ll) / sum(weight)). */
export function weightedPerplexity(items: readonly WeightedLoglikelihood[]): number {
  return Math.exp(-weightedMean(items));
}

/** lm-eval's bits_per_byte: -sum(ll) / sum(bytes) / ln 2. */
export function bitsPerByte(items: readonly WeightedLoglikelihood[]): number {
  return -weightedMean(items) / Math.LN2;
}

function weightedMean(items: readonly WeightedLoglikelihood[]): number {
  let ll = 0;
  let weight = 0;
  for (const [a, b] of items) {
    ll += a;
    weight += b;
  }
  return ll / weight;
}

/**
 * Bootstrap standard error of a statistic that is not a plain mean (perplexities): the sample
 * stddev of the statistic over `iters` resamples with replacement, drawn with a seeded RNG.
 * lm-eval reports N/A for these; an error bar is more useful when comparing merges.
 */
export function bootstrapStderr<T>(
  items: readonly T[],
  statistic: (sample: readonly T[]) => number,
  { iters = DEFAULT_BOOTSTRAP_ITERS, seed = DEFAULT_BOOTSTRAP_SEED }: { iters?: number; seed?: number } = {},
): number | null {
  if (items.length < 2) return null;
  const random = seededRandom(seed);
  const pool = [...items];
  const values: number[] = [];
  for (let i = 0; i < iters; i++) values.push(statistic(sampleWithReplacement(pool, pool.length, random)));
  return sampleStddev(values);
}

/** A perplexity-type aggregate with its bootstrap stderr. */
export function aggregateWeighted(
  items: readonly WeightedLoglikelihood[],
  statistic: (sample: readonly WeightedLoglikelihood[]) => number,
  options?: { iters?: number; seed?: number },
): AggregatedMetric {
  return { value: statistic(items), stderr: bootstrapStderr(items, statistic, options), stderrMethod: "bootstrap" };
}
