import { reduceRunView, type RunAction } from "./reduce-run-view.js";
import { initialRunView, type RunView } from "./run-view.js";

/**
 * Holds a RunView outside React and tells subscribers when it changes (the shape
 * `useSyncExternalStore` wants). Whoever reads the search's events dispatches them here; the
 * live run screen subscribes through `useRunView`.
 */
export interface RunViewStore {
  getState(): RunView;
  subscribe(listener: () => void): () => void;
  dispatch(action: RunAction): void;
}

export function createRunViewStore(initial: RunView = initialRunView): RunViewStore {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    dispatch(action) {
      const next = reduceRunView(state, action);
      if (next === state) return;
      state = next;
      for (const listener of [...listeners]) listener();
    },
  };
}
