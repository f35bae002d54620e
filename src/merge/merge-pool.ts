import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Tinypool from "tinypool";
import { SmeltError } from "../errors.js";
import mergeWorker, { type WorkerReply } from "./merge-worker.js";
import type { StepResult, StepTask } from "./step-task.js";

/**
 * Runs merge steps on worker threads (tinypool). One pool lives as long as its owner wants it to:
 * a search keeps one for every candidate instead of paying thread start-up each time.
 * `threads: 0` runs steps inline on the calling thread (useful for debugging and tiny merges).
 */
export interface MergePool extends AsyncDisposable {
  readonly threads: number;
  run(task: StepTask): Promise<StepResult>;
  dispose(): Promise<void>;
}

export function createMergePool(threads: number): MergePool {
  if (!Number.isInteger(threads) || threads < 0) {
    throw new SmeltError("usage", `--threads must be a whole number >= 0, got ${threads}`);
  }
  if (threads === 0) {
    const run = async (task: StepTask) => unwrap(task, mergeWorker(task));
    const dispose = async () => {};
    return { threads, run, dispose, [Symbol.asyncDispose]: dispose };
  }
  const { filename, execArgv } = workerEntry();
  const pool = new Tinypool({ filename, execArgv, minThreads: threads, maxThreads: threads, idleTimeout: 60_000 });
  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    await pool.destroy();
  };
  return {
    threads,
    async run(task) {
      if (disposed) throw new SmeltError("disposed", "the merge pool has been disposed");
      const transfer = transferList(task);
      const reply = (await pool.run(task, { transferList: transfer })) as WorkerReply;
      return unwrap(task, reply);
    },
    dispose,
    [Symbol.asyncDispose]: dispose,
  };
}

function unwrap(task: StepTask, reply: WorkerReply): StepResult {
  if (reply.ok) return { bytes: reply.bytes, warnings: reply.warnings };
  if (reply.code === "internal") {
    throw new Error(`merging tensor "${task.tensorName}" with ${task.method} failed: ${reply.message}`);
  }
  throw new SmeltError(reply.code, reply.message);
}

/** Input buffers move to the worker instead of being copied, when they are whole buffers. */
function transferList(task: StepTask): ArrayBuffer[] {
  const list: ArrayBuffer[] = [];
  for (const t of [...task.inputs, ...(task.base ? [task.base] : [])]) {
    const buf = t.bytes.buffer;
    if (buf instanceof ArrayBuffer && t.bytes.byteOffset === 0 && t.bytes.byteLength === buf.byteLength && !list.includes(buf)) {
      list.push(buf);
    }
  }
  return list;
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
