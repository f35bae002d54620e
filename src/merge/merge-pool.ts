import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Tinypool from "tinypool";
import { SmeltError } from "../errors.js";
import mergeWorker, { type WorkerReply } from "./merge-worker.js";
import { SharedBufferPool } from "./shared-buffer-pool.js";
import type { StepResult, StepTask } from "./step-task.js";

/**
 * Bytes of tensor data a merge keeps in flight by default: encoded inputs and outputs in the
 * pool's shared buffers, plus the float32 copies of the whole-tensor path. Steps are started while
 * they fit; a step larger than this still runs, alone.
 */
export const DEFAULT_MEMORY_BUDGET = 768 * 1024 * 1024;

/**
 * Runs merge steps on worker threads (tinypool), with the shared buffers their inputs and outputs
 * live in. One pool lives as long as its owner wants it to: a search keeps one for every candidate
 * instead of paying thread start-up (and first-touch page faults of its buffers) each time.
 * `threads: 0` runs steps inline on the calling thread (useful for debugging and tiny merges).
 */
export interface MergePool extends AsyncDisposable {
  readonly threads: number;
  /** Reusable shared buffers for step inputs and outputs (see shared-buffer-pool.ts). */
  readonly buffers: SharedBufferPool;
  run(task: StepTask): Promise<StepResult>;
  dispose(): Promise<void>;
}

/**
 * @param threads - Worker threads; 0 runs inline.
 * @param memoryBudget - Bytes of shared buffers the pool tries to stay under; defaults to DEFAULT_MEMORY_BUDGET.
 */
export function createMergePool(threads: number, memoryBudget = DEFAULT_MEMORY_BUDGET): MergePool {
  if (!Number.isInteger(threads) || threads < 0) {
    throw new SmeltError("usage", `--threads must be a whole number >= 0, got ${threads}`);
  }
  const buffers = new SharedBufferPool(memoryBudget);
  if (threads === 0) {
    // One step at a time, as on a worker thread: a step waiting for a read must not let another
    // start (steps share this thread's kernel scratch).
    let queue: Promise<unknown> = Promise.resolve();
    const run = (task: StepTask) => {
      const reply = queue.then(() => mergeWorker(task));
      queue = reply.catch(() => {});
      return reply.then((r) => unwrap(task, r));
    };
    const dispose = async () => buffers.clear();
    return { threads, buffers, run, dispose, [Symbol.asyncDispose]: dispose };
  }
  const { filename, execArgv } = workerEntry();
  const pool = new Tinypool({ filename, execArgv, minThreads: threads, maxThreads: threads, idleTimeout: 60_000 });
  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    buffers.clear();
    await pool.destroy();
  };
  return {
    threads,
    buffers,
    async run(task) {
      if (disposed) throw new SmeltError("disposed", "the merge pool has been disposed");
      // Buffers are shared, not transferred: parts of one step read the same inputs and write one output.
      if (!(task.output.buffer instanceof SharedArrayBuffer)) throw new SmeltError("internal", "a worker's output buffer must be shared");
      const reply = (await pool.run(task)) as WorkerReply;
      return unwrap(task, reply);
    },
    dispose,
    [Symbol.asyncDispose]: dispose,
  };
}

function unwrap(task: StepTask, reply: WorkerReply): StepResult {
  if (reply.ok) return { nonFinite: reply.nonFinite };
  if (reply.code === "internal") {
    throw new Error(`merging tensor "${task.tensorName}" with ${task.method} failed: ${reply.message}`);
  }
  throw new SmeltError(reply.code, reply.message);
}

/**
 * The compiled worker is merge-worker.js beside this file. Under a TypeScript runner (vitest, tsx)
 * only the .ts source exists, so a small shim registers tsx's loader inside the worker first.
 */
function workerEntry(): { filename: string; execArgv: string[] } {
  const js = fileURLToPath(new URL("./merge-worker.js", import.meta.url));
  if (existsSync(js)) return { filename: js, execArgv: [] };
  return { filename: fileURLToPath(new URL("./merge-worker-tsx.mjs", import.meta.url)), execArgv: [] };
}
