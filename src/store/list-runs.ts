import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { openRun } from "./open-run.js";
import { replayState } from "./replay-state.js";
import type { RunStatus } from "./run-status.js";

/** One line of `listRuns`: a readable run, or a folder that could not be read and why. */
export type RunSummary =
  | {
      readonly ok: true;
      readonly id: string;
      readonly dir: string;
      readonly status: RunStatus;
      /** Why a finished run ended (budget, time, stopped, converged); a stopped one can be resumed. */
      readonly finishedReason: string | undefined;
      readonly startedAt: string;
      readonly lastAt: string;
      readonly proposed: number;
      readonly scored: number;
      readonly failed: number;
      readonly pending: number;
      /** Best search fitness so far, when anything is scored. */
      readonly best: { readonly id: string; readonly fitness: number } | undefined;
    }
  | { readonly ok: false; readonly dir: string; readonly error: string };

/**
 * Summarises every run folder under `runsDir` (newest first, by folder name, which starts with the
 * start time). A folder that is not a readable run is listed with its error rather than hiding the
 * others. A missing `runsDir` is no runs.
 */
export async function listRuns(runsDir: string): Promise<RunSummary[]> {
  let names: string[];
  try {
    names = (await readdir(runsDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  names.sort().reverse();
  const out: RunSummary[] = [];
  for (const name of names) {
    const dir = join(runsDir, name);
    try {
      const run = await openRun(dir);
      const state = replayState(run.entries, run.files.journal);
      let best: { id: string; fitness: number } | undefined;
      for (const s of state.scored.values()) if (best === undefined || s.fitness > best.fitness) best = { id: s.id, fitness: s.fitness };
      out.push({
        ok: true,
        id: run.id,
        dir,
        status: run.status,
        finishedReason: state.finished?.reason,
        startedAt: run.started.at,
        lastAt: run.entries[run.entries.length - 1].at,
        proposed: state.proposed.size,
        scored: state.scored.size,
        failed: [...state.failed.values()].filter((f) => f.phase !== "heldout").length,
        pending: state.pending.length,
        best,
      });
    } catch (error) {
      out.push({ ok: false, dir, error: (error as Error).message });
    }
  }
  return out;
}
