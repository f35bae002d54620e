import { listRuns, openRun } from "../../index.js";
import type { PastRun } from "../state/time-estimate.js";

/** How many recent runs the launch screen reads for its time estimate. */
const RECENT_RUNS = 20;

/** The journals of the most recent runs in `runsDir` (unreadable ones skipped). */
export async function loadPastRuns(runsDir: string): Promise<PastRun[]> {
  const runs = (await listRuns(runsDir)).filter((r) => r.ok).slice(0, RECENT_RUNS);
  const out: PastRun[] = [];
  for (const r of runs) {
    try {
      const record = await openRun(r.dir);
      out.push({ spaceHash: record.started.spaceHash, entries: record.entries });
    } catch {
      // listed a moment ago; a run deleted or rewritten since is simply left out
    }
  }
  return out;
}
