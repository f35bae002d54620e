import { openRun, type SearchEvent } from "../../index.js";
import { historyFromJournal } from "../state/history-from-journal.js";
import type { RunViewStore } from "../state/run-view-store.js";
import type { CandidateView } from "../state/run-view.js";

/** Reads what earlier sessions of a run finished. Defaults to reading its journal. */
export type LoadHistory = (dir: string) => Promise<{ candidates: CandidateView[]; earlierSeconds: number }>;

export const loadHistoryFromJournal: LoadHistory = async (dir) => historyFromJournal((await openRun(dir)).entries);

/**
 * Hands one search event to a RunViewStore, stamped with the clock. When a resumed run starts,
 * also loads the candidates its earlier sessions finished (the events only cover this session),
 * so the plot, the convergence line and the ETA see the whole run.
 */
export function feedSearchEvent(store: RunViewStore, event: SearchEvent, options: { now: () => number; loadHistory?: LoadHistory }): void {
  store.dispatch({ kind: "event", event, at: options.now() });
  if (event.type === "run" && event.done > 0) {
    (options.loadHistory ?? loadHistoryFromJournal)(event.dir).then(
      (history) => store.dispatch({ kind: "history", ...history, at: options.now() }),
      // The live events still show this session; an unreadable history only loses the past.
      () => undefined,
    );
  }
}
