import type { StepResult } from "./step-task.js";

/**
 * The parts of an elementwise step, merged a few at a time, each into its own small output buffer,
 * and handed to the writer in order. At most `window` parts are merged but not yet written; a
 * written part's buffer goes back to the pool and the next part starts. So a large tensor's output
 * is never held whole: the buffers are a few MiB each and reused from part to part (hot memory;
 * fresh memory costs a page fault per 4 KiB, several times the cost of the merge's own work on
 * it), and the writer starts on a tensor as soon as its first part is merged.
 */
export interface PartStream {
  /** Each part's output, in order; its buffer is reused once the next one is asked for. */
  outputs(): AsyncGenerator<Uint8Array>;
  /** The results of the parts handed out so far (all of them once `outputs` is done). */
  readonly results: readonly StepResult[];
  /** Waits for every part still merging and gives back every buffer (after a failure). */
  settle(): Promise<void>;
}

export function streamParts(args: {
  /** Element ranges of the parts, in order. */
  readonly ranges: readonly (readonly [number, number])[];
  /** Parts merged ahead of the writer. */
  readonly window: number;
  /** Output bytes of a part. */
  readonly bytesOf: (range: readonly [number, number]) => number;
  readonly acquire: (bytes: number) => Uint8Array;
  readonly release: (buffer: Uint8Array) => void;
  /** Merges a part into `output` (which holds exactly that part). */
  readonly run: (range: readonly [number, number], output: Uint8Array) => Promise<StepResult>;
}): PartStream {
  const { ranges, window } = args;
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`window must be a positive integer, got ${window}`);
  const inFlight: { output: Uint8Array; done: Promise<StepResult> }[] = [];
  const results: StepResult[] = [];
  let next = 0;
  const launch = () => {
    while (inFlight.length < window && next < ranges.length) {
      const range = ranges[next++];
      const output = args.acquire(args.bytesOf(range));
      const done = args.run(range, output);
      // Awaited in turn; this only stops an early failure counting as unhandled.
      done.catch(() => {});
      inFlight.push({ output, done });
    }
  };
  launch();
  return {
    results,
    async *outputs() {
      while (inFlight.length > 0) {
        const head = inFlight[0];
        results.push(await head.done);
        yield head.output;
        inFlight.shift();
        args.release(head.output);
        launch();
      }
    },
    async settle() {
      await Promise.allSettled(inFlight.map((p) => p.done));
      for (const p of inFlight.splice(0)) args.release(p.output);
      next = ranges.length;
    },
  };
}
