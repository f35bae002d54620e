import { runStep } from "./run-step.js";
import type { StepTask } from "./step-task.js";
import { SmeltError } from "../errors.js";
import type { NonFiniteCount } from "./non-finite.js";

/**
 * tinypool worker entry. Errors are returned as data: a thrown class would lose its type crossing
 * the thread boundary, and the executor re-raises them as typed errors.
 */
export default async function mergeWorker(task: StepTask): Promise<WorkerReply> {
  try {
    return { ok: true, nonFinite: [...(await runStep(task)).nonFinite] };
  } catch (error) {
    if (error instanceof SmeltError) return { ok: false, code: error.code, message: error.message };
    return { ok: false, code: "internal", message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}

export type WorkerReply =
  | { readonly ok: true; readonly nonFinite: NonFiniteCount[] }
  | { readonly ok: false; readonly code: string; readonly message: string };
