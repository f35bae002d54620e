import path from "node:path";
import { RecipeError } from "../errors.js";
import { DEFAULT_BOOTSTRAP_ITERS, DEFAULT_BOOTSTRAP_SEED } from "./aggregate-metric.js";
import { aggregateTaskMetrics } from "./aggregate-task-metrics.js";
import type { BackendOptions, LoadedModel } from "./backend.js";
import type { EvalEvent, EvalResult, ItemFailure, ItemRecord, TaskResult } from "./eval-result.js";
import type { EvalSplit, LoadedTask } from "./load-task.js";
import { prepareItem, type PreparedItem } from "./prepare-item.js";
import type { TaskDoc } from "./read-jsonl.js";
import { runBatch } from "./run-batch.js";

/** Requests sent to the backend per call: enough to keep several sequences busy, small enough for steady progress. */
export const DEFAULT_EVAL_BATCH_SIZE = 64;

export interface EvalOptions {
  /** Which declared split to score. Defaults to "test". */
  readonly split?: EvalSplit;
  /** Score only the first N items of the split. Defaults to all. */
  readonly limit?: number;
  /** Backend requests per call. Defaults to DEFAULT_EVAL_BATCH_SIZE. */
  readonly batchSize?: number;
  /** The settings the model was loaded with, recorded in the result (KV cache type, threads). */
  readonly backendOptions?: BackendOptions;
  /** Bootstrap resamples for perplexity stderrs. Defaults to DEFAULT_BOOTSTRAP_ITERS. */
  readonly bootstrapIters?: number;
  /** Seed of the bootstrap resampler. Defaults to DEFAULT_BOOTSTRAP_SEED. */
  readonly bootstrapSeed?: number;
  /** Milliseconds clock for timings. Defaults to performance.now. */
  readonly now?: () => number;
}

/**
 * Evaluates a loaded model on tasks, yielding events as it goes and returning the results.
 * An item that cannot be scored (template error, context too long, backend failure on it) is
 * reported as item-failed and counted, never dropped silently and never fatal to the run.
 * Throws RecipeError before doing any work if a task lacks the requested split or options are bad.
 */
export async function* evaluateIter(model: LoadedModel, tasks: readonly LoadedTask[], options: EvalOptions = {}): AsyncGenerator<EvalEvent, EvalResult> {
  const split = options.split ?? "test";
  const batchSize = options.batchSize ?? DEFAULT_EVAL_BATCH_SIZE;
  const now = options.now ?? (() => performance.now());
  const bootstrap = { iters: options.bootstrapIters ?? DEFAULT_BOOTSTRAP_ITERS, seed: options.bootstrapSeed ?? DEFAULT_BOOTSTRAP_SEED };
  checkOptions(options, batchSize);
  for (const task of tasks) {
    if (!task.splits[split]) {
      throw new RecipeError(task.file, [{ message: `task "${task.name}" declares no ${split}_split; pick another split or add one`, path: [`${split}_split`] }]);
    }
  }

  const started = now();
  const results: TaskResult[] = [];
  for (const task of tasks) {
    results.push(yield* evaluateTask(model, task, task.splits[split]!.slice(0, options.limit), { split, batchSize, now, bootstrap }));
  }
  return {
    model: model.path,
    settings: {
      split,
      limit: options.limit,
      // BackendOptions documents F16 as the default; without options the cache type is unknown.
      kvCache: options.backendOptions ? (options.backendOptions.kvCache ?? "F16") : undefined,
      threads: options.backendOptions?.threads,
      contextSize: model.contextSize,
      sequences: options.backendOptions?.sequences,
      batchSize,
      bootstrapIters: bootstrap.iters,
    },
    tasks: results,
    seconds: (now() - started) / 1000,
  };
}

/** Runs evaluateIter to the end and returns its result (events are dropped). */
export async function evaluate(model: LoadedModel, tasks: readonly LoadedTask[], options: EvalOptions = {}): Promise<EvalResult> {
  const iterator = evaluateIter(model, tasks, options);
  for (;;) {
    const step = await iterator.next();
    if (step.done) return step.value;
  }
}

