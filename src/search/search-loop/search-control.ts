/**
 * Pauses and resumes a running search from outside it (`SearchOptions.control`): the TUI's `p`
 * key, or any caller of the library. A pause is real: the loop finishes the candidate it is
 * scoring, then starts nothing new (no merge, no load, no scoring) until `resume()`. A candidate
 * merged ahead of time waits on disk and is scored after the resume, so no work is lost or
 * repeated. Stopping (the search's abort signal) ends a pause at once.
 */
export interface SearchControl {
  /** Whether a pause is requested (the loop may still be finishing its current candidate). */
  readonly paused: boolean;
  /** Requests a pause. Idempotent. */
  pause(): void;
  /** Ends a pause. Idempotent. */
  resume(): void;
  /** Resolves at once when not paused, else when `resume()` is called or `signal` aborts. */
  whenRunning(signal?: AbortSignal): Promise<void>;
  /** Calls `listener` with the new state on every change; returns the unsubscribe function. */
  subscribe(listener: (paused: boolean) => void): () => void;
}

export interface SearchControlOptions {
  /** Start paused. Defaults to false. */
  readonly paused?: boolean;
}

export function createSearchControl(options: SearchControlOptions = {}): SearchControl {
  let paused = options.paused ?? false;
  const listeners = new Set<(paused: boolean) => void>();
  const set = (next: boolean) => {
    if (next === paused) return;
    paused = next;
    for (const listener of [...listeners]) listener(paused);
  };
  const subscribe = (listener: (paused: boolean) => void) => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  };
  return {
    get paused() {
      return paused;
    },
    pause: () => set(true),
    resume: () => set(false),
    subscribe,
    whenRunning(signal) {
      if (!paused || signal?.aborted) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => {
          unsubscribe();
          signal?.removeEventListener("abort", done);
          resolve();
        };
        const unsubscribe = subscribe((p) => {
          if (!p) done();
        });
        signal?.addEventListener("abort", done, { once: true });
      });
    },
  };
}
