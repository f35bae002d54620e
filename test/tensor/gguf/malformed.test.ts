/**
 * Hostile and corrupt files: a corpus of hand-built malformed GGUFs, each of which must fail with a
 * TensorFormatError naming the file and the problem, plus a mutation fuzz over valid files in which
 * TensorFormatError is the only acceptable failure.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TensorFormatError } from "../../../src/errors.js";
import { ggufValue, openGguf, writeGguf } from "../../../src/tensor/gguf/index.js";
import { buildGguf, concat, f32, kv, str, T, tensorInfo, u32, u64, u8 } from "./gguf-bytes.js";
import { useTmpDir } from "./tmp-dir.js";

const dir = useTmpDir();
let counter = 0;

async function expectFormatError(bytes: Uint8Array, problem: RegExp): Promise<void> {
  const path = join(dir(), `bad-${counter++}.gguf`);
  await writeFile(path, bytes);
  const error = await openGguf(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TensorFormatError);
  expect((error as TensorFormatError).file).toBe(path);
  expect((error as TensorFormatError).message).toContain(path);
  expect((error as TensorFormatError).message).toMatch(problem);
}

const F32_TENSOR = tensorInfo("w", [4], 0, 0);
const DATA16 = new Uint8Array(16);
const valid = buildGguf({ kvs: [kv("general.name", T.string, str("ok"))], infos: [F32_TENSOR], data: DATA16 });
const nestedArray = (depth: number): Uint8Array =>
  depth === 0 ? concat(u32(T.u8), u64(0)) : concat(u32(T.array), u64(1), nestedArray(depth - 1));
const badUtf8 = Uint8Array.of(0x61, 0xc3, 0x28);

const CORPUS: [string, Uint8Array, RegExp][] = [
  ["bad magic", concat(new TextEncoder().encode("GGUX"), valid.subarray(4)), /not a GGUF file/],
  ["version 1", buildGguf({ version: 1 }), /version 1 is not supported/],
  ["version 4", buildGguf({ version: 4 }), /unsupported GGUF version 4/],
  ["big-endian header", buildGguf({ version: 0x03000000 }), /big-endian/],
  ["empty file", new Uint8Array(0), /truncated/],
  ["truncated in the counts", valid.subarray(0, 14), /truncated/],
  ["truncated in a key", buildGguf({ kvs: [kv("general.name", T.string, str("ok"))] }).subarray(0, 40), /metadata key #0 has length 12 .* only \d+ remain/],
  ["truncated in a value", buildGguf({ kvs: [kv("k", T.u32, u8(1))] }).subarray(0, 24 + 9 + 4 + 1), /truncated: metadata "k"/],
  // 33-byte info: the count check passes (32 bytes left) but the info's last byte is missing.
  ["truncated in a tensor info", buildGguf({ infos: [F32_TENSOR] }).subarray(0, 24 + 32), /truncated: tensor "w" dims, type and offset/],
  ["truncated in the data", valid.subarray(0, valid.length - 1), /tensor "w" data .* runs past the end of the file/],
  ["string length past EOF", buildGguf({ kvs: [kv("k", T.string, u64(1000))] }), /metadata "k" has length 1000 .* only \d+ remain/],
  ["absurd string length", buildGguf({ kvs: [kv("k", T.string, u64(2n ** 63n))] }), /above the limit of 67108864/],
  ["absurd array length", buildGguf({ kvs: [kv("k", T.array, concat(u32(T.u32), u64(2n ** 40n)))] }), /array has length 1099511627776 .* above the limit/],
  ["array longer than the file", buildGguf({ kvs: [kv("k", T.array, concat(u32(T.u64), u64(100_000)))] }), /needs at least 800000 bytes/],
  ["arrays nested too deep", buildGguf({ kvs: [kv("k", T.array, nestedArray(12))] }), /nests arrays more than 8 deep/],
  ["unknown metadata type", buildGguf({ kvs: [kv("k", 13, u32(0))] }), /unknown value type 13/],
  ["unknown array item type", buildGguf({ kvs: [kv("k", T.array, concat(u32(99), u64(0)))] }), /k" array item has unknown value type 99/],
  ["bool stored as 2", buildGguf({ kvs: [kv("k", T.bool, u8(2))] }), /bool stored as 2/],
  ["alignment not a power of two", buildGguf({ kvs: [kv("general.alignment", T.u32, u32(48))] }), /general.alignment is 48; it must be a power of two/],
  ["alignment zero", buildGguf({ kvs: [kv("general.alignment", T.u32, u32(0))] }), /general.alignment is 0/],
  ["alignment of the wrong type", buildGguf({ kvs: [kv("general.alignment", T.f32, f32(32))] }), /must be a uint32 but is stored as float32/],
  ["duplicate metadata key", buildGguf({ kvs: [kv("k", T.u8, u8(1)), kv("k", T.u8, u8(2))] }), /metadata key "k" appears more than once/],
  ["invalid UTF-8 key", buildGguf({ kvs: [kv(badUtf8, T.u8, u8(1))] }), /metadata key #0 is not valid UTF-8/],
  ["invalid UTF-8 value", buildGguf({ kvs: [kv("k", T.string, str(badUtf8))] }), /metadata "k" is not valid UTF-8/],
  ["absurd tensor count", buildGguf({ tensorCount: 2n ** 40n }), /tensor count is 1099511627776/],
  ["metadata count beyond the file", buildGguf({ kvCount: 1000 }), /metadata entry count is 1000/],
  ["tensor offset unaligned", buildGguf({ infos: [tensorInfo("w", [1], 0, 4)], data: DATA16 }), /offset 4 is not a multiple of the alignment 32/],
  ["tensor offset past EOF", buildGguf({ infos: [tensorInfo("w", [1], 0, 1n << 40n)], data: DATA16 }), /data offset 1099511627776 is past the end/],
  ["tensor data past EOF", buildGguf({ infos: [tensorInfo("w", [1], 0, 32)], data: DATA16 }), /"w" data \(4 bytes at data offset 32\) runs past the end/],
  ["overlapping tensors", buildGguf({ infos: [tensorInfo("a", [8], 0, 0), tensorInfo("b", [4], 0, 0)], data: new Uint8Array(64) }), /"b" and "a" overlap|"a" and "b" overlap/],
  ["absurd dims", buildGguf({ infos: [tensorInfo("w", [1n << 40n, 1], 0, 0)], data: DATA16 }), /dimension 0 is 1099511627776/],
  ["dims bigger than the file", buildGguf({ infos: [tensorInfo("w", [100, 100], 0, 0)], data: DATA16 }), /needs 40000 bytes of F32 data/],
  ["five dims", buildGguf({ infos: [tensorInfo("w", [1, 1, 1, 1, 1], 0, 0)], data: DATA16 }), /5 dimensions; ggml tensors have 1 to 4/],
  ["zero dims", buildGguf({ infos: [tensorInfo("w", [], 0, 0)], data: DATA16 }), /0 dimensions/],
  ["unknown ggml type", buildGguf({ infos: [tensorInfo("w", [4], 99, 0)], data: DATA16 }), /tensor "w" has ggml type 99/],
  ["unsupported ggml type", buildGguf({ infos: [tensorInfo("w", [256], 10, 0)], data: new Uint8Array(256) }), /tensor "w" has ggml Q2_K \(type 10\)/],
  ["partial quant block", buildGguf({ infos: [tensorInfo("w", [31], 8, 0)], data: new Uint8Array(64) }), /row of 31 elements, not a whole number of Q8_0 blocks/],
  ["duplicate tensor name", buildGguf({ infos: [tensorInfo("w", [1], 0, 0), tensorInfo("w", [1], 0, 32)], data: new Uint8Array(64) }), /tensor name "w" appears more than once/],
];

describe("malformed GGUF corpus", () => {
  it("has a case per problem", () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(15);
  });

  it.each(CORPUS)("%s", async (_label, bytes, problem) => {
    await expectFormatError(bytes, problem);
  });

  it("the untouched base file is valid", async () => {
    const path = join(dir(), "valid.gguf");
    await writeFile(path, valid);
    await using source = await openGguf(path);
    expect(source.list()).toHaveLength(1);
  });
});

/** xorshift32, so failures reproduce from the printed seed. */
function rng(seed: number): (n: number) => number {
  let s = seed >>> 0 || 1;
  return (n) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
}