interface TaskRun {
  readonly split: EvalSplit;
  readonly batchSize: number;
  readonly now: () => number;
  readonly bootstrap: { iters: number; seed: number };
}

/** One task: prepare items batch by batch, run them, report failures and progress, aggregate. */
async function* evaluateTask(model: LoadedModel, task: LoadedTask, docs: readonly TaskDoc[], run: TaskRun): AsyncGenerator<EvalEvent, TaskResult> {
  yield { type: "task-start", task: task.name, split: run.split, total: docs.length };
  const taskStarted = run.now();
  const failures: ItemFailure[] = [];
  const records: ItemRecord[] = [];
  let tokens = 0;
  let next = 0;
  while (next < docs.length) {
    const batch: PreparedItem[] = [];
    const chunkFailures: ItemFailure[] = [];
    let requests = 0;
    while (next < docs.length && requests < run.batchSize) {
      const item = docs[next++];
      try {
        const prepared = prepareItem(task, model, item);
        batch.push(prepared);
        requests += prepared.kind === "loglikelihood" ? prepared.requests.length : 1;
      } catch (error) {
        chunkFailures.push({ index: item.index, reason: describeFailure(item, error) });
      }
    }
    for (const outcome of await runBatch(model, batch)) {
      const item = outcome.prepared.item;
      if (outcome.ok) {
        records.push({ index: item.index, hash: item.hash, scores: outcome.scores });
        tokens += outcome.tokens;
      } else {
        chunkFailures.push({ index: item.index, reason: describeFailure(item, outcome.reason) });
      }
    }
    chunkFailures.sort((a, b) => a.index - b.index);
    for (const failure of chunkFailures) yield { type: "item-failed", task: task.name, ...failure };
    failures.push(...chunkFailures);
    yield { type: "progress", task: task.name, done: next, total: docs.length };
  }
  records.sort((a, b) => a.index - b.index);
  const seconds = (run.now() - taskStarted) / 1000;
  const result: TaskResult = {
    task: task.name,
    file: task.file,
    version: task.version,
    outputType: task.spec.output_type,
    split: run.split,
    numFewshot: task.spec.num_fewshot,
    metrics: aggregateTaskMetrics(task.spec, records.map((r) => r.scores), run.bootstrap),
    items: records.length,
    failed: failures.length,
    total: docs.length,
    failures,
    tokens,
    seconds,
    tokensPerSecond: seconds > 0 ? tokens / seconds : 0,
    warnings: warningsFor(task, docs, failures),
    perItem: records,
  };
  yield { type: "task-done", task: task.name, result };
  return result;
}

function checkOptions(options: EvalOptions, batchSize: number): void {
  const issues = [];
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 1)) issues.push({ message: `limit must be a positive integer, got ${options.limit}`, path: ["limit"] });
  if (!Number.isInteger(batchSize) || batchSize < 1) issues.push({ message: `batchSize must be a positive integer, got ${batchSize}`, path: ["batchSize"] });
  if (issues.length > 0) throw new RecipeError("evaluation options", issues);
}

function describeFailure(item: TaskDoc, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `item ${item.index} (${path.basename(item.file)}:${item.line}): ${message}`;
}

/** A failure on the first document is usually a mistake in the task file, not the data: say so. */
function warningsFor(task: LoadedTask, docs: readonly TaskDoc[], failures: readonly ItemFailure[]): string[] {
  const warnings: string[] = [];
  if (docs.length > 0 && failures.length === docs.length) {
    warnings.push(`every item of task "${task.name}" failed; first reason: ${failures[0].reason}`);
  }
  const first = failures.find((f) => f.index === docs[0]?.index);
  if (first && /template|doc_to_|names the field/.test(first.reason)) {
    warnings.push(`the first document already fails (${first.reason}): this is likely a mistake in ${task.file}, not in the data`);
  }
  return warnings;
}
