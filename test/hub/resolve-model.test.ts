import { createHash } from "node:crypto";
import { cp, mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { merge, openHfCheckpoint, parseRecipe, resolveModel, writeSafetensors, type HubOptions } from "../../src/index.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { startFakeHub, toyFiles, type FakeFiles, type FakeHub } from "./fake-hub.js";

const tmp = useTempDir("hub-resolve");
const TOY = new URL("../../examples/toy/", import.meta.url).pathname;
let hub: FakeHub;
let local: string;
let caseNo = 0;

/** expert-max split into two shards + an index, with decoys smelt must not fetch. */
async function shardedFiles(dir: string): Promise<FakeFiles> {
  const source = await openHfCheckpoint(join(TOY, "expert-max"));
  const names = source.list().map((t) => t.name);
  const halves = [names.slice(0, names.length >> 1), names.slice(names.length >> 1)];
  const files: FakeFiles = { "config.json": await readFile(join(TOY, "expert-max", "config.json")) };
  const weightMap: Record<string, string> = {};
  for (const [i, half] of halves.entries()) {
    const shard = `model-0000${i + 1}-of-00002.safetensors`;
    const entries = [];
    for (const name of half) {
      const info = source.info(name)!;
      entries.push({ name, dtype: info.dtype as "BF16", shape: [...info.shape], data: (await source.readRaw(name)).bytes });
      weightMap[name] = shard;
    }
    await writeSafetensors(join(dir, shard), entries);
    files[shard] = await readFile(join(dir, shard));
  }
  await source.close();
  files["model.safetensors.index.json"] = JSON.stringify({ metadata: { total_size: 0 }, weight_map: weightMap });
  files["consolidated.safetensors"] = Buffer.alloc(4096, 3);
  files["pytorch_model.bin"] = Buffer.alloc(4096, 4);
  files["README.md"] = "# sharded toy";
  return files;
}

/** A PEFT LoRA adapter for the toy base (q_proj of layer 0, down_proj of layer 1). */
async function adapterFiles(dir: string): Promise<FakeFiles> {
  const r = 4;
  const value = (i: number) => Math.sin(i * 0.37) * 0.2;
  const tensors = [
    { target: "model.layers.0.self_attn.q_proj", out: 128, inp: 128 },
    { target: "model.layers.1.mlp.down_proj", out: 128, inp: 352 },
  ].flatMap(({ target, out, inp }) => [
    { name: `base_model.model.${target}.lora_A.weight`, dtype: "F32" as const, shape: [r, inp], data: Float32Array.from({ length: r * inp }, (_, i) => value(i)) },
    { name: `base_model.model.${target}.lora_B.weight`, dtype: "F32" as const, shape: [out, r], data: Float32Array.from({ length: out * r }, (_, i) => value(i + 7)) },
  ]);
  await mkdir(dir, { recursive: true });
  await writeSafetensors(join(dir, "adapter_model.safetensors"), tensors);
  const config = JSON.stringify({ peft_type: "LORA", r, lora_alpha: 8, target_modules: ["q_proj", "down_proj"] });
  await writeFile(join(dir, "adapter_config.json"), config);
  return { "adapter_config.json": config, "adapter_model.safetensors": await readFile(join(dir, "adapter_model.safetensors")), "README.md": "# lora" };
}

beforeAll(async () => {
  local = tmp("local");
  await mkdir(local, { recursive: true });
  for (const name of ["base", "expert-max", "expert-kind"]) await cp(join(TOY, name), join(local, name), { recursive: true });
  hub = await startFakeHub({
    repos: {
      "toy/base": { files: toyFiles("base") },
      "toy/max": { files: toyFiles("expert-max") },
      "toy/kind": { files: toyFiles("expert-kind") },
      "toy/sharded": { files: await shardedFiles(local) },
      "toy/lora": { files: await adapterFiles(join(local, "lora")) },
    },
  });
});
afterAll(async () => hub?.close());

function hubOptions(): HubOptions & { cacheDir: string } {
  return { hubUrl: hub.url, cacheDir: tmp(`cache-${++caseNo}`), env: {} };
}

/** The sha256 of every tensor's raw bytes (dtype and shape included) of a model folder, by name. */
async function tensorsOf(dir: string): Promise<Map<string, string>> {
  const source = await openHfCheckpoint(dir);
  const out = new Map<string, string>();
  for (const t of source.list()) out.set(t.name, `${t.dtype}[${t.shape.join(",")}]:${createHash("sha256").update((await source.readRaw(t.name)).bytes).digest("hex")}`);
  await source.close();
  return out;
}

describe("resolveModel", () => {
  it("resolves org/name to the cache snapshot, and prefers an existing local path", async () => {
    const options = hubOptions();
    const resolved = await resolveModel("toy/max", options);
    expect(resolved.path).toBe(join(options.cacheDir, "models--toy--max", "snapshots", hub.commitOf("toy/max")));
    expect(resolved.pulled.base).toMatchObject({ repo: "toy/max", kind: "model" });
    const shadow = tmp("shadow");
    await mkdir(join(shadow, "toy", "max"), { recursive: true });
    const seen = hub.requests.length;
    const near = await resolveModel("toy/max", { ...options, baseDir: shadow });
    expect(near).toMatchObject({ path: join(shadow, "toy", "max"), adapter: undefined, pulled: {} });
    expect(hub.requests.length).toBe(seen);
  });

  it("fetches only the shards an index names, and the merge reads them like the single file", async () => {
    const options = hubOptions();
    const resolved = await resolveModel("toy/sharded", options);
    expect((await readdir(resolved.path)).sort()).toEqual(["config.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "model.safetensors.index.json"]);
    const recipe = parseRecipe("merge_method: linear\nmodels:\n  - model: toy/sharded\n    parameters: {weight: 1.0}\n", "r.yaml");
    await merge(recipe, { output: tmp("sharded-out"), baseDir: tmp("empty"), threads: 0, hub: options });
    expect(await tensorsOf(tmp("sharded-out"))).toEqual(await tensorsOf(join(TOY, "expert-max")));
  });

  it("says which side is missing, local or Hub", async () => {
    await expect(resolveModel("./nowhere+toy/lora", hubOptions())).rejects.toThrow(/model "\.\/nowhere" \(in "\.\/nowhere\+toy\/lora"\) not found at/);
    await expect(resolveModel("toy/absent", hubOptions())).rejects.toThrow(/model "toy\/absent" is neither a local path \(.*toy\/absent does not exist\) nor a repository the Hub knows/);
    await expect(resolveModel("toy/base+toy/max", hubOptions())).rejects.toThrow(/toy\/max is not a PEFT adapter repository/);
    await expect(resolveModel("toy/absent", { ...hubOptions(), offline: true })).rejects.toThrow(/model "toy\/absent" is not a local path \(.*\), and as a Hugging Face reference: toy\/absent@main is not in the Hugging Face cache/);
  });
});

describe("merging Hub references", () => {
  it("gives the same tensors as merging the local folders", async () => {
    const body = (base: string, max: string, kind: string) =>
      `merge_method: task_arithmetic\nbase_model: ${base}\nmodels:\n  - model: ${max}\n    parameters: {weight: 0.6}\n  - model: ${kind}\n    parameters: {weight: 0.4}\ndtype: float32\n`;
    const options = hubOptions();
    const events: string[] = [];
    await merge(parseRecipe(body("toy/base", "toy/max", "toy/kind"), "hub.yaml"), { output: tmp("hub-out"), baseDir: tmp("empty"), threads: 0, hub: { ...options, onEvent: (e) => events.push(e.event) } });
    await merge(parseRecipe(body("./base", "./expert-max", "./expert-kind"), "local.yaml"), { output: tmp("local-out"), baseDir: local, threads: 0 });
    const fromHub = await tensorsOf(tmp("hub-out"));
    expect(fromHub.size).toBeGreaterThan(10);
    expect(fromHub).toEqual(await tensorsOf(tmp("local-out")));
    expect(events.filter((e) => e === "pulled")).toHaveLength(3);
    expect(JSON.parse(await readFile(join(tmp("hub-out"), "config.json"), "utf8"))).toMatchObject({ model_type: "llama" });
  });

  it("applies a LoRA adapter from the Hub to a base from the Hub, as from local folders", async () => {
    const options = hubOptions();
    const resolved = await resolveModel("toy/base+toy/lora", options);
    expect(resolved.pulled.adapter).toMatchObject({ kind: "adapter", files: ["adapter_config.json", "adapter_model.safetensors"] });
    const recipe = (ref: string) => parseRecipe(`merge_method: linear\nmodels:\n  - model: ${ref}\n    parameters: {weight: 1.0}\ndtype: float32\n`, "lora.yaml");
    await merge(recipe("toy/base+toy/lora"), { output: tmp("lora-hub"), baseDir: tmp("empty"), threads: 0, hub: options });
    await merge(recipe("./base+./lora"), { output: tmp("lora-local"), baseDir: local, threads: 0 });
    const fromHub = await tensorsOf(tmp("lora-hub"));
    expect(fromHub).toEqual(await tensorsOf(tmp("lora-local")));
    // The adapter really changed its targets (so the comparison is not base vs base).
    const base = await tensorsOf(join(TOY, "base"));
    expect(fromHub.get("model.layers.0.self_attn.q_proj.weight")).not.toEqual(base.get("model.layers.0.self_attn.q_proj.weight"));
  });
});
