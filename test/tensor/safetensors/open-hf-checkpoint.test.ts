import { mkdir, open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TensorFormatError } from "../../../src/errors.js";
import { openHfCheckpoint, openSafetensors, ShardedSafetensorsSource, writeSafetensors } from "../../../src/tensor/safetensors/index.js";
import { tempDir } from "./helpers.js";

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: root, cleanup } = await tempDir("st-hf")));
afterAll(() => cleanup());

const tensor = (name: string, values: number[]) => ({ name, dtype: "F32" as const, shape: [values.length], data: new Float32Array(values) });

async function shardedFolder(name: string): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir);
  // Shard 2 is listed first in the index on purpose: list() must follow shard order, not index order.
  await writeSafetensors(join(dir, "model-00001-of-00002.safetensors"), [tensor("embed", [1, 2]), tensor("layer.0", [3])]);
  await writeSafetensors(join(dir, "model-00002-of-00002.safetensors"), [tensor("head", [4, 5, 6]), tensor("unlisted", [0])]);
  const weightMap = { head: "model-00002-of-00002.safetensors", embed: "model-00001-of-00002.safetensors", "layer.0": "model-00001-of-00002.safetensors" };
  await writeFile(join(dir, "model.safetensors.index.json"), JSON.stringify({ metadata: { total_size: 24 }, weight_map: weightMap }));
  return dir;
}

describe("openHfCheckpoint", () => {
  it("opens a sharded folder: tensors in shard order, each read from its shard, index metadata exposed", async () => {
    const dir = await shardedFolder("sharded");
    await using source = await openHfCheckpoint(dir);
    expect(source).toBeInstanceOf(ShardedSafetensorsSource);
    expect(source.list().map((t) => t.name)).toEqual(["embed", "layer.0", "head"]);
    expect(source.info("head")).toEqual({ name: "head", dtype: "F32", shape: [3], byteLength: 12 });
    expect(source.info("unlisted")).toBeUndefined();
    expect(Array.from(await source.readF32("head"))).toEqual([4, 5, 6]);
    expect((await source.readRaw("embed")).bytes).toEqual(new Uint8Array(new Float32Array([1, 2]).buffer));
    expect((source as ShardedSafetensorsSource).metadata).toEqual({ total_size: 24 });
    await expect(source.readF32("unlisted")).rejects.toThrow(TensorFormatError);
  });

  it("opens the index file given directly", async () => {
    const dir = await shardedFolder("direct-index");
    await using source = await openHfCheckpoint(join(dir, "model.safetensors.index.json"));
    expect(source.list()).toHaveLength(3);
  });

  it("opens a folder with model.safetensors, a folder with one odd-named file, and a file path", async () => {
    const single = join(root, "single");
    await mkdir(single);
    await writeSafetensors(join(single, "model.safetensors"), [tensor("w", [7])]);
    const odd = join(root, "odd");
    await mkdir(odd);
    await writeSafetensors(join(odd, "adapter_model.safetensors"), [tensor("lora", [8])]);
    for (const [path, name, value] of [[single, "w", 7], [odd, "lora", 8], [join(single, "model.safetensors"), "w", 7]] as const) {
      await using source = await openHfCheckpoint(path);
      expect(Array.from(await source.readF32(name)), path).toEqual([value]);
    }
  });
});

describe("SafetensorsSource lifecycle", () => {
  it("refuses reads after close, and close is idempotent", async () => {
    const path = join(root, "life.safetensors");
    await writeSafetensors(path, [tensor("w", [1])]);
    const source = await openSafetensors(path);
    await source.close();
    await source.close();
    await expect(source.readF32("w")).rejects.toThrow(/read after close/);
  });

  it("reads tensors concurrently and out of order", async () => {
    const path = join(root, "many.safetensors");
    const tensors = Array.from({ length: 20 }, (_, i) => tensor(`t${i}`, [i, i + 0.5]));
    await writeSafetensors(path, tensors);
    await using source = await openSafetensors(path);
    const values = await Promise.all([...tensors].reverse().map((t) => source.readF32(t.name)));
    expect(values.reverse().map((v) => Array.from(v))).toEqual(tensors.map((t) => Array.from(t.data)));
  });
});

describe("random access", () => {
  it("reads one tensor past an 8 GB tensor without touching it (sparse file, offsets above 2^32)", async () => {
    const path = join(root, "sparse.safetensors");
    const big = 8_000_000_000;
    const header = new TextEncoder().encode(JSON.stringify({ big: { dtype: "U8", shape: [big], data_offsets: [0, big] }, small: { dtype: "F32", shape: [2], data_offsets: [big, big + 8] } }));
    const prefix = new Uint8Array(8);
    new DataView(prefix.buffer).setBigUint64(0, BigInt(header.byteLength), true);
    const handle = await open(path, "w");
    try {
      await handle.write(prefix, 0, 8, 0);
      await handle.write(header, 0, header.byteLength, 8);
      await handle.write(new Uint8Array(new Float32Array([1.5, -2]).buffer), 0, 8, 8 + header.byteLength + big);
    } finally {
      await handle.close();
    }
    await using source = await openSafetensors(path);
    expect(source.info("big")?.byteLength).toBe(big);
    expect(Array.from(await source.readF32("small"))).toEqual([1.5, -2]);
  });
});
