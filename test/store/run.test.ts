import { appendFile, mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RunStoreError, createRun, hashSpace, listRuns, newRunId, openRun, readJournal, resumeRun } from "../../src/store/index.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { SPACE, proposed, score, scored } from "./fixtures.js";

const path = useTempDir("run");
const options = { seed: 42, smeltVersion: "0.1.0" };

/** A pid no process has: above Linux's pid_max ceiling (2^22). */
const DEAD_PID = 2 ** 22 + 12345;

describe("run folders", () => {
  it("names runs by UTC start time plus a random suffix", () => {
    expect(newRunId(new Date(Date.UTC(2026, 10, 24, 6, 45, 9)), "3fa91c")).toBe("20261124-064509-3fa91c");
    expect(newRunId()).toMatch(/^\d{8}-\d{6}-[0-9a-f]{6}$/);
  });

  it("creates space.yaml, candidates/ and a journal opening with run-started", async () => {
    const runs = path("create");
    const now = new Date(Date.UTC(2026, 10, 24, 6, 45, 1));
    const run = await createRun(runs, SPACE, { ...options, clock: () => now, settings: { budget: 40 } });
    expect(run.id).toBe("20261124-064501-" + run.id.slice(-6));
    expect((await readdir(run.dir)).sort()).toEqual(["candidates", "journal.jsonl", "lock", "space.yaml"]);
    expect(await readFile(run.files.space, "utf8")).toBe(SPACE);
    expect(run.entries).toEqual([
      { kind: "run-started", seq: 1, at: "2026-11-24T06:45:01.000Z", runId: run.id, spaceHash: hashSpace(SPACE), seed: 42, smeltVersion: "0.1.0", settings: { budget: 40 } },
    ]);
    expect(run.candidatePath("c7")).toBe(join(run.dir, "candidates", "c7.gguf"));
    await run.append(proposed("c0"));
    expect(run.entries.map((e) => e.seq)).toEqual([1, 2]);
    expect((await readJournal(run.files.journal)).entries).toEqual(run.entries);
    await run.close();
    expect(await readdir(run.dir)).not.toContain("lock");
  });

  it("refuses an existing id and an unsafe one", async () => {
    const runs = path("ids");
    await (await createRun(runs, SPACE, { ...options, id: "same" })).close();
    await expect(createRun(runs, SPACE, { ...options, id: "same" })).rejects.toThrow(/already exists/);
    await expect(createRun(runs, SPACE, { ...options, id: "../escape" })).rejects.toThrow(/not a valid run id/);
  });

  it("derives status: running while locked, interrupted after a crash, finished after run-finished", async () => {
    const runs = path("status");
    const run = await createRun(runs, SPACE, { ...options, id: "r1" });
    expect((await openRun(run.dir)).status).toBe("running");
    await run.close(); // like a crash: no run-finished
    expect((await openRun(run.dir)).status).toBe("interrupted");

    // A crash also leaves the lock file behind, naming a process that is gone.
    await writeFile(join(run.dir, "lock"), JSON.stringify({ pid: DEAD_PID, host: hostname(), at: "2026-11-24T06:00:00Z" }));
    expect((await openRun(run.dir)).status).toBe("interrupted");

    const resumed = await resumeRun(run.dir, { smeltVersion: "0.1.1" });
    await resumed.append({ kind: "run-finished", reason: "budget" });
    expect((await openRun(run.dir)).status).toBe("finished");
    await resumed.close();
  });

  it("lets only one process append: a live lock holder is an error naming it", async () => {
    const runs = path("lock");
    const run = await createRun(runs, SPACE, { ...options, id: "busy" });
    await expect(resumeRun(run.dir, { smeltVersion: "0.1.0" })).rejects.toThrow(new RegExp(`in use by process ${process.pid}`));
    await run.close();
    await (await resumeRun(run.dir, { smeltVersion: "0.1.0" })).close();
  });

  it("resumes after a crash mid-write: the torn line is dropped, recorded, and appending continues", async () => {
    const runs = path("resume");
    const run = await createRun(runs, SPACE, { ...options, id: "crash" });
    await run.append(proposed("c0"));
    await run.append(scored("c0", { arith: score(0.5) }, 0.5));
    await run.close();
    await appendFile(run.files.journal, '{"kind":"candidate-proposed","id":"c1","gen');
    expect((await openRun(run.dir)).torn?.line).toBe(4);

    const resumed = await resumeRun(run.dir, { smeltVersion: "0.1.1", spaceText: SPACE });
    expect(resumed.entries.at(-1)).toMatchObject({ kind: "run-resumed", seq: 4, droppedTornLine: 4, smeltVersion: "0.1.1" });
    await resumed.append(proposed("c1"));
    await resumed.close();
    const { entries, torn } = await readJournal(run.files.journal);
    expect(torn).toBeUndefined();
    expect(entries.map((e) => `${e.seq}:${e.kind}`)).toEqual(["1:run-started", "2:candidate-proposed", "3:candidate-scored", "4:run-resumed", "5:candidate-proposed"]);
  });

  it("refuses to resume with another space, or after space.yaml was edited", async () => {
    const runs = path("space");
    const run = await createRun(runs, SPACE, { ...options, id: "s" });
    await run.close();
    await expect(resumeRun(run.dir, { smeltVersion: "0.1.0", spaceText: SPACE + "# edited\n" })).rejects.toThrow(/differs from the search space given/);
    await writeFile(run.files.space, SPACE.replace("dare_ties", "ties"));
    await expect(openRun(run.dir)).rejects.toThrow(/edited after the run started/);
  });

  it("saves the optimiser snapshot atomically, tagged with the journal position", async () => {
    const runs = path("optimiser");
    await using run = await createRun(runs, SPACE, { ...options, id: "opt" });
    expect(await run.readOptimiser()).toBeUndefined();
    await run.append(proposed("c0"));
    await run.saveOptimiser({ mean: [0.5, 0.5], sigma: 0.16 });
    await run.saveOptimiser({ mean: [0.6, 0.4], sigma: 0.12 });
    expect(await run.readOptimiser()).toMatchObject({ version: 1, journalSeq: 2, state: { mean: [0.6, 0.4], sigma: 0.12 } });
    expect((await readdir(run.dir)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("explains folders that are not runs", async () => {
    const empty = path("not-a-run");
    await mkdir(empty, { recursive: true });
    await expect(openRun(empty)).rejects.toThrow(/not a run folder/);
    await expect(openRun(path("nowhere"))).rejects.toThrow(RunStoreError);
    await writeFile(join(empty, "space.yaml"), SPACE);
    await writeFile(join(empty, "journal.jsonl"), "");
    await expect(openRun(empty)).rejects.toThrow(/the journal is empty/);
  });

  it("lists runs newest first, with counts, best fitness and unreadable folders", async () => {
    const runs = path("list");
    const a = await createRun(runs, SPACE, { ...options, id: "20261124-060000-aaaaaa" });
    await a.append(proposed("c0"));
    await a.append(proposed("c1"));
    await a.append(scored("c0", { arith: score(0.4) }, 0.4));
    await a.append({ kind: "run-finished", reason: "time" });
    await a.close();
    const b = await createRun(runs, SPACE, { ...options, id: "20261124-070000-bbbbbb" });
    await mkdir(join(runs, "junk"));
    const list = await listRuns(runs);
    expect(list.map((r) => (r.ok ? `${r.id}:${r.status}` : `error:${r.dir.endsWith("junk")}`))).toEqual(["error:true", "20261124-070000-bbbbbb:running", "20261124-060000-aaaaaa:finished"]);
    expect(list[2]).toMatchObject({ proposed: 2, scored: 1, pending: 1, failed: 0, best: { id: "c0", fitness: 0.4 } });
    await b.close();
    expect(await listRuns(path("no-runs-yet"))).toEqual([]);
  });
});
