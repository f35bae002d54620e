import type { RunSummary } from "../../index.js";

/** Interrupted (crashed, killed) and stopped runs continue with a resume; finished and running ones do not. */
export function resumable(r: RunSummary): boolean {
  return r.ok && (r.status === "interrupted" || (r.status === "finished" && r.finishedReason === "stopped"));
}
