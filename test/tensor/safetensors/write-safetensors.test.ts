import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OutputError, ShapeMismatchError } from "../../../src/errors.js";
import { writeSafetensors } from "../../../src/tensor/safetensors/index.js";
import { tempDir } from "./helpers.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir("st-write")));
afterAll(() => cleanup());

describe("writeSafetensors", () => {
  it("writes the documented layout: LE length, compact JSON in the given order, space padding to 8", async () => {
    const path = join(dir, "layout.safetensors");
    await writeSafetensors(path, [{ name: "b", dtype: "F16", shape: [1], data: new Float32Array([1]) }, { name: "a", dtype: "U8", shape: [2], data: new Uint8Array([7, 9]) }], { k: "v" });
    const bytes = new Uint8Array(await readFile(path));
    const json = '{"__metadata__":{"k":"v"},"b":{"dtype":"F16","shape":[1],"data_offsets":[0,2]},"a":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}}';
    const padded = Math.ceil(json.length / 8) * 8;
    expect(new DataView(bytes.buffer).getBigUint64(0, true)).toBe(BigInt(padded));
    expect(new TextDecoder().decode(bytes.subarray(8, 8 + padded))).toBe(json.padEnd(padded, " "));
    expect(Array.from(bytes.subarray(8 + padded))).toEqual([0x00, 0x3c, 7, 9]);
  });

  it("rejects data that does not match the shape, float data for an int dtype, and leaves no file behind", async () => {
    const path = join(dir, "bad.safetensors");
    await expect(writeSafetensors(path, [{ name: "w", dtype: "F32", shape: [3], data: new Float32Array(2) }])).rejects.toThrow(ShapeMismatchError);
    await expect(writeSafetensors(path, [{ name: "w", dtype: "BF16", shape: [2], data: new Uint8Array(3) }])).rejects.toThrow(/3 bytes for BF16 shape \[2\] \(4 bytes\)/);
    await expect(writeSafetensors(path, [{ name: "w", dtype: "I32", shape: [1], data: new Float32Array(1) }])).rejects.toThrow(OutputError);
    await expect(writeSafetensors(join(dir, "missing-dir", "x.safetensors"), [])).rejects.toThrow(OutputError);
    expect((await readdir(dir)).filter((f) => f.startsWith("bad") || f.startsWith(".smelt-tmp"))).toEqual([]);
  });
});
