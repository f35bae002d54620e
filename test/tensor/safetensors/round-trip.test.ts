import fc from "fast-check";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TensorFormatError } from "../../../src/errors.js";
import { decodeFloat, encodeFloat, isFloatDType } from "../../../src/tensor/codecs/index.js";
import { createSafetensorsSink, openHfCheckpoint, openSafetensors, writeSafetensors, type SafetensorsDType } from "../../../src/tensor/safetensors/index.js";
import { ALL_DTYPES, ELEMENT_BYTES, FLOAT_DTYPES, tempDir } from "./helpers.js";

let dir: string;
let cleanup: () => Promise<void>;
let counter = 0;
beforeAll(async () => ({ dir, cleanup } = await tempDir("st-roundtrip")));
afterAll(() => cleanup());

const shapeArb = fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 }); // includes 0-d and zero-size dims
const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

interface TestTensor {
  readonly dtype: SafetensorsDType;
  readonly shape: number[];
  readonly data: Float32Array | Uint8Array;
}

/** Unique names with arbitrary (including non-ASCII) suffixes. */
const withNames = (items: TestTensor[], suffixes: string[]) => items.map((t, i) => ({ ...t, name: `layer.${i}.${suffixes[i] ?? ""}` }));

const rawTensorArb: fc.Arbitrary<TestTensor> = fc
  .record({ dtype: fc.constantFrom(...ALL_DTYPES), shape: shapeArb })
  .chain(({ dtype, shape }) => fc.uint8Array({ minLength: numel(shape) * ELEMENT_BYTES[dtype], maxLength: numel(shape) * ELEMENT_BYTES[dtype] }).map((data) => ({ dtype, shape, data })));

describe("writeSafetensors -> openSafetensors", () => {
  it("returns the same names, dtypes, shapes, bytes and metadata for every dtype and shape", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(rawTensorArb, { maxLength: 6 }),
        fc.array(fc.string({ maxLength: 6 }), { maxLength: 6 }),
        fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 20 }), { maxKeys: 3 }),
        async (raw, suffixes, metadata) => {
          const tensors = withNames(raw, suffixes);
          const path = join(dir, `raw-${counter++}.safetensors`);
          await writeSafetensors(path, tensors, metadata);
          await using source = await openSafetensors(path);
          expect(source.dataStart % 8).toBe(0);
          expect({ ...source.metadata }).toEqual(metadata);
          expect(source.list().map((t) => [t.name, t.dtype, t.shape])).toEqual(tensors.map((t) => [t.name, t.dtype, t.shape]));
          for (const t of tensors) {
            const { bytes, info } = await source.readRaw(t.name);
            expect(bytes).toEqual(t.data);
            expect(info.byteLength).toBe(t.data.byteLength);
            if (isFloatDType(t.dtype)) {
              expect(Array.from(await source.readF32(t.name))).toEqual(Array.from(decodeFloat(t.dtype, t.data as Uint8Array)));
            } else {
              await expect(source.readF32(t.name)).rejects.toThrow(TensorFormatError);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

const floatTensorArb: fc.Arbitrary<TestTensor> = fc
  .record({ dtype: fc.constantFrom<SafetensorsDType>(...FLOAT_DTYPES, "I32", "U8"), shape: shapeArb })
  .chain(({ dtype, shape }) =>
    isFloatDType(dtype)
      ? fc.float32Array({ minLength: numel(shape), maxLength: numel(shape) }).map((data): TestTensor => ({ dtype, shape, data }))
      : fc.uint8Array({ minLength: numel(shape) * ELEMENT_BYTES[dtype], maxLength: numel(shape) * ELEMENT_BYTES[dtype] }).map((data): TestTensor => ({ dtype, shape, data })),
  );

describe("createSafetensorsSink -> openHfCheckpoint (sharded)", () => {
  it("returns every tensor, split into shards no larger than the limit unless a tensor alone exceeds it", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(floatTensorArb, { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 200 }), async (raw, maxShardBytes) => {
        const tensors = withNames(raw, []);
        const out = join(dir, `sharded-${counter++}`);
        const sink = await createSafetensorsSink({ dir: out, tensors, maxShardBytes });
        for (const t of tensors) {
          await sink.write(t.data instanceof Float32Array ? { kind: "f32", name: t.name, shape: t.shape, data: t.data } : { kind: "raw", name: t.name, dtype: t.dtype, shape: t.shape, bytes: t.data });
        }
        await sink.commit();

        const files = (await readdir(out)).sort();
        expect(files.some((f) => f.startsWith(".smelt-tmp"))).toBe(false);
        const count = sink.shards.length;
        if (count === 1) {
          expect(files).toEqual(["model.safetensors"]);
        } else {
          const index = JSON.parse(await readFile(join(out, "model.safetensors.index.json"), "utf8"));
          const bytes = tensors.map((t) => numel(t.shape) * ELEMENT_BYTES[t.dtype]);
          expect(index.metadata.total_size).toBe(bytes.reduce((a, b) => a + b, 0));
          expect(Object.keys(index.weight_map)).toEqual(tensors.map((t) => t.name));
          expect(files).toContain(`model-${String(count).padStart(5, "0")}-of-${String(count).padStart(5, "0")}.safetensors`);
          for (const shard of sink.shards) expect(shard.tensors.length === 1 || shard.dataBytes <= maxShardBytes).toBe(true);
        }

        await using source = await openHfCheckpoint(out);
        expect(source.list().map((t) => t.name)).toEqual(tensors.map((t) => t.name));
        for (const t of tensors) {
          if (t.data instanceof Float32Array && isFloatDType(t.dtype)) {
            const expected = t.dtype === "F32" || t.dtype === "F64" ? t.data : decodeFloat(t.dtype, encodeFloat(t.dtype, t.data));
            expect(Array.from(await source.readF32(t.name))).toEqual(Array.from(expected));
          } else {
            expect((await source.readRaw(t.name)).bytes).toEqual(t.data);
          }
        }
      }),
      { numRuns: 40 },
    );
  });
});