function mutate(src: Uint8Array, rand: (n: number) => number): Uint8Array {
  switch (rand(4)) {
    case 0: // truncate anywhere
      return src.subarray(0, rand(src.length));
    case 1: { // flip a few bytes, biased towards the header where every byte matters
      const out = src.slice();
      const headerEnd = Math.min(out.length, 600);
      for (let i = 0, n = 1 + rand(4); i < n; i++) out[rand(headerEnd)] = rand(256);
      return out;
    }
    case 2: { // overwrite 8 bytes with a big or tiny 64-bit value (lengths, counts, dims, offsets)
      const out = src.slice();
      const at = rand(Math.min(out.length, 600) - 8);
      const values = [0n, 1n, 0xffn, 2n ** 31n, 2n ** 32n - 1n, 2n ** 63n, 2n ** 64n - 1n, BigInt(rand(1 << 20))];
      new DataView(out.buffer).setBigUint64(at, values[rand(values.length)], true);
      return out;
    }
    default: { // delete a slice
      const at = rand(src.length);
      return concat(src.subarray(0, at), src.subarray(at + 1 + rand(16)));
    }
  }
}

describe("mutation fuzz", () => {
  it("only ever throws TensorFormatError, and never hangs", async () => {
    const base = join(dir(), "fuzz-base.gguf");
    await writeGguf(base, {
      metadata: [
        { key: "general.architecture", ...ggufValue.string("llama") },
        { key: "u", ...ggufValue.u32(7) },
        { key: "tokens", ...ggufValue.array("string", ["a", "bc", "ü"]) },
        { key: "scores", ...ggufValue.array("float32", [0.5, -1]) },
        { key: "nested", ...ggufValue.arrays([ggufValue.array("int64", [1n]), ggufValue.array("bool", [true])]) },
      ],
      tensors: [
        { name: "a", shape: [2, 32], dtype: "Q8_0", data: new Float32Array(64).fill(0.5) },
        { name: "b", shape: [3], dtype: "F16", data: Float32Array.of(1, 2, 3) },
        { name: "c", shape: [256], dtype: "Q6_K", data: new Uint8Array(210) },
      ],
    });
    const original = new Uint8Array(await (await import("node:fs/promises")).readFile(base));
    const seed = 12345;
    const rand = rng(seed);
    const path = join(dir(), "fuzz.gguf");
    let opened = 0;
    for (let i = 0; i < 300; i++) {
      await writeFile(path, mutate(original, rand));
      try {
        await using source = await openGguf(path);
        for (const t of source.list()) await source.readF32(t.name);
        opened++;
      } catch (error) {
        if (!(error instanceof TensorFormatError)) {
          throw new Error(`iteration ${i} (seed ${seed}) threw ${String(error)}`, { cause: error });
        }
      }
    }
    // Some mutations (e.g. in tensor data or padding) leave a valid file; most must be caught.
    expect(opened).toBeGreaterThan(0);
    expect(opened).toBeLessThan(300);
  });
});
