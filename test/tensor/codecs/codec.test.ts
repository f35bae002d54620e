import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TensorFormatError } from "../../../src/errors.js";
import { bf16ToF32, decodeFloat, dtypeByteSize, encodeFloat, f16ToF32, isFloatDType, isIntDType } from "../../../src/tensor/codecs/index.js";
import type { DType, FloatDType } from "../../../src/tensor/dtype.js";

const FLOATS: FloatDType[] = ["F64", "F32", "F16", "BF16"];

/** Little-endian bytes of values written through DataView, independent of the codec's typed-array views. */
function leBytes(dtype: "F64" | "F32", values: number[]): Uint8Array {
  const size = dtype === "F64" ? 8 : 4;
  const view = new DataView(new ArrayBuffer(values.length * size));
  values.forEach((v, i) => (dtype === "F64" ? view.setFloat64(i * 8, v, true) : view.setFloat32(i * 4, v, true)));
  return new Uint8Array(view.buffer);
}

describe("dtypeByteSize / isFloatDType / isIntDType", () => {
  it("gives the element size of every element-wise dtype", () => {
    const sizes = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1 } as const;
    for (const [dtype, size] of Object.entries(sizes)) expect(dtypeByteSize(dtype as keyof typeof sizes)).toBe(size);
  });

  it("classifies dtypes", () => {
    const all: DType[] = ["F64", "F32", "F16", "BF16", "I64", "I32", "I16", "I8", "U64", "U32", "U16", "U8", "BOOL", "Q8_0", "Q4_K"];
    expect(all.filter(isFloatDType)).toEqual(FLOATS);
    expect(all.filter(isIntDType)).toEqual(["I64", "I32", "I16", "I8", "U64", "U32", "U16", "U8", "BOOL"]);
  });
});

describe("decodeFloat / encodeFloat", () => {
  it("decodes little-endian F32 and F64 bytes (F64 rounded like Math.fround)", () => {
    const values = [0, -0, 1.5, -2.25, 1e-40, 3.4e38, 1e300, 0.1, Infinity];
    expect(Array.from(decodeFloat("F32", leBytes("F32", values)))).toEqual(values.map(Math.fround));
    expect(Array.from(decodeFloat("F64", leBytes("F64", values)))).toEqual(values.map(Math.fround));
  });

  it("decodes F16 and BF16 little-endian bytes", () => {
    expect(Array.from(decodeFloat("F16", new Uint8Array([0x00, 0x3c, 0x00, 0xc0])))).toEqual([1, -2]);
    expect(Array.from(decodeFloat("BF16", new Uint8Array([0x80, 0x3f, 0x00, 0xc0])))).toEqual([1, -2]);
  });

  it("copies unaligned input instead of failing, for every dtype", () => {
    for (const dtype of FLOATS) {
      const data = new Float32Array([1, -0.5, 256, 0]);
      const encoded = encodeFloat(dtype, data);
      const backing = new Uint8Array(encoded.byteLength + 3);
      backing.set(encoded, 3);
      expect(Array.from(decodeFloat(dtype, backing.subarray(3))), dtype).toEqual(Array.from(data));
    }
  });

  it("never returns a view of the input bytes", () => {
    const bytes = leBytes("F32", [1, 2]);
    const out = decodeFloat("F32", bytes);
    bytes.fill(0);
    expect(Array.from(out)).toEqual([1, 2]);
  });

  it("rejects a byte count that is not a whole number of elements, naming the file", () => {
    const err = (() => {
      try {
        decodeFloat("BF16", new Uint8Array(5), "w.safetensors");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(TensorFormatError);
    expect((err as TensorFormatError).file).toBe("w.safetensors");
    expect((err as Error).message).toMatch(/5 bytes is not a whole number of BF16 elements/);
  });

  it("round-trips values representable in each dtype exactly", () => {
    fc.assert(
      fc.property(fc.constantFrom(...FLOATS), fc.array(fc.integer({ min: -2048, max: 2048 }), { maxLength: 64 }), (dtype, ints) => {
        // Small integers scaled by 1/8 are exact in every float dtype (bf16 has 8 significant bits).
        const values = new Float32Array(ints.map((i) => (dtype === "BF16" ? (i % 256) / 8 : i / 8)));
        const back = decodeFloat(dtype, encodeFloat(dtype, values));
        expect(Array.from(back)).toEqual(Array.from(values));
      }),
    );
  });

  it("encodes to little-endian bytes matching DataView", () => {
    const values = [1.5, -3, 0.1];
    expect(encodeFloat("F32", new Float32Array(values))).toEqual(leBytes("F32", values.map(Math.fround)));
    expect(encodeFloat("F64", new Float32Array(values))).toEqual(leBytes("F64", values.map(Math.fround)));
  });
});

describe("in-place widening (src in the upper half of dst's buffer)", () => {
  it.each([
    ["bf16ToF32", bf16ToF32],
    ["f16ToF32", f16ToF32],
  ] as const)("%s gives the same result as with separate buffers, for any length", (_name, decode) => {
    fc.assert(
      fc.property(fc.uint16Array({ maxLength: 33 }), (values) => {
        const n = values.length;
        const expected = decode(values);
        const out = new Float32Array(n);
        const upper = new Uint16Array(out.buffer, 2 * n, n);
        upper.set(values);
        expect(decode(upper, out)).toBe(out);
        expect(Array.from(new Uint32Array(out.buffer))).toEqual(Array.from(new Uint32Array(expected.buffer)));
      }),
    );
  });
});
