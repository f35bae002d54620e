import fc from "fast-check";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeFloat, encodeFloat } from "../../../src/tensor/codecs/codec.js";
import {
  dequantize, dequantizeQ8_0, ggufEntry, ggufValue, GGUF_MAX_ARRAY_DEPTH, openGguf, quantizeQ8_0, writeGguf,
  type GgufArrayValue, type GgufDType,
} from "../../../src/tensor/gguf/index.js";
import { alignment, metadata, tensors } from "./arbitraries.js";
import { useTmpDir } from "./tmp-dir.js";

const dir = useTmpDir();
let counter = 0;
const nextPath = () => join(dir(), `rt-${counter++}.gguf`);

describe("writeGguf -> openGguf round trip", () => {
  it("returns the same typed metadata and the same tensor bytes and values", async () => {
    await fc.assert(
      fc.asyncProperty(metadata, tensors, alignment, async (meta, cases, align) => {
        const path = nextPath();
        await writeGguf(path, { metadata: meta, tensors: cases, alignment: align });
        await using source = await openGguf(path);
        const a = align ?? 32;
        expect(source.version).toBe(3);
        expect(source.alignment).toBe(a);
        const expectedMeta = a === 32 ? meta : [...meta, { key: "general.alignment", ...ggufValue.u32(a) }];
        expect(source.metadata).toEqual(expectedMeta);
        expect(source.list().map((t) => [t.name, t.dtype, t.shape])).toEqual(cases.map((t) => [t.name, t.dtype, t.shape]));
        for (const t of cases) {
          const info = source.info(t.name)!;
          expect(info.ggmlDims).toEqual([...t.shape].reverse());
          expect(info.fileOffset % a).toBe(0);
          const raw = await source.readRaw(t.name);
          const stored = t.dtype === "Q8_0" ? quantizeQ8_0(t.data) : encodeFloat(t.dtype, t.data);
          expect(raw.bytes).toEqual(stored);
          const values = await source.readF32(t.name);
          const expected = t.dtype === "Q8_0" ? dequantizeQ8_0(stored) : decodeFloat(t.dtype, stored);
          expect(values).toEqual(expected);
          if (t.dtype === "F32") expect(values).toEqual(t.data);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("nests arrays up to GGUF_MAX_ARRAY_DEPTH levels and refuses to write deeper ones", async () => {
    const nest = (levels: number): GgufArrayValue =>
      levels === 1 ? ggufValue.array("int16", [-1, 2]) : ggufValue.arrays([nest(levels - 1), ggufValue.array("string", ["é"])]);
    const path = nextPath();
    await writeGguf(path, { metadata: [ggufEntry("deep", nest(GGUF_MAX_ARRAY_DEPTH))], tensors: [] });
    await using source = await openGguf(path);
    expect(source.get("deep")).toEqual(ggufEntry("deep", nest(GGUF_MAX_ARRAY_DEPTH)));
    await expect(writeGguf(nextPath(), { metadata: [ggufEntry("deep", nest(GGUF_MAX_ARRAY_DEPTH + 1))], tensors: [] })).rejects.toThrow(
      /arrays nest more than 8 deep/,
    );
  });

  it("stores raw blocks of every quantised and integer type unchanged", async () => {
    const path = nextPath();
    const specs: { dtype: GgufDType; shape: number[]; bytes: number }[] = [
      { dtype: "Q4_0", shape: [2, 64], bytes: 4 * 18 },
      { dtype: "Q4_1", shape: [32], bytes: 20 },
      { dtype: "Q5_0", shape: [3, 32], bytes: 3 * 22 },
      { dtype: "Q5_1", shape: [32], bytes: 24 },
      { dtype: "Q8_0", shape: [1, 32], bytes: 34 },
      { dtype: "Q4_K", shape: [2, 256], bytes: 2 * 144 },
      { dtype: "Q5_K", shape: [256], bytes: 176 },
      { dtype: "Q6_K", shape: [1, 2, 256], bytes: 2 * 210 },
      { dtype: "I8", shape: [5], bytes: 5 },
      { dtype: "I16", shape: [3], bytes: 6 },
      { dtype: "I32", shape: [2, 2], bytes: 16 },
      { dtype: "I64", shape: [1], bytes: 8 },
      { dtype: "F64", shape: [2], bytes: 16 },
    ];
    const withBytes = specs.map((s, i) => {
      const data = new Uint8Array(s.bytes);
      // Every byte pattern is a valid block except half NaN/Inf scales; 0x3x high bytes keep halves finite.
      for (let j = 0; j < data.length; j++) data[j] = (j * 37 + i * 11) & 0x3f;
      return { name: `t${i}.${s.dtype}`, shape: s.shape, dtype: s.dtype, data };
    });
    await writeGguf(path, { metadata: [], tensors: withBytes });
    await using source = await openGguf(path);
    for (const t of withBytes) {
      expect((await source.readRaw(t.name)).bytes).toEqual(t.data);
      const info = source.info(t.name)!;
      expect(info.byteLength).toBe(t.data.length);
      if (t.dtype.startsWith("Q")) {
        expect(await source.readF32(t.name)).toEqual(dequantize(t.dtype as "Q4_K", t.data));
      }
    }
    await expect(source.readF32("t9.I16")).rejects.toThrow(/I16 integers/);
    expect(await source.readF32("t12.F64")).toEqual(decodeFloat("F64", withBytes[12].data));
  });
});
