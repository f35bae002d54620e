import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { merge, type MergeEvent } from "../../src/merge/index.js";
import { parseRecipe } from "../../src/recipe/index.js";
import { openHfCheckpoint } from "../../src/tensor/safetensors/index.js";
import { randomModel, writeHfModel, type TensorMap } from "./fixtures.js";

let dir: string;
let base: TensorMap;
let a: TensorMap;
let b: TensorMap;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "smelt-merge-"));
  base = randomModel(1);
  a = randomModel(2);
  b = randomModel(3);
  await writeHfModel(join(dir, "base"), base);
  await writeHfModel(join(dir, "a"), a);
  await writeHfModel(join(dir, "b"), b, "BF16");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(yaml: string, out: string, extra: Partial<Parameters<typeof merge>[1]> = {}) {
  const events: MergeEvent[] = [];
  const result = await merge(parseRecipe(yaml, "test.yaml"), { output: join(dir, out), baseDir: dir, threads: 0, onEvent: (e) => events.push(e), ...extra });
  return { result, events };
}

async function readAll(path: string): Promise<Map<string, Float32Array>> {
  const src = await openHfCheckpoint(path);
  try {
    const out = new Map<string, Float32Array>();
    for (const t of src.list()) out.set(t.name, await src.readF32(t.name));
    return out;
  } finally {
    await src.close();
  }
}

const bf16 = (x: number) => {
  // Round-to-nearest-even to bfloat16, computed independently of the codec under test.
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer);
  u[0] = ((u[0] + 0x7fff + ((u[0] >>> 16) & 1)) >>> 16) << 16;
  return f[0];
};

describe("merge", () => {
  it("linear-merges HF folders with the documented arithmetic, and writes config, tokenizer and model card", async () => {
    const { result, events } = await run(
      "merge_method: linear\nmodels:\n  - model: a\n    parameters: {weight: 0.75}\n  - model: b\n    parameters: {weight: 0.25}\ndtype: float32\n",
      "linear-out",
    );
    expect(result.tensors).toBe(a.size);
    expect(events[0]).toMatchObject({ event: "start", method: "linear", tensors: a.size });
    expect(events.at(-1)).toMatchObject({ event: "done" });
    expect(events.filter((e) => e.event === "tensor")).toHaveLength(a.size);
    const out = await readAll(join(dir, "linear-out"));
    for (const [name, t] of a) {
      const got = out.get(name)!;
      const other = b.get(name)!.data;
      for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(0.75 * t.data[i] + 0.25 * bf16(other[i]), 6);
    }
    const files = await readdir(join(dir, "linear-out"));
    expect(files.sort()).toEqual(["README.md", "config.json", "mergekit_config.yml", "model.safetensors", "tokenizer_config.json"]);
    expect(await readFile(join(dir, "linear-out", "README.md"), "utf8")).toContain("merge_method: linear");
    expect(JSON.parse(await readFile(join(dir, "linear-out", "tokenizer_config.json"), "utf8")).from).toBe(join(dir, "a"));
  });

  it("gives byte-identical output inline and on 2 worker threads, and the same seed gives the same dare_ties output", async () => {
    const yaml = "merge_method: dare_ties\nbase_model: base\nmodels:\n  - model: a\n    parameters: {weight: 0.6, density: 0.5}\n  - model: b\n    parameters: {weight: 0.4, density: 0.5}\nseed: 7\n";
    await run(yaml, "dare-0", { threads: 0 });
    await run(yaml, "dare-2", { threads: 2 });
    const x = await readFile(join(dir, "dare-0", "model.safetensors"));
    const y = await readFile(join(dir, "dare-2", "model.safetensors"));
    expect(Buffer.compare(x, y)).toBe(0);
    await run(yaml.replace("seed: 7", "seed: 8"), "dare-seed8");
    const z = await readFile(join(dir, "dare-seed8", "model.safetensors"));
    expect(Buffer.compare(x, z)).not.toBe(0);
  });

  it("shards the output by --max-shard-size and the shards read back as one checkpoint", async () => {
    await run("merge_method: linear\nmodels:\n  - model: a\n    parameters: {weight: 1}\n", "sharded", { maxShardBytes: 1024 });
    const files = await readdir(join(dir, "sharded"));
    expect(files).toContain("model.safetensors.index.json");
    expect(files.filter((f) => /^model-\d{5}-of-\d{5}\.safetensors$/.test(f)).length).toBeGreaterThan(1);
    const out = await readAll(join(dir, "sharded"));
    for (const [name, t] of a) expect(out.get(name)).toEqual(t.data);
  });

  it("refuses an existing output without --force, replaces it with --force, and leaves no temporary files", async () => {
    const yaml = "merge_method: linear\nmodels:\n  - model: a\n    parameters: {weight: 1}\n";
    await run(yaml, "exists");
    await expect(run(yaml, "exists")).rejects.toThrow(/already exists; pass --force/);
    await run(yaml, "exists", { force: true });
    expect((await readdir(dir)).filter((f) => f.startsWith(".smelt-"))).toEqual([]);
  });
});

