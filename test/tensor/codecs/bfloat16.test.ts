import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bf16PairsToF32, bf16ToF32, f32ToBf16, f32ToBf16Pairs } from "../../../src/tensor/codecs/index.js";
import { BFLOAT16, f32FromBits, narrowValue, referenceRound } from "./reference-rounding.js";

/** Encodes one float32 (given by its bits) and returns the bf16 bits. */
function encodeBits(bits: number): number {
  return f32ToBf16(new Float32Array(new Uint32Array([bits >>> 0]).buffer))[0];
}

function expectMatchesReference(bits: number): void {
  const v = f32FromBits(bits);
  const got = encodeBits(bits);
  const want = referenceRound(BFLOAT16, v);
  if (want === undefined) {
    // NaN: still NaN, quiet bit set, sign and top payload bits kept.
    expect(got & 0x7f80).toBe(0x7f80);
    expect(got & 0x0040).toBe(0x0040);
    expect(got & 0x8000).toBe((bits >>> 16) & 0x8000);
    expect(got & 0x3f).toBe((bits >>> 16) & 0x3f);
  } else {
    expect(got.toString(16), `f32 bits 0x${(bits >>> 0).toString(16)} (${v})`).toBe(want.toString(16));
  }
}

describe("bf16ToF32", () => {
  it("decodes all 65,536 bit patterns exactly (value from the IEEE formula, NaN bits preserved)", () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const out = bf16ToF32(all);
    const bits = new Uint32Array(out.buffer);
    const wrong: string[] = [];
    for (let h = 0; h < 65536; h++) {
      const abs = h & 0x7fff;
      // Inf and every NaN payload must come back bit for bit; finite values by value (incl. -0).
      const ok = abs >= 0x7f80 ? bits[h] === (h << 16) >>> 0 : Object.is(out[h], narrowValue(BFLOAT16, abs) * (h & 0x8000 ? -1 : 1));
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
        const whole = new Uint32Array(bf16ToF32(view).buffer);
        const single = Array.from(values, (v) => new Uint32Array(bf16ToF32(new Uint16Array([v])).buffer)[0]);
        expect(Array.from(whole)).toEqual(Array.from(single));
      }),
    );
  });

  it("writes into a provided destination and rejects one that is too short", () => {
    const dst = new Float32Array(4);
    expect(bf16ToF32(new Uint16Array([0x3f80, 0xc000]), dst)).toBe(dst);
    expect(Array.from(dst)).toEqual([1, -2, 0, 0]);
    expect(() => bf16ToF32(new Uint16Array(3), new Float32Array(2))).toThrow(RangeError);
  });
});

