import { createHash } from "node:crypto";
import { cp, mkdir, readFile, readdir, readlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { merge, openHfCheckpoint, parseRecipe } from "../../src/index.js";
import { runSmelt } from "../helpers/smelt-cli.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { startFakeHub, toyFiles, type FakeHub } from "./fake-hub.js";

const tmp = useTempDir("hub-cli");
const TOY = new URL("../../examples/toy/", import.meta.url).pathname;
let hub: FakeHub;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  hub = await startFakeHub({
    repos: {
      "toy/base": { files: toyFiles("base") },
      "toy/max": { files: toyFiles("expert-max") },
      "toy/kind": { files: toyFiles("expert-kind") },
    },
  });
  // The child sees only the fake Hub and a fresh cache: no token, no offline switch from outside.
  env = { HF_ENDPOINT: hub.url, HF_HUB_CACHE: tmp("cache"), HF_HOME: tmp("hf-home"), HF_TOKEN: "", HUGGING_FACE_HUB_TOKEN: "", HF_HUB_OFFLINE: "" };
  await mkdir(tmp("work"), { recursive: true });
});
afterAll(async () => hub?.close());

async function tensorHashes(dir: string): Promise<Map<string, string>> {
  const source = await openHfCheckpoint(dir);
  const out = new Map<string, string>();
  for (const t of source.list()) out.set(t.name, createHash("sha256").update((await source.readRaw(t.name)).bytes).digest("hex"));
  await source.close();
  return out;
}

describe("smelt pull / inspect / merge with Hub references (real CLI, fake Hub)", () => {
  it("pull prints the snapshot folder, reports each verified file and fills the HF cache", async () => {
    const { code, output, stdout } = await runSmelt(["pull", "toy/max"], tmp("work"), env);
    expect(code, output).toBe(0);
    const folder = join(tmp("cache"), "models--toy--max", "snapshots", hub.commitOf("toy/max"));
    expect(stdout).toBe(`${folder}\n`);
    expect(output).toMatch(/toy\/max@main → [0-9a-f]{12} \(2 of 2 files to fetch, 1\.74 MB\)/);
    expect(output).toMatch(/downloaded model\.safetensors \(1\.74 MB at [\d.]+ [KMG]?B\/s, sha256 verified\)/);
    expect(await readlink(join(folder, "model.safetensors"))).toBe(`../../blobs/${hub.sha256Of("toy/max", "model.safetensors")}`);
    expect(await readFile(join(tmp("cache"), "models--toy--max", "refs", "main"), "utf8")).toBe(hub.commitOf("toy/max"));
  });

  it("inspect takes a Hub reference", async () => {
    const { code, output } = await runSmelt(["inspect", "toy/max"], tmp("work"), env);
    expect(code, output).toBe(0);
    expect(output).toMatch(/^toy\/max\n {2}folder {8}.*models--toy--max\/snapshots\/[0-9a-f]{40}\n {2}format {8}safetensors/m);
    expect(output).toMatch(/parameters {4}870\.0K/);
    expect(output).not.toMatch(/cached/); // cached files are not reported outside `smelt pull`
  });

  it("merge of org/name references gives the tensors of the same merge of the local folders", async () => {
    const recipe = (base: string, max: string, kind: string) =>
      `merge_method: ties\nbase_model: ${base}\nmodels:\n  - model: ${max}\n    parameters: {weight: 0.7, density: 0.5}\n  - model: ${kind}\n    parameters: {weight: 0.5, density: 0.5}\ndtype: float32\n`;
    const work = tmp("work");
    await writeFile(join(work, "hub.yaml"), recipe("toy/base", "toy/max", "toy/kind@main"));
    for (const name of ["base", "expert-max", "expert-kind"]) await cp(join(TOY, name), join(work, "local", name), { recursive: true });
    await writeFile(join(work, "local", "local.yaml"), recipe("./base", "./expert-max", "./expert-kind"));
    const fromHub = await runSmelt(["merge", "hub.yaml", "-o", "hub-out", "--threads", "0"], work, env);
    expect(fromHub.code, fromHub.output).toBe(0);
    expect(fromHub.output).toMatch(/downloaded model\.safetensors/);
    // The reference result, merged in-process from the local folders (one spawn less on a busy box).
    await merge(parseRecipe(await readFile(join(work, "local", "local.yaml"), "utf8"), "local.yaml"), { output: join(work, "local-out"), baseDir: join(work, "local"), threads: 0 });
    const hubTensors = await tensorHashes(join(work, "hub-out"));
    expect(hubTensors.size).toBe(39);
    expect(hubTensors).toEqual(await tensorHashes(join(work, "local-out")));
    expect(await readFile(join(work, "hub-out", "mergekit_config.yml"), "utf8")).toMatch(/toy\/kind@main/);
  });

  it("HF_HUB_OFFLINE=1 works from the cache (--json events) and fails clearly without it", async () => {
    const offline = { ...env, HF_HUB_OFFLINE: "1" };
    const seen = hub.requests.length;
    const cached = await runSmelt(["pull", "toy/kind", "--json"], tmp("work"), offline);
    expect(cached.code, cached.output).toBe(0);
    const events = cached.stdout.trim().split("\n").map((line) => JSON.parse(line) as { event: string; fromCache?: boolean; folder?: string });
    expect(events.map((e) => e.event)).toEqual(["resolved", "pulled"]);
    expect(events.at(-1)).toMatchObject({ fromCache: true, folder: join(tmp("cache"), "models--toy--kind", "snapshots", hub.commitOf("toy/kind")) });
    const missing = await runSmelt(["pull", "toy/other@v2"], tmp("work"), offline);
    expect(missing.code).toBe(1);
    expect(missing.output).toMatch(/smelt: toy\/other@v2 is not in the Hugging Face cache \(no refs\/v2 in .*models--toy--other\); run `smelt pull toy\/other@v2` while online/);
    expect(hub.requests.length).toBe(seen);
    expect(await readdir(tmp("cache"))).not.toContain("models--toy--other");
  });
});
