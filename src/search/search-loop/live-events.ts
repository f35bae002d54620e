import { EventQueue } from "./event-queue.js";
import type { SearchEvent } from "./search-events.js";

/**
 * Runs `work` (a step that reports through a callback, like resolving the space's Hub references)
 * and yields the events it emits while it runs, as they arrive, so a download's progress reaches
 * the reporters live; then returns its result (or throws its error, after the events before it).
 * If the consumer stops early, the work is waited for and its result handed to `abandon` (to
 * release what it opened). `drain` does the same for a sub-generator's steps.
 */
export async function* liveEvents<T>(work: (emit: (event: SearchEvent) => void) => Promise<T>, abandon?: (value: T) => Promise<void>): AsyncGenerator<SearchEvent, T> {
  const queue = new EventQueue();
  const done = work((event) => queue.push(event)).then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  let finished = false;
  try {
    for (;;) {
      const outcome = await Promise.race([done, queue.waitForItems().then(() => undefined)]);
      for (const event of queue.take()) yield event;
      if (outcome === undefined) continue;
      finished = true;
      if (!outcome.ok) throw outcome.error;
      return outcome.value;
    }
  } finally {
    if (!finished) {
      const outcome = await done;
      if (outcome.ok) await abandon?.(outcome.value);
    }
  }
}
