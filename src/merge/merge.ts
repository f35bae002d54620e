import { availableParallelism } from "node:os";
import { OutputError, SmeltError } from "../errors.js";
import type { HubOptions } from "../hub/index.js";
import { mergeMethods } from "../methods/index.js";
import { planMerge, type Recipe } from "../recipe/index.js";
import type { TensorSink } from "../tensor/tensor-source.js";
import type { MergeEvent, MergeResult } from "./merge-events.js";
import { createMergePool, type MergePool } from "./merge-pool.js";
import { openRecipeModels, type OpenedModels } from "./open-recipe-models.js";
import { createOutputSink } from "./output-sink.js";
import { prepareOutput } from "./output-target.js";
import { runPlan, type EngineTuning } from "./run-plan.js";
import type { OutType } from "./output-dtype.js";

export interface MergeOptions {
  /** Output path: an HF folder (safetensors) or a .gguf file. */
  readonly output: string;
  /** Output format. Defaults to "gguf" when `output` ends in .gguf, else "safetensors". */
  readonly format?: "safetensors" | "gguf";
  /** Storage type of the output; defaults to the recipe's out_dtype/dtype, else the inputs' type. */
  readonly outType?: OutType;
  /** Worker threads; 0 merges on the calling thread. Defaults to the machine's cores. */
  readonly threads?: number;
  /** A pool to reuse across merges (the search does); `threads` is then ignored. */
  readonly pool?: MergePool;
  /** Replace an existing output. Defaults to false: an existing output is refused. */
  readonly force?: boolean;
  /** Folder relative model paths are resolved from (the recipe's folder). Defaults to the cwd. */
  readonly baseDir?: string;
  /** Warn about NaN/Inf inputs instead of refusing them. Defaults to false. */
  readonly allowNonFinite?: boolean;
  /** Largest safetensors shard, in bytes. Defaults to 5 GB, as Hugging Face does. */
  readonly maxShardBytes?: number;
  /** Seed for stochastic methods (dare, della) when the recipe has none. Defaults to 0. */
  readonly seed?: number;
  /** Clock, injectable for tests. Defaults to performance.now in ms. */
  readonly now?: () => number;
  /**
   * How Hub references (`org/name[@rev]`) are resolved and downloaded: cache folder, token,
   * offline mode, a progress callback. Defaults follow huggingface_hub's environment variables.
   */
  readonly hub?: HubOptions;
  /**
   * Write the output's weights around the page cache (Linux O_DIRECT, where the file system
   * allows it). Defaults to true: much less CPU per byte written, and a large merge does not push
   * everything else out of memory. The output's first reader then reads it from disk; the search,
   * which evaluates each candidate right after merging it, turns this off.
   */
  readonly directIo?: boolean;
  /** Executor knobs (memory budget, chunk and split sizes); see EngineTuning for the defaults. */
  readonly engine?: Partial<EngineTuning>;
}

/**
 * Merges a recipe into one output, streaming tensor by tensor, and yields progress events
 * (house style §10: the iterator does the work, `merge` drains it). The output is complete or
 * absent: it is written under a temporary name and renamed when done.
 */
export async function* mergeIter(recipe: Recipe, options: MergeOptions): AsyncGenerator<MergeEvent, MergeResult> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const format = options.format ?? (options.output.toLowerCase().endsWith(".gguf") ? "gguf" : "safetensors");
  // Checked before any thread starts: a refused output must not leave a pool of workers behind.
  const target = await prepareOutput(options.output, options.force ?? false);
  const ownPool = options.pool ? undefined : createMergePool(options.threads ?? Math.min(availableParallelism(), 8), options.engine?.memoryBudget);
  const pool = options.pool ?? ownPool!;
  let models: OpenedModels | undefined;
  let sink: TensorSink | undefined;
  try {
    models = await openRecipeModels(recipe, options.baseDir ?? process.cwd(), options.hub);
    const plan = planMerge(recipe, models.tensorLists(), mergeMethods);
    const output = await createOutputSink({ recipe, plan, models, format, outType: options.outType, path: target.temp, maxShardBytes: options.maxShardBytes, direct: options.directIo ?? true });
    sink = output.sink;
    const inputBytes = plan.steps.reduce((sum, s) => sum + models!.stepInputBytes(s), 0);
    yield { event: "start", method: plan.method, output: options.output, format, tensors: plan.steps.length, inputBytes, threads: pool.threads };
    let done = 0;
    let bytesDone = 0;
    for await (const written of runPlan({ plan, models, pool, sink, dtypes: output.dtypes, seed: recipe.seed ?? options.seed ?? 0, nonFinite: options.allowNonFinite ? "warn" : "error", tuning: options.engine })) {
      for (const warning of written.warnings) yield { event: "warning", message: warning, tensor: written.name };
      done++;
      bytesDone += written.inputBytes;
      yield { event: "tensor", name: written.name, done, total: plan.steps.length, inputBytesDone: bytesDone, elapsedSeconds: (now() - started) / 1000 };
    }
    await sink.commit();
    sink = undefined;
    const outputBytes = await output.finish();
    await target.commit();
    const result: MergeResult = { output: options.output, format, tensors: plan.steps.length, inputBytes, outputBytes, seconds: (now() - started) / 1000 };
    yield { event: "done", ...result };
    return result;
  } catch (error) {
    if (sink) await sink.abort().catch(() => {});
    await target.abort().catch(() => {});
    throw translateIoError(error, options.output);
  } finally {
    await models?.close();
    await ownPool?.dispose();
  }
}

/** Runs a merge to completion, passing each event to `onEvent`. */
export async function merge(recipe: Recipe, options: MergeOptions & { onEvent?: (event: MergeEvent) => void }): Promise<MergeResult> {
  const iterator = mergeIter(recipe, options);
  for (;;) {
    const next = await iterator.next();
    if (next.done) return next.value;
    options.onEvent?.(next.value);
  }
}

/** Disk-full and permission failures become OutputErrors that say what to do. */
function translateIoError(error: unknown, output: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (error instanceof SmeltError || typeof code !== "string") return error;
  const hints: Record<string, string> = {
    ENOSPC: "the disk is full; free space or write elsewhere. Nothing was left behind",
    EDQUOT: "the disk quota is exhausted; free space or write elsewhere. Nothing was left behind",
    EACCES: "permission denied; choose a folder you can write to",
    EPERM: "operation not permitted; choose a folder you can write to",
    EROFS: "the file system is read-only; write elsewhere",
  };
  const hint = hints[code];
  if (!hint) return error;
  return new OutputError(output, `${hint} (${(error as Error).message})`, { cause: error });
}
