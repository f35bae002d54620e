import type { Run } from "../../store/index.js";
import type { SearchControl } from "./search-control.js";
import type { SearchEvent } from "./search-events.js";

/**
 * A point where the loop may pause: it is called before anything new starts (a reference, a
 * candidate's merge or scoring, a finalist). When `control` is paused it journals run-paused,
 * yields `paused`, waits for `resume()` or the abort signal, journals run-unpaused and yields
 * `resumed`. Returns the milliseconds spent paused (not spent budget).
 */
export async function* pauseGate(args: {
  control: SearchControl | undefined;
  signal: AbortSignal | undefined;
  run: Run;
  now: () => number;
  /** A candidate merged ahead of time that waits for the resume. */
  waiting?: string;
}): AsyncGenerator<SearchEvent, number> {
  const { control, signal } = args;
  if (control === undefined || !control.paused || signal?.aborted) return 0;
  await args.run.append({ kind: "run-paused" });
  yield { type: "paused", waiting: args.waiting };
  const t0 = args.now();
  await control.whenRunning(signal);
  const ms = args.now() - t0;
  await args.run.append({ kind: "run-unpaused" });
  yield { type: "resumed", seconds: ms / 1000, stopping: signal?.aborted === true };
  return ms;
}
