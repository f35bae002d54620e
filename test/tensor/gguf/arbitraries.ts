/** fast-check generators for GGUF metadata and tensors, shared by the round-trip and cross-check tests. */
import fc from "fast-check";
import type { GgufArrayValue, GgufMetadataEntry, GgufScalarTypeName, GgufScalarValue } from "../../../src/tensor/gguf/index.js";

const SCALARS: { readonly [T in GgufScalarTypeName]: fc.Arbitrary<unknown> } = {
  uint8: fc.integer({ min: 0, max: 0xff }),
  int8: fc.integer({ min: -0x80, max: 0x7f }),
  uint16: fc.integer({ min: 0, max: 0xffff }),
  int16: fc.integer({ min: -0x8000, max: 0x7fff }),
  uint32: fc.integer({ min: 0, max: 0xffffffff }),
  int32: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
  float32: fc.float(),
  float64: fc.double(),
  bool: fc.boolean(),
  string: fc.string({ unit: "binary", maxLength: 12 }),
  uint64: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  int64: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
};
const SCALAR_TYPES = Object.keys(SCALARS) as GgufScalarTypeName[];

export const scalarValue: fc.Arbitrary<GgufScalarValue> = fc
  .constantFrom(...SCALAR_TYPES)
  .chain((type) => SCALARS[type].map((value) => ({ type, value }) as GgufScalarValue));

const flatArray: fc.Arbitrary<GgufArrayValue> = fc
  .constantFrom(...SCALAR_TYPES)
  .chain((itemType) => fc.array(SCALARS[itemType], { maxLength: 6 }).map((value) => ({ type: "array", itemType, value }) as GgufArrayValue));

const arraysOf = (inner: fc.Arbitrary<GgufArrayValue>): fc.Arbitrary<GgufArrayValue> =>
  fc.array(inner, { maxLength: 3 }).map((value) => ({ type: "array", itemType: "array", value }) as GgufArrayValue);

/**
 * Arrays, including arrays of arrays (each inner array with its own item type), at most 3 levels:
 * @huggingface/gguf refuses deeper nesting, and real files nest at most once.
 */
export const arrayValue: fc.Arbitrary<GgufArrayValue> = fc.oneof(
  flatArray,
  arraysOf(flatArray),
  arraysOf(fc.oneof(flatArray, arraysOf(flatArray))),
);

export const metadata: fc.Arbitrary<GgufMetadataEntry[]> = fc.uniqueArray(
  fc.record({ key: fc.string({ unit: "binary", maxLength: 16 }), value: fc.oneof(scalarValue, arrayValue) }),
  { selector: (e) => e.key, maxLength: 8 },
).map((entries) => entries.filter((e) => e.key !== "general.alignment").map(({ key, value }) => ({ key, ...value })));

export type RoundTripDType = "F32" | "F16" | "BF16" | "Q8_0";

export interface TensorCase {
  name: string;
  dtype: RoundTripDType;
  shape: number[];
  data: Float32Array;
}

const tensorCase: fc.Arbitrary<TensorCase> = fc
  .record({
    name: fc.string({ unit: "grapheme", minLength: 1, maxLength: 8 }),
    dtype: fc.constantFrom<RoundTripDType>("F32", "F16", "BF16", "Q8_0"),
    outer: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 3 }),
    inner: fc.integer({ min: 1, max: 5 }),
    seed: fc.integer(),
  })
  .map(({ name, dtype, outer, inner, seed }) => {
    const shape = [...outer, dtype === "Q8_0" ? inner * 32 : inner];
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    let s = seed >>> 0;
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      data[i] = (s / 2 ** 32 - 0.5) * 8;
    }
    return { name, dtype, shape, data };
  });

export const tensors: fc.Arbitrary<TensorCase[]> = fc.uniqueArray(tensorCase, { selector: (t) => t.name, maxLength: 5 });

export const alignment: fc.Arbitrary<number | undefined> = fc.constantFrom(undefined, 1, 2, 8, 32, 64, 256);
