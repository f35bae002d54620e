import { mkdir, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { HubPin } from "./journal-entry.js";
import { JournalWriter } from "./journal-writer.js";
import { Run } from "./run.js";
import { hashSpace, runFiles } from "./run-files.js";
import { checkRunId, newRunId } from "./run-id.js";
import { acquireRunLock } from "./run-lock.js";
import { RunStoreError } from "./run-store-error.js";
import { syncDirectory, writeFileAtomic } from "./write-file-atomic.js";

export interface CreateRunOptions {
  /** Recorded in run-started; the search's random seed. */
  readonly seed: number;
  /** Recorded in run-started and run-resumed. */
  readonly smeltVersion: string;
  /** The run id (folder name). Defaults to newRunId(): start time plus a random suffix. */
  readonly id?: string;
  /** Extra settings to record in run-started (budget, objective...). */
  readonly settings?: Record<string, unknown>;
  /** The commits the space's Hub references resolved to, recorded in run-started. Defaults to none. */
  readonly hubPins?: readonly HubPin[];
  /** Defaults to `() => new Date()`; stamps ids and entries. */
  readonly clock?: () => Date;
}

/**
 * Creates `runsDir/<id>/` with `space.yaml` (the search space text as given), `candidates/`, and a
 * journal whose first entry is run-started (space hash, seed, smelt version). Refuses an existing
 * run folder. Returns the open Run, holding the run's lock.
 */
export async function createRun(runsDir: string, spaceText: string, options: CreateRunOptions): Promise<Run> {
  const clock = options.clock ?? (() => new Date());
  const id = checkRunId(options.id ?? newRunId(clock()));
  const files = runFiles(resolve(join(runsDir, id)));
  await mkdir(runsDir, { recursive: true });
  try {
    await mkdir(files.dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      throw new RunStoreError(files.dir, "a run with this id already exists: resume it, or pick another id", { cause: error });
    }
    throw error;
  }
  await syncDirectory(runsDir);
  const lock = await acquireRunLock(files.dir, clock());
  try {
    await mkdir(files.candidates);
    await writeFileAtomic(files.space, spaceText, { overwrite: false });
    const writer = await JournalWriter.open(files.journal, { clock });
    await syncDirectory(files.dir);
    const started = await writer.append({
      kind: "run-started",
      runId: id,
      spaceHash: hashSpace(spaceText),
      seed: options.seed,
      smeltVersion: options.smeltVersion,
      ...(options.settings === undefined ? {} : { settings: options.settings }),
      ...(options.hubPins === undefined || options.hubPins.length === 0 ? {} : { hubPins: [...options.hubPins] }),
    }).catch(async (error: unknown) => {
      await writer.close();
      throw error;
    });
    return new Run({ id, files, spaceText, entries: [started], writer, lock, clock });
  } catch (error) {
    await lock.release();
    // Nothing of this run exists anywhere else yet: leave no half-made folder for listRuns to trip on.
    await rm(files.dir, { recursive: true, force: true });
    throw error;
  }
}
