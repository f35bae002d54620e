import { describe, expect, it } from "vitest";
import { createSearchControl } from "../../src/search/index.js";
import { earlierSessionsSeconds } from "../../src/search/search-loop/session-seconds.js";
import { journalEntrySchema, replayState, RunStoreError, type JournalEntry, type JournalEntryInput } from "../../src/store/index.js";
import { started } from "../store/fixtures.js";

/** Stamps entries at the given seconds after a fixed start. */
function at(...items: [number, JournalEntryInput][]): JournalEntry[] {
  return items.map(([s, input], i) => journalEntrySchema.parse({ ...input, seq: i + 1, at: new Date(Date.UTC(2026, 10, 24, 6, 0, 0) + s * 1000).toISOString() }));
}

describe("createSearchControl", () => {
  it("resolves whenRunning at once when running, and on resume or abort when paused", async () => {
    const control = createSearchControl();
    await control.whenRunning();
    const seen: boolean[] = [];
    control.subscribe((p) => seen.push(p));
    control.pause();
    control.pause();
    let resumed = false;
    const waiting = control.whenRunning().then(() => (resumed = true));
    await Promise.resolve();
    expect(resumed).toBe(false);
    control.resume();
    await waiting;
    expect(seen).toEqual([true, false]);

    control.pause();
    const controller = new AbortController();
    const aborted = control.whenRunning(controller.signal);
    controller.abort();
    await aborted;
    expect(control.paused).toBe(true);
  });
});

describe("pauses in the journal", () => {
  it("are not counted as time spent by earlier sessions", () => {
    const entries = at(
      [0, started()],
      [10, { kind: "run-paused" }],
      [70, { kind: "run-unpaused" }],
      [100, { kind: "run-finished", reason: "stopped" }],
      [500, { kind: "run-resumed", smeltVersion: "0.1.0" }],
      [520, { kind: "run-paused" }],
      // killed while paused: the pause lasts to the session's last entry
      [900, { kind: "run-resumed", smeltVersion: "0.1.0" }],
    );
    expect(earlierSessionsSeconds(entries)).toBe(40 + 20);
  });

  it("must alternate within a session; a resume ends an open pause", () => {
    expect(replayState(at([0, started()], [1, { kind: "run-paused" }])).paused).toBe(true);
    expect(replayState(at([0, started()], [1, { kind: "run-paused" }], [2, { kind: "run-resumed", smeltVersion: "0.1.0" }])).paused).toBe(false);
    expect(() => replayState(at([0, started()], [1, { kind: "run-unpaused" }]))).toThrow(RunStoreError);
    expect(() => replayState(at([0, started()], [1, { kind: "run-paused" }], [2, { kind: "run-paused" }]))).toThrow(/already paused/);
  });
});
