import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OutputError, ShapeMismatchError } from "../../../src/errors.js";
import { createSafetensorsSink, openHfCheckpoint, openSafetensors, planShards, type DeclaredTensor } from "../../../src/tensor/safetensors/index.js";
import { tempDir, thrown } from "./helpers.js";
import { splitParts } from "../../helpers/split-parts.js";

let root: string;
let cleanup: () => Promise<void>;
let counter = 0;
beforeAll(async () => ({ dir: root, cleanup } = await tempDir("st-sink")));
afterAll(() => cleanup());
const fresh = () => join(root, `out-${counter++}`);

const declared: DeclaredTensor[] = [
  { name: "a", shape: [2, 2], dtype: "BF16" },
  { name: "b", shape: [3], dtype: "F32" },
  { name: "ids", shape: [2], dtype: "I32" },
];
const payloadA = { kind: "f32", name: "a", shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) } as const;
const payloadB = { kind: "f32", name: "b", shape: [3], data: new Float32Array([5, 6, 7]) } as const;
const payloadIds = { kind: "raw", name: "ids", dtype: "I32", shape: [2], bytes: new Uint8Array([1, 0, 0, 0, 2, 0, 0, 0]) } as const;

describe("planShards", () => {
  it("keeps declared order, starts a new shard at the limit, and gives oversized tensors their own shard", () => {
    const t = (name: string, n: number): DeclaredTensor => ({ name, shape: [n], dtype: "U8" });
    const plan = planShards([t("a", 4), t("b", 4), t("c", 9), t("d", 1), t("e", 7)], 8, "model", "out");
    expect(plan.map((s) => [s.file, s.tensors.map((x) => x.name), s.dataBytes])).toEqual([
      ["model-00001-of-00003.safetensors", ["a", "b"], 8],
      ["model-00002-of-00003.safetensors", ["c"], 9],
      ["model-00003-of-00003.safetensors", ["d", "e"], 8],
    ]);
    expect(plan[2].tensors.map((x) => [x.begin, x.end])).toEqual([[0, 1], [1, 8]]);
    expect(planShards([t("a", 4)], 8, "model", "out").map((s) => s.file)).toEqual(["model.safetensors"]);
  });
});

