import { JournalWriter } from "./journal-writer.js";
import { openRun } from "./open-run.js";
import { Run } from "./run.js";
import { hashSpace } from "./run-files.js";
import { acquireRunLock } from "./run-lock.js";
import { RunStoreError } from "./run-store-error.js";

export interface ResumeRunOptions {
  /** Recorded in run-resumed. */
  readonly smeltVersion: string;
  /**
   * The search space the caller is about to run with. When given it must be the run's space
   * byte for byte: resuming with different settings would mix two searches in one journal.
   */
  readonly spaceText?: string;
  /** Defaults to `() => new Date()`. */
  readonly clock?: () => Date;
}

/**
 * Reopens a run for appending: takes its lock (a live holder is an error), truncates a torn last
 * line, and appends run-resumed. `run.entries` then holds the whole journal, ready for
 * `replayState` to tell the loop what is done and what is pending.
 */
export async function resumeRun(dir: string, options: ResumeRunOptions): Promise<Run> {
  const clock = options.clock ?? (() => new Date());
  const before = await openRun(dir);
  if (options.spaceText !== undefined && hashSpace(options.spaceText) !== before.started.spaceHash) {
    throw new RunStoreError(before.files.space, "differs from the search space given to resume: resume with the run's own space.yaml, or start a new run");
  }
  const lock = await acquireRunLock(before.files.dir, clock());
  try {
    // Read again under the lock: the previous holder may have appended after the first read.
    const record = await openRun(dir);
    const last = record.entries.at(-1);
    const writer = await JournalWriter.open(record.files.journal, {
      clock,
      lastSeq: last?.seq ?? 0,
      ...(record.torn === undefined ? {} : { truncateTo: record.torn.offset }),
    });
    try {
      const resumed = await writer.append({
        kind: "run-resumed",
        smeltVersion: options.smeltVersion,
        ...(record.torn === undefined ? {} : { droppedTornLine: record.torn.line }),
      });
      return new Run({ id: record.id, files: record.files, spaceText: record.spaceText, entries: [...record.entries, resumed], writer, lock, clock });
    } catch (error) {
      await writer.close();
      throw error;
    }
  } catch (error) {
    await lock.release();
    throw error;
  }
}
