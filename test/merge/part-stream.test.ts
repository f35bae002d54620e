import { describe, expect, it } from "vitest";
import { streamParts } from "../../src/merge/part-stream.js";
import type { StepResult } from "../../src/merge/step-task.js";

/** A fake pool: parts finish when the test says so; buffers are counted. */
function harness(count: number, window: number) {
  const ranges = Array.from({ length: count }, (_, i) => [i * 10, i * 10 + 10] as const);
  const finish: ((result: StepResult | Error) => void)[] = [];
  const started: number[] = [];
  let live = 0;
  let most = 0;
  const released: Uint8Array[] = [];
  const stream = streamParts({
    ranges,
    window,
    bytesOf: ([a, b]) => b - a,
    acquire: (bytes) => {
      live++;
      most = Math.max(most, live);
      return new Uint8Array(bytes);
    },
    release: (buffer) => {
      live--;
      released.push(buffer);
    },
    run: (range, output) => {
      started.push(range[0] / 10);
      return new Promise<StepResult>((resolve, reject) => {
        finish[range[0] / 10] = (r) => {
          if (r instanceof Error) return reject(r);
          output.fill(range[0] / 10);
          resolve(r);
        };
      });
    },
  });
  return { stream, finish, started, released, live: () => live, most: () => most };
}

describe("streamParts", () => {
  it("hands out every part in order, never more than `window` merged ahead, each buffer kept until the next is asked for", async () => {
    const h = harness(6, 2);
    expect(h.started).toEqual([0, 1]);
    // Finishing out of order: part 1 first; part 0 is still handed out first.
    h.finish[1]({ nonFinite: [] });
    h.finish[0]({ nonFinite: [{ input: 0, nan: 1, posInf: 0, negInf: 0 }] as never });
    const seen: number[] = [];
    for await (const out of h.stream.outputs()) {
      seen.push(out[0]);
      expect(h.released).not.toContain(out);
      expect(h.live()).toBeLessThanOrEqual(2);
      // Parts that have started finish now (the writer is slower than the pool here).
      for (const i of h.started) h.finish[i]?.({ nonFinite: [] });
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
    expect(h.started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(h.most()).toBe(2);
    expect(h.live()).toBe(0);
    expect(h.stream.results).toHaveLength(6);
    expect(h.stream.results[0].nonFinite).toHaveLength(1);
  });

  it("stops at a failed part, and settle() waits for the parts in flight and gives back every buffer", async () => {
    const h = harness(5, 3);
    expect(h.started).toEqual([0, 1, 2]);
    h.finish[0]({ nonFinite: [] });
    const outputs = h.stream.outputs();
    expect((await outputs.next()).value![0]).toBe(0);
    const failing = outputs.next();
    h.finish[1](new Error("worker failed"));
    await expect(failing).rejects.toThrow(/worker failed/);
    let settled = false;
    const settling = h.stream.settle().then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 5));
    // Parts 2 and 3 (started when part 0 was taken) still merge into their buffers: nothing is
    // given back before they end, and no part starts after the failure.
    expect(settled).toBe(false);
    expect(h.live()).toBe(3);
    h.finish[2]({ nonFinite: [] });
    await new Promise((r) => setTimeout(r, 5));
    expect(settled).toBe(false);
    h.finish[3]({ nonFinite: [] });
    await settling;
    expect(h.live()).toBe(0);
    expect(h.started).toEqual([0, 1, 2, 3]);
  });

  it("refuses a window below 1", () => {
    expect(() => harness(1, 0)).toThrow(/window must be a positive integer/);
  });
});
