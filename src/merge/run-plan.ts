import { tensorSeed } from "../methods/index.js";
import type { MergePlan, MergeStep } from "../recipe/index.js";
import type { DType } from "../tensor/dtype.js";
import type { TensorSink } from "../tensor/tensor-source.js";
import type { MergePool } from "./merge-pool.js";
import type { OpenedModels } from "./open-recipe-models.js";
import type { EncodedTensor, StepResult } from "./step-task.js";

export interface WrittenTensor {
  readonly name: string;
  readonly inputBytes: number;
  readonly warnings: readonly string[];
}

/**
 * Bytes of input that may be in flight at once. Reading ahead keeps every worker busy while the
 * main thread waits on the disk; the cap keeps memory proportional to a few tensors, not the model
 * (a step larger than the cap still runs, alone).
 */
const MAX_INFLIGHT_BYTES = 512 * 1024 * 1024;

/**
 * Streams a plan through the pool: reads each step's inputs, merges them on a worker, and writes
 * results to the sink strictly in plan order, yielding after each write.
 */
export async function* runPlan(args: {
  plan: MergePlan;
  models: OpenedModels;
  pool: MergePool;
  sink: TensorSink;
  dtypes: ReadonlyMap<string, DType>;
  seed: number;
  nonFinite: "error" | "warn";
}): AsyncGenerator<WrittenTensor> {
  const { plan, models, pool, sink, dtypes } = args;
  const window = Math.max(1, pool.threads) * 2;
  const queue: { step: MergeStep; bytes: number; result: Promise<StepResult> }[] = [];
  let inflightBytes = 0;
  let next = 0;
  try {
    while (next < plan.steps.length || queue.length > 0) {
      while (next < plan.steps.length && queue.length < window) {
        const step = plan.steps[next];
        const bytes = models.stepInputBytes(step);
        if (queue.length > 0 && inflightBytes + bytes > MAX_INFLIGHT_BYTES) break;
        inflightBytes += bytes;
        const result = launch(step);
        // Handled when its turn comes; this only stops an early failure counting as unhandled.
        result.catch(() => {});
        queue.push({ step, bytes, result });
        next++;
      }
      const head = queue.shift()!;
      const result = await head.result;
      inflightBytes -= head.bytes;
      await sink.write({ kind: "raw", name: head.step.output, dtype: dtypes.get(head.step.output)!, shape: head.step.shape, bytes: result.bytes });
      yield { name: head.step.output, inputBytes: head.bytes, warnings: result.warnings };
    }
  } finally {
    // Settle what is still running so no worker result lands after the caller cleaned up.
    await Promise.allSettled(queue.map((q) => q.result));
  }

  async function launch(step: MergeStep): Promise<StepResult> {
    const read = async (ref: { model: string; tensor: string }): Promise<EncodedTensor> => {
      const raw = await models.readRaw(ref.model, ref.tensor);
      return { model: ref.model, dtype: raw.info.dtype, bytes: raw.bytes };
    };
    const inputs: EncodedTensor[] = [];
    for (const ref of step.inputs) inputs.push(await read(ref));
    const base = step.base ? await read(step.base) : undefined;
    return pool.run({
      method: step.method,
      tensorName: step.output,
      shape: step.shape,
      inputs,
      base,
      params: step.params,
      perModel: step.perModel,
      seed: tensorSeed(args.seed, step.output),
      outDtype: dtypes.get(step.output)!,
      nonFinite: args.nonFinite,
    });
  }
}
