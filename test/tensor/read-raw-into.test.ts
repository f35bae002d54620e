import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openGguf, writeGguf } from "../../src/tensor/gguf/index.js";
import { readRawInto } from "../../src/tensor/read-raw-into.js";
import { openHfCheckpoint, writeSafetensors } from "../../src/tensor/safetensors/index.js";
import type { TensorSource } from "../../src/tensor/tensor-source.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "smelt-read-into-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const values = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + seed));

/**
 * Every tensor read into one reused (shared) buffer equals readRaw's bytes, and the buffer's tail is
 * untouched; where the source names a file span, the file holds those bytes there.
 */
async function expectSameAsReadRaw(source: TensorSource, spans: boolean): Promise<void> {
  const largest = Math.max(...source.list().map((t) => t.byteLength));
  const into = new Uint8Array(new SharedArrayBuffer(largest + 16));
  for (const t of source.list()) {
    into.fill(0xab);
    const got = await readRawInto(source, t.name, into);
    const want = await source.readRaw(t.name);
    expect(got.info).toEqual(want.info);
    expect(got.bytes.buffer).toBe(into.buffer);
    expect(Buffer.from(got.bytes).equals(Buffer.from(want.bytes)), t.name).toBe(true);
    expect(into.subarray(t.byteLength).every((b) => b === 0xab)).toBe(true);
    const span = source.byteSpan?.(t.name);
    expect(span !== undefined, t.name).toBe(spans);
    if (span) {
      expect(span.length).toBe(t.byteLength);
      const file = await readFile(span.path);
      expect(file.subarray(span.offset, span.offset + span.length).equals(Buffer.from(want.bytes)), t.name).toBe(true);
    }
  }
  const first = source.list()[0];
  await expect(readRawInto(source, first.name, new Uint8Array(first.byteLength - 1))).rejects.toThrow(RangeError);
}

describe("readRawInto and byteSpan", () => {
  it("reads safetensors tensors (one file and shards) into a caller's buffer", async () => {
    const single = join(dir, "single");
    await mkdir(single);
    await writeSafetensors(join(single, "model.safetensors"), [
      { name: "a", dtype: "BF16", shape: [3, 5], data: values(15, 1) },
      { name: "b", dtype: "F32", shape: [7], data: values(7, 2) },
    ]);
    await using one = await openHfCheckpoint(single);
    await expectSameAsReadRaw(one, true);

    const sharded = join(dir, "sharded");
    await mkdir(sharded);
    await writeSafetensors(join(sharded, "model-00001-of-00002.safetensors"), [{ name: "x", dtype: "F16", shape: [9], data: values(9, 3) }]);
    await writeSafetensors(join(sharded, "model-00002-of-00002.safetensors"), [{ name: "y", dtype: "F32", shape: [2, 2], data: values(4, 4) }]);
    const weightMap = { x: "model-00001-of-00002.safetensors", y: "model-00002-of-00002.safetensors" };
    await writeFile(join(sharded, "model.safetensors.index.json"), JSON.stringify({ metadata: {}, weight_map: weightMap }));
    await using shards = await openHfCheckpoint(sharded);
    await expectSameAsReadRaw(shards, true);
  });

  it("reads GGUF tensors, quantised ones included", async () => {
    const path = join(dir, "m.gguf");
    await writeGguf(path, {
      metadata: [],
      tensors: [
        { name: "q", dtype: "Q8_0", shape: [2, 64], data: values(128, 5) },
        { name: "f", dtype: "F16", shape: [5], data: values(5, 6) },
      ],
    });
    await using gguf = await openGguf(path);
    await expectSameAsReadRaw(gguf, true);
  });

  it("falls back to readRaw and a copy for a source without readRawInto", async () => {
    const path = join(dir, "plain.gguf");
    await writeGguf(path, { metadata: [], tensors: [{ name: "f", dtype: "F32", shape: [6], data: values(6, 7) }] });
    await using gguf = await openGguf(path);
    const plain: TensorSource = {
      location: "plain",
      list: () => gguf.list(),
      info: (name) => gguf.info(name),
      readF32: (name) => gguf.readF32(name),
      readRaw: (name) => gguf.readRaw(name),
      close: async () => {},
      [Symbol.asyncDispose]: async () => {},
    };
    await expectSameAsReadRaw(plain, false);
  });
});
