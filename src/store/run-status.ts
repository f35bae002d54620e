import type { JournalEntry } from "./journal-entry.js";
import type { RunLockInfo } from "./run-lock.js";

/**
 * finished: the last lifecycle entry is run-finished. running: not finished and a live process
 * holds the lock (or one on another host, which cannot be checked). interrupted: not finished and
 * nobody holds it: the process crashed or was killed; `smelt search --resume` picks it up.
 */
export type RunStatus = "running" | "finished" | "interrupted";

export function runStatus(entries: readonly JournalEntry[], lock: RunLockInfo | undefined): RunStatus {
  for (let i = entries.length - 1; i >= 0; i--) {
    const kind = entries[i].kind;
    if (kind === "run-finished") return "finished";
    if (kind === "run-started" || kind === "run-resumed") break;
  }
  return lock !== undefined && lock.alive !== false ? "running" : "interrupted";
}
