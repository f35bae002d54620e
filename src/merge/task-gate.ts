/**
 * A counting gate: at most `capacity` holders at once, the others queued in the order they asked.
 * The executor passes each whole-output step through one sized to the merge threads plus one, so
 * that a step takes its output buffer only when a worker is about to run it, not when it is
 * launched: on the project's VM a fresh buffer's first touch costs ~11 us per 4 KiB page, and
 * steps launched far ahead would each take one.
 */
export interface TaskGate {
  /** Resolves once the caller holds a place; give it back with `leave`. */
  enter(): Promise<void>;
  leave(): void;
}

export function createTaskGate(capacity: number): TaskGate {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`a task gate needs a capacity of at least 1, got ${capacity}`);
  let inside = 0;
  const waiting: (() => void)[] = [];
  return {
    enter() {
      if (inside < capacity) {
        inside++;
        return Promise.resolve();
      }
      return new Promise((resolve) => waiting.push(resolve));
    },
    leave() {
      const next = waiting.shift();
      // The place passes straight to the next in line (the count stays).
      if (next) next();
      else if (inside > 0) inside--;
      else throw new RangeError("task gate: leave() without a matching enter()");
    },
  };
}
