import { SmeltError } from "../errors.js";
import { tensorSeed } from "../methods/index.js";
import type { MergePlan, MergeStep, TensorRef } from "../recipe/index.js";
import { dtypeByteSize, isIntDType } from "../tensor/codecs/index.js";
import type { DType, FloatDType } from "../tensor/dtype.js";
import type { ByteSpan, TensorInfo, TensorSink } from "../tensor/tensor-source.js";
import { chunkInputBytes, isChunkOutput } from "./chunk-io.js";
import { DEFAULT_MEMORY_BUDGET, type MergePool } from "./merge-pool.js";
import { addNonFinite, nonFiniteWarnings } from "./non-finite.js";
import type { OpenedModels } from "./open-recipe-models.js";
import { chunkedForm } from "./run-step.js";
import { streamParts, type PartStream } from "./part-stream.js";
import { createTaskGate } from "./task-gate.js";
import type { EncodedTensor, StepPath, StepResult, StepTask } from "./step-task.js";

export interface WrittenTensor {
  readonly name: string;
  readonly inputBytes: number;
  readonly warnings: readonly string[];
}

/** Knobs of the executor. The defaults suit real models; tests shrink them to reach every boundary. */
export interface EngineTuning {
  /**
   * Bytes of tensor data in flight at once (encoded inputs and outputs, and the float32 copies of
   * whole-tensor steps). Steps start while they fit; a larger step still runs, alone. Defaults to
   * the pool's budget (768 MiB).
   */
  readonly memoryBudget: number;
  /**
   * Elements per chunk of the chunked merges. Defaults to 16384 (64 KiB per float32 chunk: a
   * chunk of each input, its task vector and the output stay in a core's L2 cache; smaller chunks
   * cost more calls per element: ties took ~0.7 s more CPU of ~7 s with 4096 on the 1B bench).
   */
  readonly chunkElements: number;
  /**
   * Elementwise steps are split into parts of this many elements, which merge in parallel (with
   * more than one thread) and are written as they come (larger steps, to a sink that takes parts;
   * see part-stream.ts). Defaults to 2^23 (16 MiB of bf16 output per part).
   */
  readonly splitElements: number;
}

export const DEFAULT_TUNING: EngineTuning = { memoryBudget: DEFAULT_MEMORY_BUDGET, chunkElements: 16384, splitElements: 1 << 23 };

/** A step with everything decided before reading it: how it merges, its parts, what it costs. */
interface PreparedStep {
  readonly step: MergeStep;
  readonly refs: readonly TensorRef[];
  readonly infos: readonly TensorInfo[];
  /** Where each input lies in its file, when the worker reads it itself (else the executor reads it). */
  readonly spans: readonly (ByteSpan | undefined)[];
  readonly inputBytes: number;
  readonly outDtype: DType;
  readonly outBytes: number;
  /** "copy": an integer tensor, written as the first model has it. */
  readonly path: StepPath | "copy";
  readonly parts: readonly (readonly [number, number])[];
  /**
   * Its parts are merged a few at a time into small buffers and written as they come (see
   * part-stream.ts): an elementwise step whose inputs the workers read themselves, to a sink that
   * takes parts.
   */
  readonly streamed: boolean;
  /** Memory it holds while in flight (see EngineTuning.memoryBudget). */
  readonly cost: number;
}

type Outcome =
  | {
      readonly kind: "whole";
      readonly bytes: Uint8Array;
      readonly warnings: readonly string[];
      /** Shared buffers to give back once the output is written. */
      readonly held: readonly Uint8Array[];
    }
  | { readonly kind: "parts"; readonly stream: PartStream };