describe("f32ToBf16", () => {
  it.each([
    ["1.0", 0x3f800000, 0x3f80],
    ["tie rounds down to even (1 + 2^-8)", 0x3f808000, 0x3f80],
    ["tie rounds up to even (1 + 3*2^-8)", 0x3f818000, 0x3f82],
    ["just above a tie rounds up", 0x3f808001, 0x3f81],
    ["max finite bf16 stays", 0x7f7f0000, 0x7f7f],
    ["largest value that still rounds to max finite", 0x7f7f7fff, 0x7f7f],
    ["tie at max finite overflows to Inf (odd mantissa)", 0x7f7f8000, 0x7f80],
    ["max finite f32 overflows to Inf", 0x7f7fffff, 0x7f80],
    ["-max finite f32 overflows to -Inf", 0xff7fffff, 0xff80],
    ["smallest f32 subnormal rounds to +0", 0x00000001, 0x0000],
    ["smallest bf16 subnormal stays", 0x00010000, 0x0001],
    ["half the smallest bf16 subnormal ties to 0", 0x00008000, 0x0000],
    ["just above that rounds up to the smallest subnormal", 0x00008001, 0x0001],
    ["largest subnormal rounds up to the smallest normal", 0x007fffff, 0x0080],
    ["-0 keeps its sign", 0x80000000, 0x8000],
    ["+Inf", 0x7f800000, 0x7f80],
    ["-Inf", 0xff800000, 0xff80],
  ])("%s", (_label, input, expected) => {
    expect(encodeBits(input)).toBe(expected);
    expectMatchesReference(input);
  });

  it.each([
    ["canonical quiet NaN", 0x7fc00000, 0x7fc0],
    ["signalling NaN whose payload is all in the dropped half does not become Inf", 0x7f800001, 0x7fc0],
    ["negative NaN with payload keeps sign and top payload bits", 0xffa50000, 0xffe5],
  ])("NaN: %s", (_label, input, expected) => {
    expect(encodeBits(input)).toBe(expected);
    expect(Number.isNaN(bf16ToF32(new Uint16Array([expected]))[0])).toBe(true);
  });

  it("matches the reference rounding for arbitrary float32 bit patterns", () => {
    // Uniform bit patterns, plus extra weight on the subnormal and overflow neighbourhoods.
    const bits = fc.oneof(
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 0x00ffffff })).map(([neg, b]) => (neg ? b | 0x80000000 : b) >>> 0),
      fc.integer({ min: 0x7f700000, max: 0x7fffffff }),
    );
    fc.assert(fc.property(bits, (b) => expectMatchesReference(b)), { numRuns: 10_000 });
  });

  it("is the identity on bf16-representable values (decode then encode)", () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const back = f32ToBf16(bf16ToF32(all));
    const wrong = all.filter((h) => back[h] !== ((h & 0x7fff) > 0x7f80 ? h | 0x40 : h));
    expect(Array.from(wrong.slice(0, 10))).toEqual([]);
  });

  it("reads a Float32Array that is a view at a non-zero offset", () => {
    const backing = new Float32Array([7, 1.5, -3]);
    expect(Array.from(f32ToBf16(backing.subarray(1)))).toEqual([0x3fc0, 0xc040]);
  });
});

describe("bf16 chunk kernels (bf16PairsToF32, f32ToBf16Pairs)", () => {
  const anyBits = fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(0x7f800000, 0xff800000, 0x7fc00001, 0xffffffff, 0x7f7fffff, 0x00008000, 0x80000000));

  it("decode like bf16ToF32 and flag exactly the chunks holding NaN or Inf", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 0, maxLength: 64 }), fc.nat(3), (halves, from) => {
        const n = halves.length & ~1;
        const src = new Uint16Array(2 * from + n);
        src.set(halves.slice(0, n), 2 * from);
        const dst = new Float32Array(n);
        const finite = bf16PairsToF32(new Int32Array(src.buffer), from, n / 2, new Int32Array(dst.buffer));
        expect(Array.from(new Uint32Array(dst.buffer))).toEqual(Array.from(new Uint32Array(bf16ToF32(src.subarray(2 * from)).buffer)));
        expect(finite).toBe(halves.slice(0, n).every((h) => (h & 0x7f80) !== 0x7f80));
      }),
    );
  });

  it("encode like f32ToBf16 for every non-NaN value and report NaN", () => {
    fc.assert(
      fc.property(fc.array(anyBits, { minLength: 0, maxLength: 64 }), fc.nat(3), (bits, at) => {
        const n = bits.length & ~1;
        const src = Uint32Array.from(bits.slice(0, n));
        const words = new Int32Array(at + n / 2);
        const ok = f32ToBf16Pairs(new Int32Array(src.buffer), n / 2, words, at);
        const want = f32ToBf16(new Float32Array(src.buffer));
        const got = new Uint16Array(words.buffer, 4 * at, n);
        const isNaN = (b: number) => (b & 0x7fffffff) > 0x7f800000;
        expect(ok).toBe(!Array.from(src).some(isNaN));
        for (let i = 0; i < n; i++) if (!isNaN(src[i])) expect(got[i], `bits 0x${src[i].toString(16)}`).toBe(want[i]);
      }),
    );
  });
});
