import type { SearchControl, SearchEvent } from "../index.js";
import { SmeltApp } from "./app.js";
import { mountTui } from "./run-tui.js";
import { feedSearchEvent } from "./session/feed-search-event.js";
import { createLiveRun } from "./session/search-session.js";

export interface TuiReporterOptions {
  readonly control: SearchControl;
  readonly stop: () => void;
  readonly forceExit: () => void;
  readonly title: string;
  /** Defaults to performance.now. */
  readonly now?: () => number;
}

/**
 * The `tui` reporter of `smelt search`: the live run screen over the search's events, with its
 * keys (pause, stop, axes, leaderboard, export). `close()` gives the terminal back when the search
 * has ended; the command then prints its summary on the normal screen.
 */
export function createTuiReporter(options: TuiReporterOptions): { event(e: SearchEvent): void; close(): Promise<void>; readonly handlesInterrupt: true } {
  const now = options.now ?? (() => performance.now());
  const live = createLiveRun({ now, control: options.control, abort: options.stop });
  let ended: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (ended = resolve));
  const tui = mountTui(<SmeltApp spacesDir="" runsDir="" search={{ live, done, title: options.title }} onForceExit={() => {
    tui.close();
    options.forceExit();
  }} />);
  // The display crashed: stop the search gracefully rather than run on blind.
  tui.exited.catch((error: unknown) => {
    options.stop();
    process.stderr.write(`smelt: the terminal UI failed (${error instanceof Error ? error.message : String(error)}); stopping after the current candidate\n`);
  });
  return {
    handlesInterrupt: true,
    event: (e) => feedSearchEvent(live.store, e, { now }),
    async close() {
      ended();
      tui.close();
      await tui.exited.catch(() => undefined);
    },
  };
}
