import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { f16ToF32, f32ToF16 } from "../../../src/tensor/codecs/index.js";
import { f32FromBits, HALF, narrowValue, referenceRound } from "./reference-rounding.js";

function encodeBits(bits: number): number {
  return f32ToF16(new Float32Array(new Uint32Array([bits >>> 0]).buffer))[0];
}

/** Encodes a JS number after rounding it to float32, as a Float32Array store does. */
function encodeValue(v: number): number {
  return f32ToF16(new Float32Array([v]))[0];
}

function expectMatchesReference(bits: number): void {
  const v = f32FromBits(bits);
  const got = encodeBits(bits);
  const want = referenceRound(HALF, v);
  if (want === undefined) {
    expect(got & 0x7c00).toBe(0x7c00);
    expect(got & 0x0200).toBe(0x0200); // quiet
    expect(got & 0x8000).toBe((bits >>> 16) & 0x8000);
    expect(got & 0x1ff).toBe((bits >>> 13) & 0x1ff); // top payload bits kept
  } else {
    expect(got.toString(16), `f32 bits 0x${(bits >>> 0).toString(16)} (${v})`).toBe(want.toString(16));
  }
}

describe("f16ToF32", () => {
  it("decodes all 65,536 bit patterns exactly (value from the IEEE formula, NaN payload kept)", () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const out = f16ToF32(all);
    const bits = new Uint32Array(out.buffer);
    const wrong: string[] = [];
    for (let h = 0; h < 65536; h++) {
      const abs = h & 0x7fff;
      let ok: boolean;
      if (abs > 0x7c00) ok = Number.isNaN(out[h]) && ((bits[h] >>> 13) & 0x3ff) === (h & 0x3ff) && bits[h] >>> 31 === h >>> 15;
      else if (abs === 0x7c00) ok = out[h] === (h & 0x8000 ? -Infinity : Infinity);
      else ok = Object.is(out[h], narrowValue(HALF, abs) * (h & 0x8000 ? -1 : 1));
      if (!ok) wrong.push(`0x${h.toString(16)} -> ${out[h]}`);
    }
    expect(wrong.slice(0, 10)).toEqual([]);
  });

  it("decodes any length at any 2-byte offset the same as element by element", () => {
    fc.assert(
      fc.property(fc.uint16Array({ maxLength: 40 }), fc.integer({ min: 0, max: 3 }), (values, offset) => {
        const backing = new Uint16Array(values.length + offset);
        backing.set(values, offset);
        const view = backing.subarray(offset);
        const whole = new Uint32Array(f16ToF32(view).buffer);
        const single = Array.from(values, (v) => new Uint32Array(f16ToF32(new Uint16Array([v])).buffer)[0]);
        expect(Array.from(whole)).toEqual(Array.from(single));
      }),
    );
  });

  it("writes into a provided destination and rejects one that is too short", () => {
    const dst = new Float32Array(3);
    expect(f16ToF32(new Uint16Array([0x3c00, 0xc000]), dst)).toBe(dst);
    expect(Array.from(dst)).toEqual([1, -2, 0]);
    expect(() => f16ToF32(new Uint16Array(3), new Float32Array(2))).toThrow(RangeError);
  });
});

describe("f32ToF16", () => {
  it.each([
    ["1.0", 1, 0x3c00],
    ["max finite 65504", 65504, 0x7bff],
    ["65519 rounds down to max finite", 65519, 0x7bff],
    ["65520 (tie, odd max) overflows to Inf", 65520, 0x7c00],
    ["-65520 overflows to -Inf", -65520, 0xfc00],
    ["1e6 overflows to Inf", 1e6, 0x7c00],
    ["tie 1 + 2^-11 rounds down to even", 1 + 2 ** -11, 0x3c00],
    ["tie 1 + 3*2^-11 rounds up to even", 1 + 3 * 2 ** -11, 0x3c02],
    ["smallest subnormal 2^-24", 2 ** -24, 0x0001],
    ["2^-25 (tie between 0 and the smallest subnormal) rounds to +0", 2 ** -25, 0x0000],
    ["just above 2^-25 rounds up to the smallest subnormal", 2 ** -25 * (1 + 2 ** -23), 0x0001],
    ["-2^-25 rounds to -0", -(2 ** -25), 0x8000],
    ["tie between subnormals 1.5*2^-24 rounds to even (2)", 1.5 * 2 ** -24, 0x0002],
    ["tie 2.5*2^-24 rounds to even (2)", 2.5 * 2 ** -24, 0x0002],
    ["largest subnormal", 1023 * 2 ** -24, 0x03ff],
    ["rounding up from the largest subnormal gives the smallest normal", 1023.5 * 2 ** -24, 0x0400],
    ["smallest normal 2^-14", 2 ** -14, 0x0400],
    ["-0", -0, 0x8000],
    ["+Inf", Infinity, 0x7c00],
    ["-Inf", -Infinity, 0xfc00],
  ])("%s", (_label, input, expected) => {
    expect(encodeValue(input).toString(16)).toBe(expected.toString(16));
    expectMatchesReference(new Uint32Array(new Float32Array([input]).buffer)[0]);
  });

  it.each([
    ["canonical quiet NaN", 0x7fc00000, 0x7e00],
    ["signalling NaN with only low payload bits stays NaN, not Inf", 0x7f800001, 0x7e00],
    ["negative NaN keeps sign and top payload bits", 0xffa02000, 0xff01],
  ])("NaN: %s", (_label, input, expected) => {
    expect(encodeBits(input).toString(16)).toBe(expected.toString(16));
    expect(Number.isNaN(f16ToF32(new Uint16Array([expected]))[0])).toBe(true);
  });

  it("matches the reference rounding for arbitrary float32 bit patterns", () => {
    // Uniform bit patterns plus extra weight where half gets interesting: subnormals and overflow.
    const bits = fc.oneof(
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.tuple(fc.boolean(), fc.integer({ min: 0x32000000, max: 0x38800000 })).map(([neg, b]) => (neg ? b | 0x80000000 : b) >>> 0),
      fc.tuple(fc.boolean(), fc.integer({ min: 0x477f0000, max: 0x47800000 })).map(([neg, b]) => (neg ? b | 0x80000000 : b) >>> 0),
    );
    fc.assert(fc.property(bits, (b) => expectMatchesReference(b)), { numRuns: 10_000 });
  });

  it("is the identity on half-representable values (decode then encode)", () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const back = f32ToF16(f16ToF32(all));
    const wrong = all.filter((h) => back[h] !== ((h & 0x7fff) > 0x7c00 ? h | 0x200 : h));
    expect(Array.from(wrong.slice(0, 10))).toEqual([]);
  });
});
