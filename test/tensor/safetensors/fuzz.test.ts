/**
 * Mutation fuzzing: damage valid files (byte flips, truncations, structural JSON edits) and check
 * that opening and reading them either works or throws TensorFormatError — nothing else, no hang.
 */
import fc from "fast-check";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TensorFormatError } from "../../../src/errors.js";
import { isFloatDType } from "../../../src/tensor/codecs/index.js";
import { openSafetensors, parseSafetensorsHeader, writeSafetensors } from "../../../src/tensor/safetensors/index.js";
import { tempDir } from "./helpers.js";

let dir: string;
let cleanup: () => Promise<void>;
let valid: Uint8Array;
let headerEnd: number;
let counter = 0;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir("st-fuzz"));
  const path = join(dir, "seed.safetensors");
  await writeSafetensors(
    path,
    [
      { name: "embed.weight", dtype: "BF16", shape: [4, 3], data: new Float32Array(12).map((_, i) => i - 6) },
      { name: "norm", dtype: "F32", shape: [3], data: new Float32Array([1, 2, 3]) },
      { name: "ids", dtype: "I64", shape: [2], data: new Uint8Array(16).fill(7) },
      { name: "scalar", dtype: "F16", shape: [], data: new Float32Array([0.5]) },
      { name: "empty", dtype: "F64", shape: [0, 2], data: new Float32Array(0) },
    ],
    { format: "pt" },
  );
  valid = new Uint8Array(await readFile(path));
  headerEnd = 8 + Number(new DataView(valid.buffer, valid.byteOffset).getBigUint64(0, true));
});
afterAll(() => cleanup());

/** Opens `path` and reads every tensor; returns the error thrown, if any. */
async function openAndReadAll(path: string): Promise<unknown> {
  try {
    await using source = await openSafetensors(path);
    for (const t of source.list()) {
      if (isFloatDType(t.dtype)) await source.readF32(t.name);
      else await source.readRaw(t.name);
    }
    return undefined;
  } catch (err) {
    return err;
  }
}

describe("fuzzing safetensors files", () => {
  it("byte flips and truncations only ever produce TensorFormatError", async () => {
    // Positions are drawn as fractions so they can target the length prefix, header or data.
    const mutation = fc.record({
      flips: fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), inHeader: fc.boolean(), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 6 }),
      truncateTo: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { freq: 3 }),
    });
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(mutation, async ({ flips, truncateTo }) => {
        const bytes = valid.slice();
        for (const { at, inHeader, value } of flips) {
          const span = inHeader ? headerEnd : bytes.byteLength;
          bytes[Math.min(span - 1, Math.floor(at * span))] = value;
        }
        const mutated = truncateTo === null ? bytes : bytes.subarray(0, Math.floor(truncateTo * bytes.byteLength));
        const path = join(dir, `m-${counter++}.safetensors`);
        await writeFile(path, mutated);
        const err = await openAndReadAll(path);
        if (err !== undefined) {
          rejected++;
          expect(err, String(err)).toBeInstanceOf(TensorFormatError);
          expect((err as TensorFormatError).file).toBe(path);
        }
      }),
      { numRuns: 300 },
    );
    expect(rejected).toBeGreaterThan(30); // the mutations really do reach the validation paths
  });

  it("structural edits of the header JSON only ever produce TensorFormatError", () => {
    const header = JSON.parse(new TextDecoder().decode(valid.subarray(8, headerEnd))) as Record<string, Record<string, unknown>>;
    const names = Object.keys(header);
    const edit = fc.record({
      tensor: fc.constantFrom(...names),
      field: fc.constantFrom("dtype", "shape", "data_offsets", "__whole__"),
      value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.array(fc.integer({ min: -5, max: 2 ** 45 }), { maxLength: 40 }), fc.constantFrom("F32", "BF16", "I8", "Q8_0", [0, 8], [-1, 2 ** 60])),
    });
    let rejected = 0;
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        const copy = structuredClone(header) as Record<string, unknown>;
        for (const { tensor, field, value } of edits) {
          if (field === "__whole__") copy[tensor] = value;
          else if (typeof copy[tensor] === "object" && copy[tensor] !== null) (copy[tensor] as Record<string, unknown>)[field] = value;
        }
        try {
          parseSafetensorsHeader(new TextEncoder().encode(JSON.stringify(copy)), valid.byteLength - headerEnd, "fuzz.safetensors");
        } catch (err) {
          rejected++;
          expect(err, String(err)).toBeInstanceOf(TensorFormatError);
        }
      }),
      { numRuns: 500 },
    );
    expect(rejected).toBeGreaterThan(50);
  });
});
