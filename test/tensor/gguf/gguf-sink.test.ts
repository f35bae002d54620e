import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OutputError, ShapeMismatchError } from "../../../src/errors.js";
import {
  createGgufSink, ggufEntry, ggufFileType, ggufValue, openGguf, templateMetadata, writeGguf,
} from "../../../src/tensor/gguf/index.js";
import { useTmpDir } from "./tmp-dir.js";
import { splitParts } from "../../helpers/split-parts.js";

const dir = useTmpDir();
let counter = 0;
const fresh = () => join(dir(), `sink-${counter++}.gguf`);
const leftovers = async () => (await readdir(dir())).filter((f) => f.endsWith(".tmp"));

const TENSORS = [
  { name: "a", shape: [2, 32], dtype: "Q8_0" as const },
  { name: "b", shape: [3], dtype: "F32" as const },
];

describe("createGgufSink", () => {
  it("streams tensors in declared order and only shows the file after commit", async () => {
    const path = fresh();
    const sink = await createGgufSink({ path, metadata: [ggufEntry("general.name", ggufValue.string("x"))], tensors: TENSORS });
    await sink.write({ kind: "f32", name: "a", shape: [2, 32], data: new Float32Array(64).fill(127) });
    await expect(openGguf(path)).rejects.toThrow(/cannot open/);
    await sink.write({ kind: "f32", name: "b", shape: [3], data: Float32Array.of(1, 2, 3) });
    await sink.commit();
    expect(await leftovers()).toEqual([]);
    await using source = await openGguf(path);
    expect(Array.from(await source.readF32("a"))).toEqual(new Array(64).fill(127)); // d = 127 / 127, exact in half
    expect(Array.from(await source.readF32("b"))).toEqual([1, 2, 3]);
  });

  it("rejects out-of-order, mismatched and extra tensors, and commits only when complete", async () => {
    const path = fresh();
    const sink = await createGgufSink({ path, metadata: [], tensors: TENSORS });
    await expect(sink.write({ kind: "f32", name: "b", shape: [3], data: new Float32Array(3) })).rejects.toThrow(/expected "a", got "b"/);
    await expect(sink.write({ kind: "f32", name: "a", shape: [64], data: new Float32Array(64) })).rejects.toBeInstanceOf(ShapeMismatchError);
    await expect(sink.write({ kind: "raw", name: "a", shape: [2, 32], dtype: "Q4_0", bytes: new Uint8Array(36) })).rejects.toThrow(/declared Q8_0 but raw Q4_0/);
    await expect(sink.write({ kind: "raw", name: "a", shape: [2, 32], dtype: "Q8_0", bytes: new Uint8Array(67) })).rejects.toThrow(/needs 68 bytes/);
    await sink.write({ kind: "raw", name: "a", shape: [2, 32], dtype: "Q8_0", bytes: new Uint8Array(68) });
    await expect(sink.commit()).rejects.toThrow(/1 declared tensors were not written, starting with "b"/);
    await sink.write({ kind: "f32", name: "b", shape: [3], data: new Float32Array(3) });
    await expect(sink.write({ kind: "f32", name: "c", shape: [1], data: new Float32Array(1) })).rejects.toThrow(/was not declared/);
    await sink.commit();
    await expect(sink.write({ kind: "f32", name: "b", shape: [3], data: new Float32Array(3) })).rejects.toThrow(/already committed/);
  });

  it("accepts overlapping write calls, each at its planned offset", async () => {
    const path = fresh();
    const sink = await createGgufSink({ path, metadata: [], tensors: [{ name: "x", shape: [5], dtype: "F32" }, { name: "y", shape: [2], dtype: "F16" }] });
    await Promise.all([
      sink.write({ kind: "f32", name: "x", shape: [5], data: Float32Array.of(1, 2, 3, 4, 5) }),
      sink.write({ kind: "f32", name: "y", shape: [2], data: Float32Array.of(6, 7) }),
    ]);
    await sink.commit();
    await using source = await openGguf(path);
    expect(Array.from(await source.readF32("x"))).toEqual([1, 2, 3, 4, 5]);
    expect(Array.from(await source.readF32("y"))).toEqual([6, 7]);
  });

  it("writes the same file around the page cache (direct) as through it, overlapping writes included", async () => {
    const tensors = [
      { name: "big", shape: [3000, 7], dtype: "F32" as const },
      { name: "q", shape: [4, 64], dtype: "Q8_0" as const },
      { name: "odd", shape: [5], dtype: "F16" as const },
    ];
    const data = (n: number, k: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * k));
    const files: Buffer[] = [];
    for (const direct of [true, false]) {
      const path = fresh();
      const sink = await createGgufSink({ path, metadata: [ggufEntry("general.name", ggufValue.string("d"))], tensors, direct });
      await Promise.all(tensors.map((t, k) => sink.write({ kind: "f32", name: t.name, shape: t.shape, data: data(t.shape[0] * (t.shape[1] ?? 1), k + 1) })));
      await sink.commit();
      files.push(await readFile(path));
    }
    expect(files[0].byteLength).toBeGreaterThan(84_000);
    expect(files[0].equals(files[1])).toBe(true);
  });

  it("takes a tensor's bytes in parts (the same file as whole), and refuses parts that do not add up", async () => {
    const tensors = [
      { name: "p", shape: [2, 64], dtype: "Q8_0" as const },
      { name: "q", shape: [3], dtype: "F32" as const },
    ];
    const p = Uint8Array.from({ length: 136 }, (_, i) => (i * 37) & 0xff);
    const files: Buffer[] = [];
    for (const parts of [true, false]) {
      const path = fresh();
      const sink = await createGgufSink({ path, metadata: [], tensors, direct: true });
      if (parts) await sink.writeParts({ name: "p", dtype: "Q8_0", shape: [2, 64] }, splitParts(p, [68, 0, 68]));
      else await sink.write({ kind: "raw", name: "p", dtype: "Q8_0", shape: [2, 64], bytes: p });
      await sink.write({ kind: "f32", name: "q", shape: [3], data: Float32Array.of(1, 2, 3) });
      await sink.commit();
      files.push(await readFile(path));
    }
    expect(files[0].equals(files[1])).toBe(true);
    const short = await createGgufSink({ path: fresh(), metadata: [], tensors });
    await expect(short.writeParts({ name: "p", dtype: "Q8_0", shape: [2, 64] }, splitParts(p, [34]))).rejects.toThrow(/raw parts add up to 34 bytes, expected 136/);
    await short.abort();
    const wrong = await createGgufSink({ path: fresh(), metadata: [], tensors });
    await expect(wrong.writeParts({ name: "p", dtype: "F16", shape: [2, 64] }, splitParts(p, [136]))).rejects.toThrow(/declared Q8_0 but raw F16/);
    await expect(wrong.writeParts({ name: "q", dtype: "F32", shape: [3] }, splitParts(p, [12]))).rejects.toThrow(/expected "p", got "q"/);
    await wrong.abort();
    expect(await leftovers()).toEqual([]);
  });

  it("abort and disposal remove the temporary file and leave nothing at the path", async () => {
    const path = fresh();
    const sink = await createGgufSink({ path, metadata: [], tensors: TENSORS });
    expect(await leftovers()).toHaveLength(1);
    await sink.abort();
    expect(await leftovers()).toEqual([]);
    {
      await using disposed = await createGgufSink({ path, metadata: [], tensors: TENSORS });
      expect(disposed.location).toBe(path);
    }
    expect(await leftovers()).toEqual([]);
    await expect(openGguf(path)).rejects.toThrow(/cannot open/);
  });

  it("refuses to replace an existing file unless asked", async () => {
    const path = fresh();
    await writeFile(path, "old");
    await expect(createGgufSink({ path, metadata: [], tensors: [] })).rejects.toThrow(/already exists; pass overwrite: true/);
    await writeGguf(path, { metadata: [], tensors: [], overwrite: true });
    await using source = await openGguf(path);
    expect(source.list()).toEqual([]);
  });

  it("validates the plan and the metadata before creating anything", async () => {
    const path = fresh();
    const cases: [Parameters<typeof createGgufSink>[0], RegExp][] = [
      [{ path, metadata: [ggufEntry("k", ggufValue.u8(300))], tensors: [] }, /metadata "k": 300 is not a uint8/],
      [{ path, metadata: [ggufEntry("k", ggufValue.i32(1.5))], tensors: [] }, /1.5 is not a int32/],
      [{ path, metadata: [ggufEntry("k", ggufValue.string("\ud800"))], tensors: [] }, /lone UTF-16 surrogate/],
      [{ path, metadata: [ggufEntry("k", ggufValue.u8(1)), ggufEntry("k", ggufValue.u8(2))], tensors: [] }, /"k" is given twice/],
      [{ path, metadata: [ggufEntry("general.alignment", ggufValue.u32(64))], tensors: [], alignment: 32 }, /disagrees/],
      [{ path, metadata: [], tensors: [], alignment: 24 }, /power of two/],
      [{ path, metadata: [], tensors: [{ name: "x".repeat(64), shape: [1], dtype: "F32" }] }, /longer than 63 bytes/],
      [{ path, metadata: [], tensors: [{ name: "x", shape: [3, 31], dtype: "Q8_0" }] }, /last dimension \(31\) must be a multiple of 32/],
      [{ path, metadata: [], tensors: [{ name: "x", shape: [], dtype: "F32" }] }, /1 to 4 dimensions/],
      [{ path, metadata: [], tensors: [{ name: "x", shape: [1], dtype: "U8" }] }, /U8 cannot be stored/],
      [{ path, metadata: [], tensors: [{ name: "x", shape: [1], dtype: "F32" }, { name: "x", shape: [1], dtype: "F32" }] }, /declared twice/],
    ];
    for (const [options, problem] of cases) {
      const error = await createGgufSink(options).then(() => undefined, (e: unknown) => e);
      expect(error, String(problem)).toBeInstanceOf(OutputError);
      expect((error as Error).message).toMatch(problem);
    }
    expect(await leftovers()).toEqual([]);
  });

  it("refuses to encode float32 to formats it cannot quantise, and non-finite Q8_0 input", async () => {
    const path = fresh();
    const sink = await createGgufSink({ path, metadata: [], tensors: [{ name: "k", shape: [256], dtype: "Q4_K" }, { name: "q", shape: [32], dtype: "Q8_0" }] });
    await expect(sink.write({ kind: "f32", name: "k", shape: [256], data: new Float32Array(256) })).rejects.toThrow(/cannot encode float32 to Q4_K/);
    await sink.write({ kind: "raw", name: "k", shape: [256], dtype: "Q4_K", bytes: new Uint8Array(144) });
    await expect(sink.write({ kind: "f32", name: "q", shape: [32], data: new Float32Array(32).fill(Number.POSITIVE_INFINITY) })).rejects.toThrow(/tensor "q".*finite/);
    await sink.abort();
  });
});

