/**
 * Searches over Hugging Face references (`org/name`), served by the local fake Hub: each model is
 * downloaded once when the run starts and pinned to its commit (journaled in run-started); every
 * candidate reads the cache only; the scores equal the same search over the local HF folders; a
 * resume uses the recorded commits, from the cache or downloaded again, even after `main` moved.
 */
import { readFileSync } from "node:fs";
import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HubError, type HubOptions } from "../../src/hub/index.js";
import { loadSearchSpace, search, type SearchEvent } from "../../src/search/index.js";
import { pinHubModels } from "../../src/search/search-loop/pin-hub-models.js";
import { exportRecipe, openRun, replayState, type ReplayState } from "../../src/store/index.js";
import { startFakeHub, toyFiles, type FakeHub } from "../hub/fake-hub.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { writeToyAdapter } from "../helpers/toy-lora.js";
import { ROOT, toySpaceYaml } from "../helpers/toy-space.js";

const path = useTempDir("search-hub");
const REPOS = { "toy/base": "base", "toy/max": "expert-max", "toy/kind": "expert-kind", "toy/pick": "expert-pick" } as const;
const BUDGET = 4;
let hub: FakeHub;

beforeAll(async () => {
  hub = await startFakeHub({ repos: Object.fromEntries(Object.entries(REPOS).map(([repo, folder]) => [repo, { files: toyFiles(folder) }])) });
});
afterAll(async () => hub?.close());

/**
 * The space over Hub references (with one local HF folder mixed in, `kind`), or over the same
 * models' local HF folders (same labels).
 */
function space(kind: "hub" | "local"): string {
  const model = (repo: keyof typeof REPOS) => (kind === "hub" && repo !== "toy/kind" ? repo : `${ROOT}examples/toy/${REPOS[repo]}`);
  return toySpaceYaml({
    models: [{ model: model("toy/max"), name: "max" }, { model: model("toy/kind"), name: "kind" }, { model: `${model("toy/pick")}${kind === "hub" ? "@main" : ""}`, name: "pick" }],
    base: model("toy/base"),
    budget: BUDGET,
    seed: 1,
    sigma0: 0.3,
  });
}

/** Hub options that see only the fake Hub and the given cache (no token, no offline switch from outside). */
function hubOptions(cache: string, extra: Omit<HubOptions, "onEvent"> = {}): Omit<HubOptions, "onEvent"> {
  return { hubUrl: hub.url, cacheDir: path(cache), token: null, env: {}, ...extra };
}

const options = { limit: 4, kvCache: "F32" as const, evalThreads: 1, mergeThreads: 1 };
const commits = () => Object.fromEntries(Object.keys(REPOS).map((repo) => [repo, hub.commitOf(repo)]));
const scores = (s: ReplayState) => [...s.scored.values()].map((c) => [c.id, c.fitness, c.tasks]);
const proposals = (s: ReplayState) => [...s.proposed.values()].map((p) => [p.id, p.x]);
let uninterrupted: ReplayState;
let firstCommits: Record<string, string>;

