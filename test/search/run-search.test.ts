/**
 * The search loop end to end through the real parts: tiny llama GGUFs written by smelt, merged by
 * the merge engine, scored by llama.cpp on the toy tasks, journaled by the store.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { writeTinySearchSpace } from "./tiny-space.js";
import { merge } from "../../src/merge/index.js";
import { parseRecipe } from "../../src/recipe/index.js";
import { exportRecipe } from "../../src/store/index.js";
import { describe, expect, it } from "vitest";
import { search, type SearchEvent } from "../../src/search/index.js";
import { openRun, replayState } from "../../src/store/index.js";
import { useTempDir } from "../helpers/temp-dir.js";

const path = useTempDir("run-search");

function makeSpace(budget: number, file = "space.yaml"): Promise<string> {
  return writeTinySearchSpace(path, { file, budget, methods: "task_arithmetic, ties", seed: 3, modelSeed: 70 });
}

describe("search loop", () => {
  it("scores references, runs exactly the budget, journals every step and re-scores finalists on the test split", async () => {
    const space = await makeSpace(7);
    const events: SearchEvent[] = [];
    const summary = await search({ spacePath: space }, { runsDir: path("runs"), runId: "full", limit: 4, onEvent: (e) => events.push(e) });
    expect(summary.reason).toBe("budget");
    expect(summary.evaluations).toBe(7);
    const run = await openRun(summary.dir);
    const state = replayState(run.entries);
    expect(state.scored.size + state.failed.size).toBe(7);
    expect(state.references.size).toBe(6); // base + 2 sources, validation and test
    expect(state.heldout.size).toBeGreaterThanOrEqual(2);
    expect([...state.proposed.keys()]).toEqual(["c0001", "c0002", "c0003", "c0004", "c0005", "c0006", "c0007"]);
    expect(events.filter((e) => e.type === "scored")).toHaveLength(7);
    expect(events.at(-1)).toMatchObject({ type: "finished", reason: "budget" });
    // Each candidate was merged before it was scored, with timings recorded.
    for (const id of state.scored.keys()) expect(state.merged.get(id)?.seconds.merge).toBeGreaterThanOrEqual(0);
  });

  it("stops on the abort signal and a resume finishes the same search as an uninterrupted run", async () => {
    const space = await makeSpace(9, "space2.yaml");
    const reference = await search({ spacePath: space }, { runsDir: path("runs"), runId: "uninterrupted", limit: 3 });
    const controller = new AbortController();
    let scored = 0;
    const first = await search({ spacePath: space }, {
      runsDir: path("runs"), runId: "stopped", limit: 3, signal: controller.signal,
      onEvent: (e) => {
        if (e.type === "scored" && ++scored === 3) controller.abort();
      },
    });
    expect(first.reason).toBe("stopped");
    expect(first.evaluations).toBeLessThan(9);
    // No limit given: the resume must score with the limit the run recorded, or the results differ.
    const resumed = await search({ resume: first.dir });
    expect(resumed.reason).toBe("budget");
    const a = replayState((await openRun(reference.dir)).entries);
    const b = replayState((await openRun(resumed.dir)).entries);
    expect([...b.proposed.values()].map((p) => [p.id, p.method, p.x])).toEqual([...a.proposed.values()].map((p) => [p.id, p.method, p.x]));
    expect([...b.scored.values()].map((s) => [s.id, s.fitness])).toEqual([...a.scored.values()].map((s) => [s.id, s.fitness]));
  });

  it("exports a recipe that smelt merge rebuilds into the very bytes the search scored", async () => {
    const space = await makeSpace(5, "space3.yaml");
    const summary = await search({ spacePath: space }, { runsDir: path("runs"), runId: "kept", limit: 3, keep: 2 });
    const run = await openRun(summary.dir);
    const exported = exportRecipe(run.entries, { candidate: summary.best });
    const recipe = parseRecipe(exported.yaml, "best.yaml");
    await merge(recipe, { output: path("rebuilt.gguf"), threads: 2 });
    const kept = await readFile(run.files.candidates + `/${summary.best}.gguf`);
    const rebuilt = await readFile(path("rebuilt.gguf"));
    expect(rebuilt.byteLength).toBe(kept.byteLength);
    expect(Buffer.compare(rebuilt, kept)).toBe(0);
  });

  it("journals a candidate that fails (here: over its time limit) and goes on to the end of the budget", async () => {
    const space = await makeSpace(3, "space4.yaml");
    const events: SearchEvent[] = [];
    const summary = await search({ spacePath: space }, { runsDir: path("runs"), runId: "timeouts", limit: 3, candidateTimeoutSeconds: 1e-9, onEvent: (e) => events.push(e) });
    expect(summary.reason).toBe("budget");
    const state = replayState((await openRun(summary.dir)).entries);
    expect(state.failed.size).toBe(3);
    expect(state.scored.size).toBe(0);
    for (const f of state.failed.values()) expect(f).toMatchObject({ phase: "score", reason: expect.stringMatching(/time limit/) });
    expect(events.filter((e) => e.type === "failed")).toHaveLength(3);
    expect(summary.best).toBeUndefined();
  });

  it("clears its own killed session's candidate folder, not that of a run of the same id in another runs folder", async () => {
    const space = await makeSpace(2, "space5.yaml");
    const tmp = path("tmp");
    const folderOf = (runDir: string) => `smelt-same-${createHash("sha256").update(resolve(runDir)).digest("hex").slice(0, 8)}-`;
    const mine = `${tmp}/${folderOf(path("runs/same"))}killed`;
    const theirs = `${tmp}/${folderOf(path("other-runs/same"))}running`;
    await mkdir(mine, { recursive: true });
    await mkdir(theirs, { recursive: true });
    await search({ spacePath: space }, { runsDir: path("runs"), runId: "same", limit: 2, tmpDir: tmp });
    expect(existsSync(mine)).toBe(false);
    expect(existsSync(theirs)).toBe(true);
  });
});
