import { createSearchControl, searchIter, type SearchControl, type SearchEvent, type SearchOptions, type SearchSummary } from "../../index.js";
import { createRunViewStore, type RunViewStore } from "../state/run-view-store.js";
import { feedSearchEvent, type LoadHistory } from "./feed-search-event.js";

/** What the live run screen drives: the view's store, and the user's two levers. */
export interface LiveRun {
  readonly store: RunViewStore;
  /** Pauses (the current candidate finishes, nothing new starts) or resumes. */
  togglePause(): void;
  /** Stops gracefully: the current candidate finishes and is journaled, then the search ends. */
  stop(): void;
}

/** A search run by the TUI itself (`smelt ui`). */
export interface SearchSession extends LiveRun {
  readonly control: SearchControl;
  /** Settles when the search ends: its summary, or undefined when it threw (see `error`). */
  readonly done: Promise<SearchSummary | undefined>;
  /** What the search threw, if it did. */
  readonly error: () => unknown;
}

export type SearchTarget = { spacePath: string } | { resume: string };

export interface SearchSessionOptions {
  /** Passed to the search (runsDir, limit, threads...); control and signal are the session's. */
  readonly search?: Omit<SearchOptions, "control" | "signal">;
  /** Milliseconds clock stamping events. Defaults to performance.now. */
  readonly now?: () => number;
  /** The search loop. Defaults to searchIter (tests inject a scripted one). */
  readonly iterate?: (target: SearchTarget, options: SearchOptions) => AsyncGenerator<SearchEvent, SearchSummary>;
  /** Defaults to reading the run's journal. */
  readonly loadHistory?: LoadHistory;
}

/** Wires pause/stop controls to a RunView store; `feed` is how events reach it. */
export function createLiveRun(options: { now: () => number; control?: SearchControl; abort: () => void }): LiveRun & { readonly control: SearchControl } {
  const store = createRunViewStore();
  const control = options.control ?? createSearchControl();
  return {
    store,
    control,
    togglePause() {
      if (control.paused) {
        control.resume();
        store.dispatch({ kind: "resume-requested", at: options.now() });
      } else {
        control.pause();
        store.dispatch({ kind: "pause-requested", at: options.now() });
      }
    },
    stop() {
      options.abort();
      store.dispatch({ kind: "stop-requested", at: options.now() });
    },
  };
}

/** Starts a search (a new one, or a resume) and folds its events into a store as they come. */
export function startSearchSession(target: SearchTarget, options: SearchSessionOptions = {}): SearchSession {
  const now = options.now ?? (() => performance.now());
  const controller = new AbortController();
  const live = createLiveRun({ now, abort: () => controller.abort() });
  let error: unknown;
  const iterate = options.iterate ?? searchIter;
  const done = (async () => {
    try {
      const events = iterate(target, { ...options.search, control: live.control, signal: controller.signal });
      for (;;) {
        const next = await events.next();
        if (next.done) return next.value;
        feedSearchEvent(live.store, next.value, { now, loadHistory: options.loadHistory });
      }
    } catch (thrown) {
      error = thrown;
      live.store.dispatch({ kind: "crashed", message: thrown instanceof Error ? thrown.message : String(thrown), at: now() });
      return undefined;
    }
  })();
  return { ...live, done, error: () => error };
}
