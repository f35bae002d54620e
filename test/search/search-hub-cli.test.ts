/**
 * `smelt search` over org/name references through the real CLI: the models come from the fake Hub
 * (HF_ENDPOINT, HF_HUB_CACHE in a temp folder), the search is killed with SIGKILL mid-way, the Hub
 * is shut down, and `--resume` with HF_HUB_OFFLINE=1 finishes the run from the cache with the
 * commits the run recorded.
 */
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportRecipe, openRun, replayState } from "../../src/store/index.js";
import { startFakeHub, toyFiles, type FakeHub } from "../hub/fake-hub.js";
import { runSmelt, startSmelt } from "../helpers/smelt-cli.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { toySpaceYaml } from "../helpers/toy-space.js";

const path = useTempDir("search-hub-cli");
const BUDGET = 16;
let hub: FakeHub | undefined;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  hub = await startFakeHub({
    repos: { "toy/base": { files: toyFiles("base") }, "toy/max": { files: toyFiles("expert-max") }, "toy/kind": { files: toyFiles("expert-kind") }, "toy/pick": { files: toyFiles("expert-pick") } },
  });
  env = { HF_ENDPOINT: hub.url, HF_HUB_CACHE: path("cache"), HF_HOME: path("hf-home"), HF_TOKEN: "", HUGGING_FACE_HUB_TOKEN: "", HF_HUB_OFFLINE: "" };
  await mkdir(path("work"));
  await writeFile(path("work/space.yaml"), toySpaceYaml({ models: [{ model: "toy/max" }, { model: "toy/kind" }, { model: "toy/pick" }], base: "toy/base", budget: BUDGET, seed: 3 }));
});
afterAll(async () => hub?.close());

const scoredLines = (runDir: string) => {
  try {
    return readFileSync(`${runDir}/journal.jsonl`, "utf8").split("\n").filter((l) => l.includes('"kind":"candidate-scored"')).length;
  } catch {
    return 0;
  }
};

describe("smelt search over org/name references (real CLI, fake Hub)", () => {
  it("downloads the models, survives kill -9, and resumes offline with the Hub gone, from the cache at the recorded commits", { timeout: 300_000 }, async () => {
    const work = path("work");
    const runDir = path("work/runs/hub-cli");
    const child = startSmelt(["search", "space.yaml", "--id", "hub-cli", "--limit", "4"], work, env);
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    // Killed once the first candidate is journaled: most of the budget is left to the resume.
    while (scoredLines(runDir) < 1 && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGKILL");
    expect(await exited, child.output()).toBeNull();
    const first = child.output();
    for (const repo of ["toy/max", "toy/kind", "toy/pick", "toy/base"]) {
      expect(first).toContain(`model ${repo}: main → commit ${hub!.commitOf(repo).slice(0, 12)} (2 of 2 files to fetch, 1.74 MB)`);
    }
    expect(first).toMatch(/ {2}downloaded model\.safetensors \(1\.74 MB, sha256 verified\)/);
    const commits = Object.fromEntries(["toy/max", "toy/kind", "toy/pick", "toy/base"].map((repo) => [repo, hub!.commitOf(repo)]));
    await hub!.close();
    hub = undefined;

    const resumed = await runSmelt(["search", "--resume", "runs/hub-cli"], work, { ...env, HF_HUB_OFFLINE: "1" });
    expect(resumed.code, resumed.output).toBe(0);
    for (const [repo, commit] of Object.entries(commits)) {
      expect(resumed.output).toContain(`model ${repo}: commit ${commit.slice(0, 12)} as pinned when the run started (from the cache)`);
    }
    expect(resumed.output).toMatch(/resuming run hub-cli .*candidates already done/);
    expect(resumed.output).toContain("finished (budget)");

    const record = await openRun(runDir);
    const state = replayState(record.entries);
    expect(state.started.hubPins?.map((p) => [p.ref, p.commit])).toEqual(Object.entries(commits));
    expect(state.scored.size + state.failed.size).toBe(BUDGET);
    expect(state.failed.size).toBe(0);
    expect(state.heldout.size).toBeGreaterThanOrEqual(1);
    for (const p of state.proposed.values()) expect(p.recipe.base_model).toBe(`toy/base@${commits["toy/base"]}`);
    const yaml = exportRecipe(record.entries).yaml;
    for (const repo of ["toy/max", "toy/kind", "toy/pick"]) expect(yaml).toContain(`  - model: ${repo}@${commits[repo]}\n`);
  });
});
