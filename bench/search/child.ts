/**
 * Child process of `npm run bench -- search`: runs one search through `searchIter` and times it
 * from its events, so the peak RSS and CPU time it reports are the search's own. Prints one JSON
 * line (SearchChildResult).
 */
import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { searchIter, type SearchEvent } from "../../src/index.js";

export interface SearchJob {
  readonly spacePath: string;
  readonly runsDir: string;
  readonly tmpDir: string;
  readonly evalThreads: number;
  readonly mergeThreads: number;
  readonly limit?: number;
}

export interface CandidateRow {
  readonly id: string;
  readonly method: string;
  readonly fitness: number;
  readonly merge: number;
  readonly write: number;
  readonly load: number;
  readonly score: number;
  /** Wall seconds from the previous candidate's end (or the first proposal) to this one's. */
  readonly wall: number;
  /** CPU seconds (user + system, all threads) over the same interval. */
  readonly cpu: number;
}

/** Wall and CPU seconds of one stretch of the run. */
export interface Window {
  readonly wall: number;
  readonly cpu: number;
}

export interface SearchChildResult {
  readonly candidates: readonly CandidateRow[];
  readonly failed: readonly { id: string; phase: string; reason: string }[];
  /** Opening the run, the backend and the tasks (start -> "run" event). */
  readonly setup: Window;
  /** Scoring the base and source models on both splits. */
  readonly references: Window & { readonly count: number };
  /** First proposal -> last candidate finished: what the per-candidate figures add up to. */
  readonly loop: Window;
  /** Re-merging and scoring the finalists on the test split, and closing the run. */
  readonly heldout: Window;
  readonly cores: number;
  readonly maxRssBytes: number;
}

function cpuNow(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
}

async function runSearch(job: SearchJob): Promise<SearchChildResult> {
  const mark = () => ({ t: performance.now() / 1000, c: cpuNow() });
  const span = (a: { t: number; c: number }, b: { t: number; c: number }): Window => ({ wall: b.t - a.t, cpu: b.c - a.c });
  const start = mark();
  let runAt = start;
  let lastReference: ReturnType<typeof mark> | undefined;
  let referenceCount = 0;
  let loopStart: ReturnType<typeof mark> | undefined;
  let previous: ReturnType<typeof mark> | undefined;
  const candidates: CandidateRow[] = [];
  const failed: { id: string; phase: string; reason: string }[] = [];
  const iterator = searchIter({ spacePath: job.spacePath }, { runsDir: job.runsDir, tmpDir: job.tmpDir, evalThreads: job.evalThreads, mergeThreads: job.mergeThreads, limit: job.limit, keep: 0 });
  for (;;) {
    const next = await iterator.next();
    if (next.done) break;
    const e: SearchEvent = next.value;
    const now = mark();
    if (e.type === "run") runAt = now;
    else if (e.type === "reference") {
      lastReference = now;
      referenceCount++;
    } else if (e.type === "proposed") {
      loopStart ??= now;
      previous ??= now;
    } else if (e.type === "scored" || e.type === "failed") {
      const since = previous ?? now;
      if (e.type === "scored") candidates.push({ id: e.id, method: e.method, fitness: e.fitness, ...e.seconds, wall: now.t - since.t, cpu: now.c - since.c });
      else failed.push({ id: e.id, phase: e.phase, reason: e.reason });
      previous = now;
    }
  }
  const end = mark();
  const refEnd = lastReference ?? runAt;
  return {
    candidates,
    failed,
    setup: span(start, runAt),
    references: { ...span(runAt, refEnd), count: referenceCount },
    loop: span(loopStart ?? refEnd, previous ?? refEnd),
    heldout: span(previous ?? refEnd, end),
    cores: availableParallelism(),
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

const [jobFile] = process.argv.slice(2);
if (jobFile !== undefined) {
  const job = JSON.parse(await readFile(jobFile, "utf8")) as SearchJob;
  process.stdout.write(`${JSON.stringify(await runSearch(job))}\n`);
}