/**
 * Streams a plan through the pool: starts steps ahead of the one being written (in plan order, the
 * heaviest single-task steps first; see launchOrder) as far as the memory budget allows, and writes
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
  tuning?: Partial<EngineTuning>;
}): AsyncGenerator<WrittenTensor> {
  const { plan, models, pool, sink, dtypes } = args;
  const tuning = { ...DEFAULT_TUNING, ...args.tuning };
  // Enough steps in flight to keep every thread busy behind a large one; memory is the real bound.
  const maxJobs = 4 + 4 * pool.threads;
  // Parts of a streamed step merged ahead of the writer: one per thread and one more.
  const partWindow = pool.threads + 1;
  // Other steps take their buffers only when a worker is (nearly) free for them: one per thread and one more.
  const gate = createTaskGate(Math.max(1, pool.threads) + 1);
  const prepared = plan.steps.map(prepare);
  const order = launchOrder(prepared, pool.threads);
  // In flight, in plan order (the order outputs are written in).
  const jobs: { index: number; prepared: PreparedStep; done: Promise<Outcome> }[] = [];
  const launched = prepared.map(() => false);
  let used = 0;
  let cursor = 0;
  let written = 0;
  const launch = (index: number) => {
    const p = prepared[index];
    used += p.cost;
    launched[index] = true;
    const done = start(p);
    // Handled when its turn comes; this only stops an early failure counting as unhandled.
    done.catch(() => {});
    const at = jobs.findIndex((j) => j.index > index);
    jobs.splice(at < 0 ? jobs.length : at, 0, { index, prepared: p, done });
  };
  try {
    while (written < prepared.length) {
      while (cursor < order.length) {
        const index = order[cursor];
        if (launched[index]) {
          cursor++;
          continue;
        }
        // The next output to write always starts; others while they fit.
        if (jobs.length > 0 && index !== written && (jobs.length >= maxJobs || used + prepared[index].cost > tuning.memoryBudget)) break;
        launch(index);
        cursor++;
      }
      if (!launched[written]) launch(written);
      const { prepared: p, done } = jobs[0];
      const outcome = await done;
      const step = p.step;
      let warnings: readonly string[];
      if (outcome.kind === "parts") {
        await sink.writeParts!({ name: step.output, dtype: p.outDtype, shape: step.shape }, outcome.stream.outputs());
        warnings = stepWarnings(p, outcome.stream.results);
      } else {
        await sink.write({ kind: "raw", name: step.output, dtype: p.outDtype, shape: step.shape, bytes: outcome.bytes });
        for (const b of outcome.held) pool.buffers.release(b);
        warnings = outcome.warnings;
      }
      // Written: off the list (a failure above leaves it, and its buffers, to the cleanup below).
      jobs.shift();
      used -= p.cost;
      written++;
      yield { name: p.step.output, inputBytes: p.inputBytes, warnings };
    }
  } finally {
    // Settle what is still running (no worker may write into a buffer after it is reused), then give its buffers back.
    for (const settled of await Promise.allSettled(jobs.map((j) => j.done))) {
      if (settled.status !== "fulfilled") continue;
      if (settled.value.kind === "parts") await settled.value.stream.settle();
      else for (const b of settled.value.held) pool.buffers.release(b);
    }
  }

  function prepare(step: MergeStep): PreparedStep {
    const refs = step.base ? [...step.inputs, step.base] : [...step.inputs];
    const infos = refs.map((r) => models.info(r.model, r.tensor));
    const inputBytes = infos.reduce((sum, i) => sum + i.byteLength, 0);
    const outDtype = dtypes.get(step.output)!;
    const count = step.shape.reduce((a, b) => a * b, 1);
    const whole = [[0, count] as const];
    if (infos.some((i) => isIntDType(i.dtype))) return { step, refs, infos, spans: refs.map(() => undefined), inputBytes, outDtype, outBytes: 0, path: "copy", parts: whole, streamed: false, cost: inputBytes };
    const outBytes = partBytes(outDtype, count);
    const form = chunkedForm(step.method, { tensorName: step.output, shape: step.shape, models: step.inputs.length, hasBase: step.base !== undefined, params: step.params, perModel: step.perModel });
    const chunked = form && infos.every((i) => chunkInputBytes(i.dtype) !== undefined) && isChunkOutput(outDtype, tuning.chunkElements, tuning.splitElements);
    const path: StepPath = chunked ? form.kind : "whole";
    // Chunked steps read file-backed inputs in the workers: only the others are held here.
    const spans = refs.map((r) => (path === "whole" ? undefined : models.byteSpan(r.model, r.tensor)));
    const held = infos.reduce((sum, info, i) => sum + (spans[i] ? 0 : info.byteLength), 0);
    const streamed = path === "elementwise" && held === 0 && sink.writeParts !== undefined && count > tuning.splitElements;
    const parts: (readonly [number, number])[] = [];
    if (path === "elementwise" && (pool.threads > 1 || streamed)) for (let s = 0; s < count; s += tuning.splitElements) parts.push([s, Math.min(count, s + tuning.splitElements)]);
    if (streamed) return { step, refs, infos, spans, inputBytes, outDtype, outBytes, path, parts, streamed, cost: partWindow * partBytes(outDtype, tuning.splitElements) };
    const extra = path === "whole" ? 4 * count * (2 * refs.length + 2) : path === "passes" ? Math.ceil(count / 8) * step.inputs.length : 0;
    return { step, refs, infos, spans, inputBytes, outDtype, outBytes, path, parts: parts.length > 0 ? parts : whole, streamed, cost: held + outBytes + extra };
  }

  async function start(p: PreparedStep): Promise<Outcome> {
    if (p.streamed) return startUngated(p);
    await gate.enter();
    try {
      return await startUngated(p);
    } finally {
      gate.leave();
    }
  }

  async function startUngated(p: PreparedStep): Promise<Outcome> {
    const held: Uint8Array[] = [];
    const giveBack = () => held.forEach((b) => pool.buffers.release(b));
    const step = p.step;
    try {
      // allSettled, not all: a failed read must not release buffers other reads still fill.
      const encoded = settle(
        await Promise.allSettled(
          p.refs.map(async (ref, i): Promise<EncodedTensor> => {
            const file = p.spans[i];
            if (file) return { model: ref.model, dtype: p.infos[i].dtype, file };
            const into = pool.buffers.acquire(p.infos[i].byteLength);
            held.push(into);
            const raw = await models.readRawInto(ref.model, ref.tensor, into);
            return { model: ref.model, dtype: raw.info.dtype, bytes: raw.bytes };
          }),
        ),
      );
      const base = step.base ? encoded[step.inputs.length] : undefined;
      if (p.path === "copy") return { kind: "whole", ...copyIntegerTensor(step, encoded as ReadTensor[], base as ReadTensor | undefined, p.outDtype), held };
      const task: Omit<StepTask, "range" | "output" | "outputStart"> = {
        method: step.method,
        tensorName: step.output,
        shape: step.shape,
        inputs: encoded.slice(0, step.inputs.length),
        base,
        params: step.params,
        perModel: step.perModel,
        seed: tensorSeed(args.seed, step.output),
        outDtype: p.outDtype,
        nonFinite: args.nonFinite,
        path: p.path as StepPath,
        chunk: tuning.chunkElements,
      };
      if (p.streamed) {
        const stream = streamParts({
          ranges: p.parts,
          window: partWindow,
          bytesOf: ([from, to]) => partBytes(p.outDtype, to - from),
          acquire: (bytes) => pool.buffers.acquire(bytes),
          release: (buffer) => pool.buffers.release(buffer),
          run: (range, output) => pool.run({ ...task, range, output, outputStart: range[0] }),
        });
        return { kind: "parts", stream };
      }
      const output = pool.buffers.acquire(p.outBytes);
      held.push(output);
      const results = settle(await Promise.allSettled(p.parts.map((range) => pool.run({ ...task, range, output, outputStart: 0 }))));
      return { kind: "whole", bytes: output, warnings: stepWarnings(p, results), held };
    } catch (error) {
      giveBack();
      throw error;
    }
  }

  function stepWarnings(p: PreparedStep, results: readonly StepResult[]): string[] {
    const counts = addNonFinite(results.map((r) => r.nonFinite));
    return nonFiniteWarnings(p.step.output, p.refs.map((r) => r.model), counts, args.nonFinite);
  }
}

/** Bytes of `elements` stored output elements (Q8_0: whole 32-value blocks of 34 bytes): a step's or a part's output. */
function partBytes(dtype: DType, elements: number): number {
  return dtype === "Q8_0" ? (elements / 32) * 34 : elements * dtypeByteSize(dtype as FloatDType);
}

