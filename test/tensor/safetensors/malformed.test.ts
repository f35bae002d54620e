/**
 * A corpus of broken safetensors files and HF folders, built in code. Each must fail at open with a
 * TensorFormatError that names the file and says what is wrong — never a hang, a RangeError from a
 * huge allocation, or a later short read.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TensorFormatError } from "../../../src/errors.js";
import { openHfCheckpoint, openSafetensors, writeSafetensors } from "../../../src/tensor/safetensors/index.js";
import { rawSafetensors, tempDir, thrown } from "./helpers.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir("st-malformed")));
afterAll(() => cleanup());

const f32 = (shape: number[], begin: number, end: number) => ({ dtype: "F32", shape, data_offsets: [begin, end] });
const data = (n: number) => new Uint8Array(n).map((_, i) => i);
const valid = rawSafetensors({ a: f32([2], 0, 8), b: f32([1], 8, 12) }, data(12));

const fileCases: [label: string, bytes: Uint8Array, problem: RegExp][] = [
  ["empty file", new Uint8Array(0), /0 bytes, too short/],
  ["shorter than the length prefix", new Uint8Array([1, 0, 0]), /3 bytes, too short/],
  ["header length past end of file", rawSafetensors({}, new Uint8Array(0), 1000n), /header length 1000 runs past the end of the 10-byte file/],
  ["absurd header length (2^63)", rawSafetensors({}, new Uint8Array(0), 2n ** 63n), /header length 9223372036854775808 exceeds the maximum allowed/],
  ["header length just over the limit", rawSafetensors({}, new Uint8Array(0), 100_000_001n), /exceeds the maximum allowed \(100000000 bytes\)/],
  ["truncated in the middle of the header", valid.subarray(0, 20), /runs past the end of the 20-byte file/],
  ["truncated data block", valid.subarray(0, valid.byteLength - 3), /tensor "b": data_offsets \[8, 12\] run past the end of the data block \(9 bytes\)/],
  ["invalid JSON", rawSafetensors('{"a": {"dtype": "F32",'), /header is not valid JSON/],
  ["zero-length header", rawSafetensors(""), /header is not valid JSON/],
  ["header is a JSON array", rawSafetensors("[1, 2]"), /header must be a JSON object/],
  ["header is JSON null", rawSafetensors("null"), /header must be a JSON object/],
  ["invalid UTF-8 in the header", rawSafetensors(new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])), /not valid UTF-8/],
  ["overlapping offsets", rawSafetensors({ a: f32([2], 0, 8), b: f32([2], 4, 12) }, data(12)), /tensors "a" \[0, 8\] and "b" \[4, 12\] overlap/],
  ["offsets outside the file", rawSafetensors({ a: f32([4], 0, 16) }, data(8)), /tensor "a": data_offsets \[0, 16\] run past the end of the data block \(8 bytes\)/],
  ["begin after end", rawSafetensors({ a: f32([0], 8, 4) }, data(8)), /tensor "a": data_offsets \[8,4\] must be integers with 0 <= begin <= end/],
  ["negative offset", rawSafetensors({ a: f32([1], -4, 0) }, data(8)), /tensor "a": data_offsets/],
  ["offsets not a pair", rawSafetensors({ a: { dtype: "F32", shape: [1], data_offsets: [0] } }, data(4)), /tensor "a": "data_offsets" must be \[begin, end\]/],
  ["absurd dimension", rawSafetensors({ a: f32([2 ** 50], 0, 4) }, data(4)), /tensor "a": dimension 1125899906842624 exceeds the maximum allowed/],
  ["dims whose product overflows", rawSafetensors({ a: f32([2 ** 40, 2 ** 40, 2 ** 40], 0, 4) }, data(4)), /tensor "a": shape .* needs more than 2\^53 bytes/],
  ["too many dimensions", rawSafetensors({ a: f32(new Array(40).fill(1), 0, 4) }, data(4)), /tensor "a": shape has 40 dimensions, more than the maximum 32/],
  ["negative dimension", rawSafetensors({ a: f32([-1], 0, 4) }, data(4)), /tensor "a": dimension -1 is not a non-negative integer/],
  ["fractional dimension", rawSafetensors({ a: f32([2.5], 0, 10) }, data(10)), /tensor "a": dimension 2.5 is not a non-negative integer/],
  ["dimension given as a string", rawSafetensors({ a: f32(["2"] as unknown as number[], 0, 8) }, data(8)), /tensor "a": dimension "2" is not a non-negative integer/],
  ["shape missing", rawSafetensors({ a: { dtype: "F32", data_offsets: [0, 4] } }, data(4)), /tensor "a": "shape" must be an array/],
  ["dims product does not match the byte range", rawSafetensors({ a: f32([3], 0, 8) }, data(8)), /tensor "a": shape \[3\] of F32 needs 12 bytes but data_offsets \[0, 8\] hold 8/],
  ["unknown dtype", rawSafetensors({ a: { dtype: "F17", shape: [1], data_offsets: [0, 4] } }, data(4)), /tensor "a": unknown dtype "F17"/],
  ["dtype missing", rawSafetensors({ a: { shape: [1], data_offsets: [0, 4] } }, data(4)), /tensor "a": unknown dtype undefined/],
  ["valid but unsupported dtype (F8_E4M3)", rawSafetensors({ a: { dtype: "F8_E4M3", shape: [4], data_offsets: [0, 4] } }, data(4)), /tensor "a": dtype "F8_E4M3" is valid safetensors but not supported/],
  ["entry is not an object", rawSafetensors({ a: 42 }), /tensor "a": entry must be an object/],
  ["metadata value not a string", rawSafetensors({ __metadata__: { epochs: 3 } }), /"__metadata__" value for key "epochs" must be a string, got number/],
  ["metadata is an array", rawSafetensors({ __metadata__: ["x"] }), /"__metadata__" must be an object of string values/],
];

describe("openSafetensors on malformed files", () => {
  it.each(fileCases)("%s", async (label, bytes, problem) => {
    const path = join(dir, `${label.replace(/\W+/g, "-")}.safetensors`);
    await writeFile(path, bytes);
    const err = await thrown(() => openSafetensors(path));
    expect(err).toBeInstanceOf(TensorFormatError);
    expect((err as TensorFormatError).file).toBe(path);
    expect((err as Error).message).toMatch(problem);
    expect((err as Error).message.startsWith(`${path}: `)).toBe(true);
  });

  it("reports a missing file as a TensorFormatError naming it", async () => {
    const path = join(dir, "nope.safetensors");
    const err = await thrown(() => openSafetensors(path));
    expect(err).toBeInstanceOf(TensorFormatError);
    expect((err as Error).message).toMatch(/nope\.safetensors: cannot open/);
  });

  it("names the tensor when asked for one that does not exist", async () => {
    const path = join(dir, "valid.safetensors");
    await writeFile(path, valid);
    await using source = await openSafetensors(path);
    await expect(source.readRaw("c")).rejects.toThrow(/valid\.safetensors: no tensor named "c"/);
  });

  it("accepts what the checks must not reject: null metadata, gaps, trailing bytes, empty tensors anywhere", async () => {
    const path = join(dir, "lenient.safetensors");
    const header = { __metadata__: null, gap: f32([1], 4, 8), empty: f32([0, 7], 6, 6), tail: f32([], 8, 12) };
    await writeFile(path, rawSafetensors(header, data(20)));
    await using source = await openSafetensors(path);
    expect(source.list().map((t) => t.name)).toEqual(["gap", "empty", "tail"]);
    expect((await source.readRaw("tail")).bytes).toEqual(data(12).subarray(8, 12));
  });
});

describe("openHfCheckpoint on malformed folders", () => {
  async function folder(name: string, files: Record<string, string | Uint8Array>): Promise<string> {
    const path = join(dir, name);
    await mkdir(path, { recursive: true });
    for (const [file, content] of Object.entries(files)) await writeFile(join(path, file), content);
    return path;
  }
  const index = (weightMap: Record<string, unknown>) => JSON.stringify({ metadata: { total_size: 8 }, weight_map: weightMap });
  const shard = rawSafetensors({ w: f32([2], 0, 8) }, data(8));

  const cases: [label: string, files: Record<string, string | Uint8Array>, problem: RegExp, where: "index" | "dir"][] = [
    ["index pointing to a missing shard", { "model.safetensors.index.json": index({ w: "model-00001-of-00002.safetensors" }) }, /names shard "model-00001-of-00002.safetensors", which does not exist/, "index"],
    ["index with a traversal path", { "model.safetensors.index.json": index({ w: "../evil.safetensors" }), "a.safetensors": shard }, /shard "\.\.\/evil\.safetensors", which is not a file inside/, "index"],
    ["index with an absolute path", { "model.safetensors.index.json": index({ w: "/etc/passwd" }) }, /shard "\/etc\/passwd", which is not a file inside/, "index"],
    ["index naming the folder itself", { "model.safetensors.index.json": index({ w: "." }) }, /shard "\.", which is not a file inside/, "index"],
    ["index whose shard lacks the tensor", { "model.safetensors.index.json": index({ w: "s.safetensors", missing: "s.safetensors" }), "s.safetensors": shard }, /tensor "missing" is in "s\.safetensors", but that shard has no such tensor/, "index"],
    ["index that is not JSON", { "model.safetensors.index.json": "{weight_map" }, /index is not valid JSON/, "index"],
    ["index without weight_map", { "model.safetensors.index.json": "{}" }, /"weight_map" is missing/, "index"],
    ["index whose shard name is not a string", { "model.safetensors.index.json": index({ w: 3 }) }, /weight_map entry for "w" must be a shard file name/, "index"],
    ["pickle-only folder", { "pytorch_model.bin": "not really a pickle", "config.json": "{}" }, /only pickle weights found \(pytorch_model\.bin\).*never loads pickle/, "dir"],
    ["folder without weights", { "config.json": "{}" }, /no model\.safetensors, model\.safetensors\.index\.json or other \.safetensors file/, "dir"],
    ["several shards and no index", { "a.safetensors": shard, "b.safetensors": shard }, /several weight files and no model\.safetensors\.index\.json/, "dir"],
  ];

  it.each(cases)("%s", async (label, files, problem, where) => {
    const path = await folder(label.replace(/\W+/g, "-"), files);
    const err = await thrown(() => openHfCheckpoint(path));
    expect(err).toBeInstanceOf(TensorFormatError);
    expect((err as TensorFormatError).file).toBe(where === "index" ? join(path, "model.safetensors.index.json") : path);
    expect((err as Error).message).toMatch(problem);
  });

  it("reports a shard's own corruption naming the shard file", async () => {
    const path = await folder("corrupt-shard", { "model.safetensors.index.json": index({ w: "s.safetensors" }), "s.safetensors": shard.subarray(0, 30) });
    const err = await thrown(() => openHfCheckpoint(path));
    expect(err).toBeInstanceOf(TensorFormatError);
    expect((err as TensorFormatError).file).toBe(join(path, "s.safetensors"));
  });

  it("refuses a pickle file passed directly, and a missing path", async () => {
    const path = await folder("direct-pickle", { "model.pt": "x" });
    await expect(openHfCheckpoint(join(path, "model.pt"))).rejects.toThrow(/model\.pt: this is a pickle weights file/);
    await expect(openHfCheckpoint(join(dir, "does-not-exist"))).rejects.toThrow(TensorFormatError);
  });

  it("still opens a folder that has pickle weights next to safetensors ones", async () => {
    const path = join(dir, "both");
    await mkdir(path);
    await writeFile(join(path, "pytorch_model.bin"), "x");
    await writeSafetensors(join(path, "model.safetensors"), [{ name: "w", dtype: "F32", shape: [1], data: new Float32Array([2]) }]);
    await using source = await openHfCheckpoint(path);
    expect(Array.from(await source.readF32("w"))).toEqual([2]);
  });
});