describe("writeGguf", () => {
  it("writes a dense Q4_0 tensor with more elements than the file has bytes", async () => {
    const path = fresh();
    await writeGguf(path, { metadata: [], tensors: [{ name: "w", shape: [4096], dtype: "Q4_0", data: new Uint8Array(128 * 18) }] });
    await using source = await openGguf(path);
    expect((await source.readF32("w")).length).toBe(4096);
  });
});

describe("templateMetadata", () => {
  it("copies a template's metadata in order with overrides, removals and additions", async () => {
    const path = fresh();
    await writeGguf(path, {
      metadata: [
        ggufEntry("general.architecture", ggufValue.string("llama")),
        ggufEntry("general.name", ggufValue.string("base")),
        ggufEntry("general.file_type", ggufValue.u32(1)),
        ggufEntry("split.count", ggufValue.u16(3)),
        ggufEntry("tokenizer.ggml.tokens", ggufValue.array("string", ["a", "b"])),
        ggufEntry("junk", ggufValue.bool(true)),
      ],
      tensors: [],
    });
    await using base = await openGguf(path);
    const out = templateMetadata(base, {
      "general.name": "merged",
      "general.file_type": ggufFileType("Q8_0")!,
      junk: null,
      "smelt.seed": ggufValue.u64(7),
      "smelt.weight": 0.5,
    });
    expect(out).toEqual([
      { key: "general.architecture", type: "string", value: "llama" },
      { key: "general.name", type: "string", value: "merged" },
      { key: "general.file_type", type: "uint32", value: 7 },
      { key: "tokenizer.ggml.tokens", type: "array", itemType: "string", value: ["a", "b"] },
      { key: "smelt.seed", type: "uint64", value: 7n },
      { key: "smelt.weight", type: "float32", value: 0.5 },
    ]);
  });
});