describe("createSafetensorsSink", () => {
  it("writes a single model.safetensors with {format: pt} metadata and nothing visible before commit", async () => {
    const dir = fresh();
    const sink = await createSafetensorsSink({ dir, tensors: declared, metadata: { merged_by: "smelt" } });
    await sink.write(payloadA);
    await sink.write(payloadB);
    await sink.write(payloadIds);
    expect((await readdir(dir)).filter((f) => !f.startsWith(".smelt-tmp"))).toEqual([]);
    await sink.commit();
    expect(await readdir(dir)).toEqual(["model.safetensors"]);
    await using source = await openSafetensors(join(dir, "model.safetensors"));
    expect(source.metadata).toEqual({ format: "pt", merged_by: "smelt" });
    expect(Array.from(await source.readF32("a"))).toEqual([1, 2, 3, 4]);
    expect((await source.readRaw("ids")).bytes).toEqual(payloadIds.bytes);
    // Header is space-padded so data starts on an 8-byte boundary.
    const bytes = await readFile(join(dir, "model.safetensors"));
    expect(source.dataStart % 8).toBe(0);
    expect(bytes.subarray(8, source.dataStart).toString("utf8")).toMatch(/^\{"__metadata__":\{"format":"pt","merged_by":"smelt"\},"a":\{"dtype":"BF16","shape":\[2,2\],"data_offsets":\[0,8\]\}.*\} *$/);
  });

  it("writes the same shards around the page cache (direct) as through it", async () => {
    const tensors: DeclaredTensor[] = [
      { name: "w", shape: [1500, 9], dtype: "F32" },
      { name: "h", shape: [7], dtype: "BF16" },
      { name: "v", shape: [2000, 3], dtype: "F16" },
    ];
    const shards: Buffer[][] = [];
    for (const direct of [true, false]) {
      const dir = fresh();
      const sink = await createSafetensorsSink({ dir, tensors, maxShardBytes: 60_000, direct });
      for (const [k, t] of tensors.entries()) {
        const n = t.shape.reduce((a, b) => a * b, 1);
        await sink.write({ kind: "f32", name: t.name, shape: t.shape, data: Float32Array.from({ length: n }, (_, i) => Math.cos(i * (k + 1))) });
      }
      await sink.commit();
      const files = (await readdir(dir)).sort();
      expect(files).toEqual(["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "model.safetensors.index.json"]);
      shards.push(await Promise.all(files.map((f) => readFile(join(dir, f)))));
    }
    shards[0].forEach((bytes, i) => expect(bytes.equals(shards[1][i])).toBe(true));
  });

  it("takes a tensor's bytes in parts (the same file as whole), and refuses parts that do not add up", async () => {
    const tensors: DeclaredTensor[] = [
      { name: "p", shape: [1000], dtype: "F32" },
      { name: "q", shape: [3], dtype: "BF16" },
    ];
    const p = new Uint8Array(new Float32Array(Array.from({ length: 1000 }, (_, i) => i / 7)).buffer);
    const q = new Uint8Array([1, 2, 3, 4, 5, 6]);
    const files: Buffer[] = [];
    for (const parts of [true, false]) {
      const dir = fresh();
      const sink = await createSafetensorsSink({ dir, tensors, direct: true });
      if (parts) await sink.writeParts({ name: "p", dtype: "F32", shape: [1000] }, splitParts(p, [0, 1000, 1, 2999]));
      else await sink.write({ kind: "raw", name: "p", dtype: "F32", shape: [1000], bytes: p });
      await sink.write({ kind: "raw", name: "q", dtype: "BF16", shape: [3], bytes: q });
      await sink.commit();
      files.push(await readFile(join(dir, "model.safetensors")));
    }
    expect(files[0].equals(files[1])).toBe(true);
    const short = await createSafetensorsSink({ dir: fresh(), tensors });
    await expect(short.writeParts({ name: "p", dtype: "F32", shape: [1000] }, splitParts(p, [100, 200]))).rejects.toThrow(/raw parts add up to 300 bytes, expected 4000/);
    await short.abort();
    const long = await createSafetensorsSink({ dir: fresh(), tensors });
    await expect(long.writeParts({ name: "p", dtype: "F32", shape: [1000] }, splitParts(new Uint8Array(5000), [4000, 1]))).rejects.toThrow(/raw parts exceed the tensor's 4000 bytes/);
    await long.abort();
    const wrong = await createSafetensorsSink({ dir: fresh(), tensors });
    await expect(wrong.writeParts({ name: "p", dtype: "F16", shape: [1000] }, splitParts(p, [4000]))).rejects.toThrow(/raw parts are F16 but F32 was declared/);
    await expect(wrong.writeParts({ name: "q", dtype: "BF16", shape: [3] }, splitParts(q, [6]))).rejects.toThrow(/expected tensor "p"/);
    await wrong.abort();
  });

  it("rejects out-of-order tensors, wrong shapes, wrong dtypes and extra tensors", async () => {
    const sink = await createSafetensorsSink({ dir: fresh(), tensors: declared });
    await expect(sink.write(payloadB)).rejects.toThrow(/expected tensor "a" \(number 1 of 3\) but got "b"/);
    await expect(sink.write({ ...payloadA, shape: [4] })).rejects.toThrow(ShapeMismatchError);
    await expect(sink.write({ ...payloadA, data: new Float32Array(3) })).rejects.toThrow(/payload has 3 values but shape \[2, 2\] needs 4/);
    await expect(sink.write({ kind: "raw", name: "a", dtype: "F16", shape: [2, 2], bytes: new Uint8Array(8) })).rejects.toThrow(/raw payload is F16 but BF16 was declared/);
    await sink.write(payloadA);
    await sink.write(payloadB);
    await expect(sink.write({ kind: "f32", name: "ids", shape: [2], data: new Float32Array(2) })).rejects.toThrow(/declared I32; float32 data can only be written to a float dtype/);
    await expect(sink.write({ ...payloadIds, bytes: new Uint8Array(4) })).rejects.toThrow(/raw payload has 4 bytes, expected 8/);
    await sink.write(payloadIds);
    await expect(sink.write(payloadA)).rejects.toThrow(/one more than the 3 declared/);
    await sink.abort();
  });

  it("refuses commit before every tensor arrived, and concurrent writes", async () => {
    const sink = await createSafetensorsSink({ dir: fresh(), tensors: declared });
    const first = sink.write(payloadA);
    await expect(sink.write(payloadB)).rejects.toThrow(/a previous call is still running/);
    await first;
    const err = await thrown(() => sink.commit());
    expect(err).toBeInstanceOf(OutputError);
    expect((err as Error).message).toMatch(/commit\(\) after 1 of 3 tensors; next expected "b"/);
    await sink.abort();
    await expect(sink.write(payloadB)).rejects.toThrow(/already aborted/);
  });

  it("abort() and `await using` delete every temporary file", async () => {
    const dir = fresh();
    const sink = await createSafetensorsSink({ dir, tensors: declared, maxShardBytes: 8 });
    await sink.write(payloadA);
    await sink.write(payloadB);
    expect((await readdir(dir)).length).toBeGreaterThan(0);
    await sink.abort();
    expect(await readdir(dir)).toEqual([]);

    const dir2 = fresh();
    {
      await using sink2 = await createSafetensorsSink({ dir: dir2, tensors: declared });
      await sink2.write(payloadA);
    }
    expect(await readdir(dir2)).toEqual([]);
  });

  it("shards with an HF index and reads back through openHfCheckpoint", async () => {
    const dir = fresh();
    // a (8 bytes) + b (12) fill the 20-byte limit exactly; ids (8) starts the second shard.
    const sink = await createSafetensorsSink({ dir, tensors: declared, maxShardBytes: 20 });
    for (const p of [payloadA, payloadB, payloadIds]) await sink.write(p);
    await sink.commit();
    expect((await readdir(dir)).sort()).toEqual(["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "model.safetensors.index.json"]);
    const index = JSON.parse(await readFile(join(dir, "model.safetensors.index.json"), "utf8"));
    expect(index).toEqual({ metadata: { total_size: 28 }, weight_map: { a: "model-00001-of-00002.safetensors", b: "model-00001-of-00002.safetensors", ids: "model-00002-of-00002.safetensors" } });
    await using source = await openHfCheckpoint(dir);
    expect(Array.from(await source.readF32("b"))).toEqual([5, 6, 7]);
  });

  it("refuses to overwrite an existing checkpoint unless asked, and then removes stale shards", async () => {
    const dir = fresh();
    const sharded = await createSafetensorsSink({ dir, tensors: declared, maxShardBytes: 10 });
    for (const p of [payloadA, payloadB, payloadIds]) await sharded.write(p);
    await sharded.commit();
    await writeFile(join(dir, "config.json"), "{}");

    await expect(createSafetensorsSink({ dir, tensors: declared })).rejects.toThrow(/already holds a checkpoint .*pass overwrite: true/);
    const single = await createSafetensorsSink({ dir, tensors: [declared[1]], overwrite: true });
    await single.write(payloadB);
    await single.commit();
    expect((await readdir(dir)).sort()).toEqual(["config.json", "model.safetensors"]);
  });

  it("writes a valid empty checkpoint when no tensors are declared, and honours filePrefix", async () => {
    const dir = fresh();
    const sink = await createSafetensorsSink({ dir, tensors: [], filePrefix: "adapter" });
    await sink.commit();
    await using source = await openHfCheckpoint(join(dir, "adapter.safetensors"));
    expect(source.list()).toEqual([]);
  });

  it("validates declarations up front", async () => {
    await expect(createSafetensorsSink({ dir: fresh(), tensors: [declared[0], declared[0]] })).rejects.toThrow(/tensor "a" is declared twice/);
    await expect(createSafetensorsSink({ dir: fresh(), tensors: [{ name: "q", shape: [32], dtype: "Q8_0" }] })).rejects.toThrow(/"Q8_0" is a GGUF block-quantised type/);
    await expect(createSafetensorsSink({ dir: fresh(), tensors: [{ name: "n", shape: [-1], dtype: "F32" }] })).rejects.toThrow(/dimension -1/);
    await expect(createSafetensorsSink({ dir: fresh(), tensors: [{ name: "__metadata__", shape: [], dtype: "F32" }] })).rejects.toThrow(/reserved/);
    await expect(createSafetensorsSink({ dir: fresh(), tensors: declared, filePrefix: "../x" })).rejects.toThrow(/plain file name stem/);
  });
});