describe("merge: bad input fails clearly and leaves no partial output", () => {
  const expectNoOutput = async (name: string) => {
    const entries = await readdir(dir);
    expect(entries).not.toContain(name);
    expect(entries.filter((f) => f.startsWith(".smelt-"))).toEqual([]);
  };

  it("missing model path", async () => {
    await expect(run("merge_method: linear\nmodels:\n  - model: ./nowhere\n    parameters: {weight: 1}\n", "bad-missing")).rejects.toThrow(/model "\.\/nowhere" not found/);
    await expectNoOutput("bad-missing");
  });

  it("shape mismatch names the tensor and the models", async () => {
    const odd = randomModel(4);
    odd.set("model.norm.weight", { shape: [9], data: new Float32Array(9) });
    await writeHfModel(join(dir, "odd"), odd);
    await expect(run("merge_method: linear\nmodels:\n  - model: a\n    parameters: {weight: 1}\n  - model: odd\n    parameters: {weight: 1}\n", "bad-shape")).rejects.toThrow(/model\.norm\.weight/);
    await expectNoOutput("bad-shape");
  });

  it("a tensor missing in one model", async () => {
    const partial = randomModel(5);
    partial.delete("lm_head.weight");
    await writeHfModel(join(dir, "partial"), partial);
    await expect(run("merge_method: linear\nmodels:\n  - model: a\n    parameters: {weight: 1}\n  - model: partial\n    parameters: {weight: 1}\n", "bad-partial")).rejects.toThrow(/lm_head\.weight/);
    await expectNoOutput("bad-partial");
  });

  it("mixed architectures", async () => {
    await writeHfModel(join(dir, "mistral"), randomModel(6), "F32", "mistral");
    await expect(run("merge_method: linear\nmodels:\n  - model: a\n    parameters: {weight: 1}\n  - model: mistral\n    parameters: {weight: 1}\n", "bad-arch")).rejects.toThrow(/mixes model architectures/);
    await expectNoOutput("bad-arch");
  });

  it("NaN in an input is refused by default and merged with a warning when allowed", async () => {
    const nan = randomModel(7);
    nan.get("model.layers.1.mlp.up_proj.weight")!.data[3] = Number.NaN;
    await writeHfModel(join(dir, "nan"), nan);
    const yaml = "merge_method: linear\nmodels:\n  - model: a\n    parameters: {weight: 1}\n  - model: nan\n    parameters: {weight: 1}\n";
    await expect(run(yaml, "bad-nan")).rejects.toThrow(/model\.layers\.1\.mlp\.up_proj\.weight.*non-finite.*--allow-nonfinite/);
    await expectNoOutput("bad-nan");
    const { events } = await run(yaml, "nan-allowed", { allowNonFinite: true });
    expect(events.some((e) => e.event === "warning" && e.tensor === "model.layers.1.mlp.up_proj.weight")).toBe(true);
  });

  it("an unwritable output folder", async () => {
    await expect(run("merge_method: linear\nmodels:\n  - model: a\n    parameters: {weight: 1}\n", "no/such/folder/out")).rejects.toThrow(/does not exist/);
  });

  it("a disk that fills up mid-merge", async (ctx) => {
    if (process.getuid?.() !== 0) ctx.skip();
    const { execFileSync } = await import("node:child_process");
    const small = join(dir, "small-disk");
    await writeFile(join(dir, "placeholder"), "");
    execFileSync("mkdir", ["-p", small]);
    try {
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=8k", "tmpfs", small]);
    } catch {
      ctx.skip();
    }
    try {
      await expect(run("merge_method: linear\nmodels:\n  - model: a\n    parameters: {weight: 1}\n", "small-disk/out")).rejects.toThrow(/disk is full/);
      expect(await readdir(small)).toEqual([]);
    } finally {
      execFileSync("umount", [small]);
    }
  });
});
