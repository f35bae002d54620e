import { useSyncExternalStore } from "react";
import type { RunViewStore } from "../state/run-view-store.js";
import type { RunView } from "../state/run-view.js";

/** The live run's view, re-rendering on every change of the store. */
export function useRunView(store: RunViewStore): RunView {
  return useSyncExternalStore(store.subscribe, store.getState, store.getState);
}
