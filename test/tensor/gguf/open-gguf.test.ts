/** The reader against files assembled byte by byte from the spec (not by smelt's writer). */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TensorFormatError } from "../../../src/errors.js";
import { openGguf } from "../../../src/tensor/gguf/index.js";
import { buildGguf, concat, f32, kv, str, T, tensorInfo, u32, u64, u8 } from "./gguf-bytes.js";
import { useTmpDir } from "./tmp-dir.js";

const dir = useTmpDir();

async function fileOf(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir(), name);
  await writeFile(path, bytes);
  return path;
}

/** Tensor data: a [2, 3] F32 tensor (ggml dims [3, 2]) then, 32-aligned, a [4] F16 tensor. */
function sampleData(): Uint8Array {
  const data = new Uint8Array(64);
  const view = new DataView(data.buffer);
  for (let i = 0; i < 6; i++) view.setFloat32(i * 4, i + 0.5, true);
  [0x3c00, 0xc000, 0x3800, 0x0000].forEach((h, i) => view.setUint16(32 + i * 2, h, true));
  return data;
}

describe("openGguf", () => {
  it("reads a v2 file: typed metadata, reversed shapes, data at the aligned offset", async () => {
    const bytes = buildGguf({
      version: 2,
      kvs: [
        kv("general.architecture", T.string, str("llama")),
        kv("llama.block_count", T.u32, u32(2)),
        kv("flag", T.bool, u8(1)),
        kv("eps", T.f32, f32(0.25)),
        kv("big", T.u64, u64(2n ** 63n + 5n)),
        kv("names", T.array, concat(u32(T.string), u64(2), str("a"), str("héllo 🌍"))),
        kv("nested", T.array, concat(u32(T.array), u64(2), u32(T.u8), u64(2), u8(1), u8(2), u32(T.string), u64(1), str("x"))),
      ],
      infos: [tensorInfo("blk.0.w", [3, 2], 0, 0), tensorInfo("blk.0.n", [4], 1, 32)],
      data: sampleData(),
    });
    await using source = await openGguf(await fileOf("v2.gguf", bytes));
    expect(source.version).toBe(2);
    expect(source.alignment).toBe(32);
    expect(source.architecture).toBe("llama");
    expect(source.metadata.map((e) => e.key)).toEqual(["general.architecture", "llama.block_count", "flag", "eps", "big", "names", "nested"]);
    expect(source.get("llama.block_count")).toEqual({ key: "llama.block_count", type: "uint32", value: 2 });
    expect(source.get("flag")).toMatchObject({ type: "bool", value: true });
    expect(source.get("big")).toMatchObject({ type: "uint64", value: 2n ** 63n + 5n });
    expect(source.get("names")).toMatchObject({ type: "array", itemType: "string", value: ["a", "héllo 🌍"] });
    expect(source.get("nested")).toMatchObject({
      type: "array",
      itemType: "array",
      value: [{ type: "array", itemType: "uint8", value: [1, 2] }, { type: "array", itemType: "string", value: ["x"] }],
    });
    const [w, n] = source.list();
    expect(w).toMatchObject({ name: "blk.0.w", dtype: "F32", shape: [2, 3], ggmlDims: [3, 2], byteLength: 24, offset: 0 });
    expect(n).toMatchObject({ name: "blk.0.n", dtype: "F16", shape: [4], byteLength: 8, offset: 32 });
    expect(source.dataOffset % 32).toBe(0);
    expect(Array.from(await source.readF32("blk.0.w"))).toEqual([0.5, 1.5, 2.5, 3.5, 4.5, 5.5]);
    expect(Array.from(await source.readF32("blk.0.n"))).toEqual([1, -2, 0.5, 0]);
    expect(source.info("missing")).toBeUndefined();
    await expect(source.readRaw("missing")).rejects.toThrow(TensorFormatError);
  });

  it("honours general.alignment", async () => {
    const data = new Uint8Array(16);
    new DataView(data.buffer).setFloat32(8, 7, true);
    const bytes = buildGguf({
      kvs: [kv("general.alignment", T.u32, u32(8))],
      infos: [tensorInfo("a", [1], 0, 0), tensorInfo("b", [1], 0, 8)],
      alignment: 8,
      data,
    });
    await using source = await openGguf(await fileOf("align8.gguf", bytes));
    expect(source.alignment).toBe(8);
    expect(Array.from(await source.readF32("b"))).toEqual([7]);
  });

  it("refuses reads after close", async () => {
    const source = await openGguf(await fileOf("close.gguf", buildGguf({ infos: [tensorInfo("a", [1], 0, 0)], data: new Uint8Array(4) })));
    await source.close();
    await expect(source.readRaw("a")).rejects.toThrow(/closed/);
  });

  it("names the file when it cannot be opened", async () => {
    const missing = join(dir(), "nope.gguf");
    const error = await openGguf(missing).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(TensorFormatError);
    expect((error as TensorFormatError).file).toBe(missing);
    expect((error as Error).message).toMatch(/cannot open GGUF file.*ENOENT/);
    await expect(openGguf(dir())).rejects.toThrow(/cannot read GGUF file.*EISDIR/);
  });
});