describe("a search over org/name references (fake Hub)", () => {
  it("downloads each model once, pins its commit, asks the Hub nothing per candidate, and scores like the local HF folders", { timeout: 300_000 }, async () => {
    await writeFile(path("hub.yaml"), space("hub"));
    await writeFile(path("local.yaml"), space("local"));
    firstCommits = commits();
    const events: SearchEvent[] = [];
    let requestsAtRun = -1;
    const fromHub = await search(
      { spacePath: path("hub.yaml") },
      {
        ...options, runsDir: path("runs"), runId: "hubsearch-hub", hub: hubOptions("cache"),
        onEvent: (e) => {
          events.push(e);
          if (e.type === "run") requestsAtRun = hub.requests.length;
        },
      },
    );
    expect(fromHub.reason).toBe("budget");
    // Everything the Hub was asked came before the run started: references and candidates read the cache.
    expect(requestsAtRun).toBeGreaterThan(0);
    expect(hub.requests.length).toBe(requestsAtRun);
    for (const repo of ["toy/max", "toy/pick", "toy/base"]) {
      const weights = hub.requests.filter((r) => r.method === "GET" && r.url === `/${repo}/resolve/${firstCommits[repo]}/model.safetensors`);
      expect(weights, `${repo}'s weights fetched once`).toHaveLength(1);
      expect(hub.requests.filter((r) => r.url.startsWith(`/api/models/${repo}/`)).length, `${repo} resolved once`).toBeLessThanOrEqual(2);
    }
    // Download events reach the consumer before the run event, one resolution per reference.
    const downloads = events.filter((e): e is Extract<SearchEvent, { type: "download" }> => e.type === "download");
    expect(events.findIndex((e) => e.type === "run")).toBe(downloads.length);
    expect(downloads.filter((e) => e.pull.event === "resolved").map((e) => [e.ref, e.pinned])).toEqual([["toy/max", false], ["toy/pick@main", false], ["toy/base", false]]);
    expect(downloads.filter((e) => e.pull.event === "file-done" && e.pull.status === "downloaded")).toHaveLength(6);

    const a = replayState((await openRun(fromHub.dir)).entries);
    expect(a.started.hubPins).toEqual([
      { ref: "toy/max", repo: "toy/max", revision: "main", commit: firstCommits["toy/max"] },
      { ref: "toy/pick@main", repo: "toy/pick", revision: "main", commit: firstCommits["toy/pick"] },
      { ref: "toy/base", repo: "toy/base", revision: "main", commit: firstCommits["toy/base"] },
    ]);
    // Candidate recipes name the pinned commits (mergekit's model@revision), and so does the export;
    // a local folder is named by its absolute path, as in any search.
    for (const p of a.proposed.values()) {
      expect(p.recipe.models?.map((m) => m.model)).toEqual([`toy/max@${firstCommits["toy/max"]}`, `${ROOT}examples/toy/expert-kind`, `toy/pick@${firstCommits["toy/pick"]}`]);
      expect(p.recipe.base_model).toBe(`toy/base@${firstCommits["toy/base"]}`);
    }
    const exported = exportRecipe((await openRun(fromHub.dir)).entries).yaml;
    expect(exported).toContain(`# toy/max = toy/max@${firstCommits["toy/max"]} (the commit main resolved to when the run started)`);
    expect(exported).toContain(`  - model: toy/max@${firstCommits["toy/max"]}\n`);
    expect((await readdir(`${fromHub.dir}/references`)).sort()).toEqual(["base-base-f16.gguf", "source-kind-f16.gguf", "source-max-f16.gguf", "source-pick-f16.gguf"]);

    const local = await search({ spacePath: path("local.yaml") }, { ...options, runsDir: path("runs"), runId: "hubsearch-local" });
    const b = replayState((await openRun(local.dir)).entries);
    expect(b.started.hubPins).toBeUndefined();
    // The same bytes merged the same way: identical references, proposals and scores.
    expect([...a.references.entries()]).toEqual([...b.references.entries()].map(([k, r]) => [k, { ...r, seq: a.references.get(k)!.seq, at: a.references.get(k)!.at }]));
    expect(proposals(a)).toEqual(proposals(b));
    expect(scores(a)).toEqual(scores(b));
    expect(a.scored.size).toBe(BUDGET);
    uninterrupted = a;
  });

  it("resumes with the recorded commits after main moved: from the cache without asking the Hub, or downloading that commit again; offline without it, says so", { timeout: 300_000 }, async () => {
    const stopAfterOne = () => {
      const controller = new AbortController();
      return { signal: controller.signal, onEvent: (e: SearchEvent) => e.type === "scored" && controller.abort() };
    };
    const first = await search({ spacePath: path("hub.yaml") }, { ...options, runsDir: path("runs"), runId: "hubsearch-moved", hub: hubOptions("cache"), ...stopAfterOne() });
    expect(first.reason).toBe("stopped");
    const runDir = first.dir;

    // A new commit on main: a new run would take it...
    hub.setRepo("toy/max", { files: toyFiles("expert-kind") });
    expect(hub.commitOf("toy/max")).not.toBe(firstCommits["toy/max"]);
    const fresh = await pinHubModels(await loadSearchSpace(path("hub.yaml")), { hub: hubOptions("cache") });
    expect(fresh.pins.find((p) => p.ref === "toy/max")?.commit).toBe(hub.commitOf("toy/max"));

    // ...a resume keeps the run's commit, and with the cache holding it asks the Hub nothing.
    const seen = hub.requests.length;
    const events: SearchEvent[] = [];
    const stop = stopAfterOne();
    const second = await search({ resume: runDir }, { ...options, hub: hubOptions("cache"), signal: stop.signal, onEvent: (e) => (events.push(e), stop.onEvent(e)) });
    expect(second.reason).toBe("stopped");
    expect(hub.requests.length).toBe(seen);
    const resolved = events.flatMap((e) => (e.type === "download" && e.pull.event === "resolved" ? [[e.ref, e.pinned, e.pull.commit, e.pull.fromCache]] : []));
    expect(resolved).toEqual([
      ["toy/max", true, firstCommits["toy/max"], true],
      ["toy/pick@main", true, firstCommits["toy/pick"], true],
      ["toy/base", true, firstCommits["toy/base"], true],
    ]);

    // Offline with a cache that lacks the commit: a clear error, and the journal is untouched.
    const before = (await openRun(runDir)).entries.length;
    const offline = search({ resume: runDir }, { ...options, hub: hubOptions("empty-cache", { offline: true }) });
    await expect(offline).rejects.toBeInstanceOf(HubError);
    await expect(offline).rejects.toThrow(/toy\/max was pinned to commit [0-9a-f]{40} when the run started, and the Hugging Face cache lacks it/);
    expect((await openRun(runDir)).entries.length).toBe(before);

    // Online with an empty cache: that commit is downloaded again, never the new main.
    const mark = hub.requests.length;
    const third = await search({ resume: runDir }, { ...options, hub: hubOptions("new-cache") });
    expect(third.reason).toBe("budget");
    const fetched = hub.requests.slice(mark).filter((r) => r.url.includes("/resolve/"));
    expect(fetched.length).toBeGreaterThan(0);
    expect(fetched.filter((r) => !Object.values(firstCommits).some((c) => r.url.includes(`/resolve/${c}/`)))).toEqual([]);
    expect(fetched.some((r) => r.url === `/toy/max/resolve/${firstCommits["toy/max"]}/model.safetensors`)).toBe(true);

    // Three sessions, one search: exactly the uninterrupted run's candidates and scores.
    const final = replayState((await openRun(runDir)).entries);
    expect(final.started.hubPins?.map((p) => p.commit)).toEqual(uninterrupted.started.hubPins?.map((p) => p.commit));
    expect(proposals(final)).toEqual(proposals(uninterrupted));
    expect(scores(final)).toEqual(scores(uninterrupted));
  });

  it("refuses a reference the Hub does not know, a model repository after a \"+\", a PEFT adapter repository as a model and a mix with GGUF files up front, leaving nothing in runs/", async () => {
    const runs = path("bad-runs");
    await writeFile(path("missing.yaml"), space("hub").replace("toy/max\n", "toy/maks\n"));
    const missing = search({ spacePath: path("missing.yaml") }, { ...options, runsDir: runs, runId: "hubsearch-missing", hub: hubOptions("cache") });
    await expect(missing).rejects.toMatchObject({ reason: "repo-not-found" });
    await expect(missing).rejects.toThrow(/model "toy\/maks" of .*missing\.yaml is not a local path \(.*toy\/maks does not exist\), and as a Hugging Face reference: Hugging Face repository "toy\/maks" was not found/);
    await writeFile(path("adapter.yaml"), space("hub").replace("toy/max\n", "toy/max+toy/pick\n"));
    await expect(search({ spacePath: path("adapter.yaml") }, { ...options, runsDir: runs, runId: "hubsearch-adapter", hub: hubOptions("cache") })).rejects.toThrow(/toy\/pick follows a "\+", so it must be a PEFT adapter repository/);
    hub.setRepo("toy/lora", { files: { "adapter_config.json": JSON.stringify({ peft_type: "LORA", r: 2, lora_alpha: 4, target_modules: ["q_proj"] }), "adapter_model.safetensors": toyFiles("expert-kind")["model.safetensors"] } });
    await writeFile(path("lora.yaml"), space("hub").replace("toy/max\n", "toy/lora\n"));
    await expect(search({ spacePath: path("lora.yaml") }, { ...options, runsDir: runs, runId: "hubsearch-lora", hub: hubOptions("cache") })).rejects.toThrow(/toy\/lora is a PEFT adapter repository, not a model/);
    // Hub models are HF checkpoints: they mix with HF folders, not with GGUF files.
    await writeFile(path("gguf.yaml"), space("hub").replace(`${ROOT}examples/toy/expert-kind\n`, `${ROOT}examples/toy/expert-kind.gguf\n`));
    await expect(search({ spacePath: path("gguf.yaml") }, { ...options, runsDir: runs, runId: "hubsearch-gguf", hub: hubOptions("cache") })).rejects.toThrow(/mixes GGUF files and HF folders/);
    expect(await readdir(runs).catch(() => [])).toEqual([]);
  });

  it("pins both sides of base+adapter references (a Hub base, Hub adapters) and scores the adapters applied to the base", { timeout: 300_000 }, async () => {
    for (const [name, seed] of [["lora-a", 10], ["lora-b", 20]] as const) {
      await writeToyAdapter(path(name), seed);
      hub.setRepo(`toy/${name}`, { files: Object.fromEntries(["adapter_config.json", "adapter_model.safetensors"].map((f) => [f, readFileSync(join(path(name), f))])) });
    }
    await writeFile(path("hub-lora.yaml"), toySpaceYaml({ models: [{ model: "toy/base+toy/lora-a" }, { model: "toy/base+toy/lora-b@main" }], base: "toy/base", budget: 2, seed: 1 }));
    await writeFile(path("local-lora.yaml"), toySpaceYaml({ models: [{ model: `${ROOT}examples/toy/base+${path("lora-a")}` }, { model: `${ROOT}examples/toy/base+${path("lora-b")}` }], base: `${ROOT}examples/toy/base`, budget: 2, seed: 1 }));
    const fromHub = await search({ spacePath: path("hub-lora.yaml") }, { ...options, runsDir: path("lora-runs"), runId: "hub-lora", hub: hubOptions("lora-cache") });
    const local = await search({ spacePath: path("local-lora.yaml") }, { ...options, runsDir: path("lora-runs"), runId: "local-lora" });
    const a = replayState((await openRun(fromHub.dir)).entries);
    const b = replayState((await openRun(local.dir)).entries);
    // Each side pinned once, in the space's order; the base named by both adapters and as the base.
    expect(a.started.hubPins?.map((p) => [p.ref, p.commit])).toEqual([
      ["toy/base", hub.commitOf("toy/base")],
      ["toy/lora-a", hub.commitOf("toy/lora-a")],
      ["toy/lora-b@main", hub.commitOf("toy/lora-b")],
    ]);
    expect(a.scored.size).toBe(2);
    expect(scores(a)).toEqual(scores(b));
    const refs = (s: ReplayState) => [...s.references.entries()].map(([k, r]) => [k, r.tasks]).sort();
    expect(refs(a)).toEqual(refs(b));
    const exported = exportRecipe((await openRun(fromHub.dir)).entries).yaml;
    expect(exported).toContain(`toy/base@${hub.commitOf("toy/base")}+toy/lora-`);
  });
});
