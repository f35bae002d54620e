import { readFile } from "node:fs/promises";
import { RunStoreError } from "./run-store-error.js";
import { writeFileAtomic } from "./write-file-atomic.js";

/**
 * The optimiser's state at one point of the journal. `journalSeq` is the journal's last `seq` when
 * it was saved: on resume, entries after it (candidates scored after the snapshot) must be told to
 * the restored optimiser again, or it would ask for them a second time.
 */
export interface OptimiserSnapshot {
  readonly version: 1;
  readonly journalSeq: number;
  readonly savedAt: string;
  /** Whatever the optimiser serialises; must survive JSON (plain arrays, not typed arrays). */
  readonly state: unknown;
}

/** Replaces the snapshot atomically (temp file + fsync + rename): a crash keeps the previous one. */
export async function writeOptimiserSnapshot(path: string, snapshot: OptimiserSnapshot): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(snapshot)}\n`);
}

/** The saved snapshot, or undefined when the run has none yet. */
export async function readOptimiserSnapshot(path: string): Promise<OptimiserSnapshot | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let snapshot: Partial<OptimiserSnapshot>;
  try {
    snapshot = JSON.parse(text) as Partial<OptimiserSnapshot>;
  } catch (error) {
    throw new RunStoreError(path, `not valid JSON (${(error as Error).message}); delete it to restart the optimiser from the journal`, { cause: error });
  }
  if (snapshot.version !== 1 || !Number.isInteger(snapshot.journalSeq) || typeof snapshot.savedAt !== "string" || !("state" in snapshot)) {
    throw new RunStoreError(path, "not an optimiser snapshot written by this smelt (expected version 1 with journalSeq, savedAt and state)");
  }
  return snapshot as OptimiserSnapshot;
}
