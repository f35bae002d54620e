/**
 * Pause and resume through SearchOptions.control, with the real parts (tiny llama GGUFs merged by
 * the merge engine, scored by llama.cpp): while paused nothing is loaded, merged or journaled
 * besides the pause itself, and the paused search ends exactly as an uninterrupted one.
 */
import { describe, expect, it } from "vitest";
import { createLlamaBackend, type EvalBackend } from "../../src/eval/index.js";
import { createSearchControl, search, type SearchEvent } from "../../src/search/index.js";
import { openRun, replayState, type JournalEntry } from "../../src/store/index.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { writeTinySearchSpace } from "./tiny-space.js";

const path = useTempDir("pause");
const BUDGET = 4;

/** The real llama.cpp backend, counting model loads. */
async function countingBackend(): Promise<EvalBackend & { loads: () => number }> {
  const real = await createLlamaBackend({ threads: 1 });
  let loads = 0;
  return {
    loadModel: (p) => {
      loads++;
      return real.loadModel(p);
    },
    dispose: () => real.dispose(),
    [Symbol.asyncDispose]: () => real.dispose(),
    loads: () => loads,
  };
}

/** Lets timers and I/O run for a while: anything the loop could start would start now. */
const idle = (ms: number) => new Promise((r) => setTimeout(r, ms));

const outcome = (entries: readonly JournalEntry[]) => {
  const s = replayState(entries);
  return { proposed: [...s.proposed.values()].map((p) => [p.id, p.method, p.x]), scored: [...s.scored.values()].map((c) => [c.id, c.fitness]) };
};

describe("pausing a search", () => {
  it("starts nothing while paused, journals the pause, and ends as an uninterrupted search", { timeout: 120_000 }, async () => {
    const space = await writeTinySearchSpace(path, { file: "space.yaml", budget: BUDGET, methods: "ties", seed: 4, modelSeed: 30 });
    const reference = await search({ spacePath: space }, { runsDir: path("runs"), runId: "straight", limit: 3 });

    await using backend = await countingBackend();
    const control = createSearchControl();
    const events: SearchEvent[] = [];
    let whilePaused: { loads: number; lines: number; after: { loads: number; lines: number } } | undefined;
    const journalLines = async () => (await openRun(path("runs/paused"))).entries.length;
    const summary = await search({ spacePath: space }, {
      runsDir: path("runs"), runId: "paused", limit: 3, backend, control,
      onEvent: (e) => {
        events.push(e);
        if (e.type === "scored" && e.done === 2) control.pause();
        if (e.type === "paused") {
          void (async () => {
            const before = { loads: backend.loads(), lines: await journalLines() };
            await idle(300);
            whilePaused = { ...before, after: { loads: backend.loads(), lines: await journalLines() } };
            control.resume();
          })();
        }
      },
    });
    expect(summary.reason).toBe("budget");
    expect(whilePaused).toBeDefined();
    expect(whilePaused!.after).toEqual({ loads: whilePaused!.loads, lines: whilePaused!.lines });

    const types = events.map((e) => e.type);
    expect(types.filter((t) => t === "paused")).toHaveLength(1);
    const pausedAt = types.indexOf("paused");
    expect(types.indexOf("resumed")).toBeGreaterThan(pausedAt);
    // The candidate merged ahead of time waits for the resume: it is the third one.
    expect(events[pausedAt]).toEqual({ type: "paused", waiting: "c0003" });
    const scoredBefore = events.slice(0, pausedAt).filter((e) => e.type === "scored").map((e) => (e as { id: string }).id);
    expect(scoredBefore).toEqual(["c0001", "c0002"]);

    const run = await openRun(summary.dir);
    const kinds = run.entries.map((e) => (e.kind === "candidate-scored" || e.kind === "candidate-merged" ? `${e.kind}:${e.id}` : e.kind));
    const p = kinds.indexOf("run-paused");
    expect(kinds.slice(p - 1, p + 3)).toEqual(["candidate-scored:c0002", "run-paused", "run-unpaused", "candidate-merged:c0003"]);
    expect(outcome(run.entries)).toEqual(outcome((await openRun(reference.dir)).entries));
  });

  it("stops at once when stopped while paused, and a resume finishes the same search", { timeout: 120_000 }, async () => {
    const space = await writeTinySearchSpace(path, { file: "space2.yaml", budget: BUDGET, methods: "ties", seed: 4, modelSeed: 30 });
    const control = createSearchControl();
    const controller = new AbortController();
    const events: SearchEvent[] = [];
    const first = await search({ spacePath: space }, {
      runsDir: path("runs"), runId: "stopped", limit: 3, control, signal: controller.signal,
      onEvent: (e) => {
        events.push(e);
        if (e.type === "scored" && e.done === 1) control.pause();
        if (e.type === "paused") controller.abort();
      },
    });
    expect(first.reason).toBe("stopped");
    expect(events.find((e) => e.type === "resumed")).toMatchObject({ stopping: true });
    const stopped = replayState((await openRun(first.dir)).entries);
    expect(stopped.scored.size + stopped.failed.size).toBe(1);
    expect(stopped.paused).toBe(false);
    expect(stopped.finished?.reason).toBe("stopped");
    expect((await openRun(first.dir)).entries.slice(-3).map((e) => e.kind)).toEqual(["run-paused", "run-unpaused", "run-finished"]);

    const resumed = await search({ resume: first.dir });
    expect(resumed.reason).toBe("budget");
    expect(outcome((await openRun(resumed.dir)).entries)).toEqual(outcome((await openRun(path("runs/straight"))).entries));
  });
});
