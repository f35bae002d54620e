import type { SearchEvent } from "./search-events.js";

/**
 * Events emitted by callbacks deep in the loop (merge and scoring progress) while a step of the
 * loop's generator is still running. `drain` hands them to the consumer as they happen, so a
 * progress display moves during a candidate instead of jumping when it ends.
 */
export class EventQueue {
  #items: SearchEvent[] = [];
  #wake: (() => void) | undefined;

  push(event: SearchEvent): void {
    this.#items.push(event);
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** Removes and returns everything queued. */
  take(): SearchEvent[] {
    const items = this.#items;
    this.#items = [];
    return items;
  }

  /** Resolves when something is queued (at once if something already is). One waiter at a time. */
  waitForItems(): Promise<void> {
    if (this.#items.length > 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#wake = resolve;
    });
  }
}

/**
 * Runs a sub-generator, yielding its events and, while one of its steps is in progress, the
 * events its callbacks queue, as they arrive. If the consumer stops early, waits for the step in
 * progress before closing the sub-generator (its resources are in use until then).
 */
export async function* drain<T>(queue: EventQueue, inner: AsyncGenerator<SearchEvent, T>): AsyncGenerator<SearchEvent, T> {
  let step: Promise<IteratorResult<SearchEvent, T>> | undefined = inner.next();
  try {
    for (;;) {
      const outcome = await Promise.race([step.then((result) => ({ result })), queue.waitForItems().then(() => undefined)]);
      for (const event of queue.take()) yield event;
      if (outcome === undefined) continue;
      if (outcome.result.done) {
        step = undefined;
        return outcome.result.value;
      }
      step = undefined;
      yield outcome.result.value;
      step = inner.next();
    }
  } finally {
    if (step !== undefined) {
      await step.catch(() => undefined);
      await inner.return(undefined as never).catch(() => undefined);
    }
  }
}
