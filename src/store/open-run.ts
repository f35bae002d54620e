import { existsSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { JournalEntry, RunStartedEntry } from "./journal-entry.js";
import { readJournal, type TornLine } from "./read-journal.js";
import { hashSpace, runFiles, type RunFiles } from "./run-files.js";
import { readRunLock, type RunLockInfo } from "./run-lock.js";
import { runStatus, type RunStatus } from "./run-status.js";
import { RunStoreError } from "./run-store-error.js";

/**
 * A run folder read without taking its lock: what the leaderboard, export and `listRuns` use.
 * `id` is the id recorded in run-started (a renamed folder keeps it).
 */
export interface RunRecord {
  readonly id: string;
  readonly files: RunFiles;
  readonly spaceText: string;
  readonly entries: readonly JournalEntry[];
  readonly started: RunStartedEntry;
  /** A torn last line (crash mid-append), ignored; resume truncates it. */
  readonly torn: TornLine | undefined;
  readonly status: RunStatus;
  readonly lock: RunLockInfo | undefined;
}

/** Subfolders that look like runs (a runs/ folder passed by mistake), sorted: newest last. */
async function runsInside(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    const found = entries.filter((e) => e.isDirectory() && existsSync(join(dir, e.name, "space.yaml")));
    return found.map((e) => join(dir, e.name)).sort();
  } catch {
    return [];
  }
}

/**
 * Reads a run folder: its space, its journal (validated; a torn last line is tolerated and
 * reported in `torn`), and its status. Refuses a folder that is not a run, an empty journal, and a
 * space.yaml whose hash no longer matches the one recorded when the run started.
 */
export async function openRun(dir: string): Promise<RunRecord> {
  const files = runFiles(resolve(dir));
  let spaceText: string;
  try {
    spaceText = await readFile(files.space, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      const inside = await runsInside(files.dir);
      const hint = inside.length > 0 ? `this folder holds runs: pass one of ${inside.slice(-5).join(", ")}` : "pass runs/<id>/ as created by smelt search";
      throw new RunStoreError(dir, `not a run folder (no space.yaml): ${hint}`, { cause: error });
    }
    throw error;
  }
  const { entries, torn } = await readJournal(files.journal);
  const started = entries[0];
  if (started === undefined) {
    throw new RunStoreError(files.journal, "the journal is empty: the run was created but never started; delete the folder");
  }
  if (started.kind !== "run-started") {
    throw new RunStoreError(files.journal, `the first entry is ${started.kind}, not run-started: this journal is not a whole run`, { line: 1 });
  }
  const hash = hashSpace(spaceText);
  if (hash !== started.spaceHash) {
    throw new RunStoreError(files.space, `edited after the run started (hash ${hash} vs ${started.spaceHash} in the journal); restore it or start a new run`);
  }
  const lock = await readRunLock(files.dir);
  return { id: started.runId, files, spaceText, entries, started, torn, status: runStatus(entries, lock), lock };
}