/**
 * The order steps start in: plan order, except that with several threads the steps that are one
 * task each (multi-pass and whole-tensor merges) and hold a large share of the work start first.
 * A llama's output head is its last tensor and one of its two largest: merged last, it would run
 * alone while the other threads wait. Started first, its output waits in memory (within the
 * budget) for its turn to be written.
 */
function launchOrder(steps: readonly PreparedStep[], threads: number): number[] {
  const work = steps.map((p) => (p.path === "passes" || p.path === "whole" ? p.inputBytes : 0));
  const total = steps.reduce((sum, p) => sum + p.inputBytes, 0);
  const heavy = threads > 1 ? steps.map((_, i) => i).filter((i) => work[i] > total / (8 * threads)) : [];
  heavy.sort((a, b) => work[b] - work[a] || a - b);
  return [...heavy, ...steps.map((_, i) => i).filter((i) => !heavy.includes(i))];
}

function settle<T>(results: PromiseSettledResult<T>[]): T[] {
  const failed = results.find((r) => r.status === "rejected");
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

/** Integer tensors (position ids, masks) have no meaningful average: the first model's is kept. */
type ReadTensor = Extract<EncodedTensor, { bytes: Uint8Array }>;

function copyIntegerTensor(step: MergeStep, encoded: readonly ReadTensor[], base: ReadTensor | undefined, outDtype: DType): { bytes: Uint8Array; warnings: string[] } {
  const int = encoded.find((t) => isIntDType(t.dtype))!;
  const first = base ?? encoded[0];
  if (first.dtype !== outDtype && !isIntDType(outDtype)) {
    throw new SmeltError("dtype", `tensor "${step.output}" is ${first.dtype} in model "${first.model}"; integer tensors are copied unchanged and cannot be written as ${outDtype}`);
  }
  return { bytes: first.bytes, warnings: [`tensor "${step.output}" has integer dtype ${int.dtype}: copied from "${first.model}" unchanged`] };
}
