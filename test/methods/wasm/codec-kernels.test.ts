import { beforeAll, describe, expect, it } from "vitest";
import { resetKernelScratch, scratchBytes, scratchFloats, simdDecode, simdEncode, type KernelCodecDType } from "../../../src/methods/wasm/index.js";
import { bf16ToF32, f16ToF32, f32ToBf16, f32ToF16 } from "../../../src/tensor/codecs/index.js";
import { seededRandom, type SeededRandom } from "../../helpers/seeded-random.js";
import { bitsOf, expectSameFloatBits, floatBits, hex16, hex32, plainCopy, randomBits } from "./float-bits.js";
import { inKernels, useKernels } from "./kernel-cases.js";

/**
 * The SIMD codec kernels against the TypeScript codecs (src/tensor/codecs), bit for bit: every
 * bf16 and f16 pattern decoded, float32 patterns encoded (every rounding tie and its neighbours
 * at every exponent, millions of random patterns), and every length and alignment around the
 * kernels' vector bodies and scalar tails. Decoders give the TypeScript bits for every input,
 * NaN included, and say whether all values were finite; encoders give the TypeScript bits for
 * every non-NaN input and report NaN, for which the caller runs the TypeScript encoder.
 */

useKernels();

type HalfDType = "BF16" | "F16";
const decodeTs = { BF16: bf16ToF32, F16: f16ToF32 } as const;
const encodeTs = { BF16: f32ToBf16, F16: f32ToF16 } as const;
/** The exponent bits of a 16-bit pattern: all ones for Inf and NaN. */
const EXPONENT16 = { BF16: 0x7f80, F16: 0x7c00 } as const;

/** The 16-bit patterns, little-endian, at byte `offset` of a fresh kernel-scratch region (any offset, odd included). */
function kernelHalves(patterns: ArrayLike<number>, offset = 0): Uint8Array {
  const bytes = inKernels(scratchBytes(offset + 2 * patterns.length)).subarray(offset);
  for (let i = 0; i < patterns.length; i++) {
    bytes[2 * i] = patterns[i] & 0xff;
    bytes[2 * i + 1] = patterns[i] >>> 8;
  }
  return bytes;
}

/** Float32 bits in kernel scratch. */
function kernelFloatsOfBits(bits: ArrayLike<number>): Float32Array {
  const values = inKernels(scratchFloats(bits.length));
  bitsOf(values).set(bits);
  return values;
}

function kernelHalvesOut(n: number): Uint16Array {
  const bytes = inKernels(scratchBytes(2 * n));
  return new Uint16Array(bytes.buffer, bytes.byteOffset, n);
}

/** Whether float32 bits are finite / NaN. */
const isFinite32 = (bits: number) => (bits & 0x7f800000) !== 0x7f800000;
const isNaN32 = (bits: number) => (bits & 0x7fffffff) > 0x7f800000;

function allPatterns(rotation: number): Uint16Array {
  return Uint16Array.from({ length: 65536 }, (_, i) => (i + rotation) & 0xffff);
}

describe("SIMD decoders", () => {
  for (const dtype of ["BF16", "F16"] as const) {
    it(`decode all 65,536 ${dtype} patterns as the TypeScript codec does, NaN payloads included`, () => {
      // Rotations move each pattern to another lane of the 8-wide body; offset 1 is an odd address.
      for (const [offset, rotation] of [[0, 0], [1, 3], [6, 5]]) {
        resetKernelScratch();
        const patterns = allPatterns(rotation);
        const dst = inKernels(scratchFloats(65536));
        expect(simdDecode(dtype, kernelHalves(patterns, offset), dst)).toBe(false);
        expectSameFloatBits(dst, decodeTs[dtype](patterns), `${dtype} offset ${offset}`, (i) => `pattern ${hex16(patterns[i])}`);
      }
    });

    it(`report ${dtype} Inf and NaN wherever they lie, and all-finite input as finite`, () => {
      resetKernelScratch();
      const finite = allPatterns(0).filter((h) => (h & EXPONENT16[dtype]) !== EXPONENT16[dtype]);
      expect(simdDecode(dtype, kernelHalves(finite), inKernels(scratchFloats(finite.length)))).toBe(true);
      // Each special pattern at each position of 17 values: two vector steps and a scalar tail.
      const background = finite.subarray(1000, 1017);
      const src = kernelHalves(background);
      const dst = inKernels(scratchFloats(17));
      let checked = 0;
      for (let h = 0; h < 65536; h++) {
        if ((h & EXPONENT16[dtype]) !== EXPONENT16[dtype]) continue;
        for (let p = 0; p < 17; p++) {
          src[2 * p] = h & 0xff;
          src[2 * p + 1] = h >>> 8;
          if (simdDecode(dtype, src, dst) !== false) expect.fail(`${dtype} ${hex16(h)} at position ${p} of 17 reported finite`);
          src[2 * p] = background[p] & 0xff;
          src[2 * p + 1] = background[p] >>> 8;
          checked++;
        }
      }
      expect(checked).toBe(dtype === "BF16" ? 256 * 17 : 2048 * 17);
    });
  }

  it("copy float32 (dtype F32) bit for bit, reporting Inf and NaN", () => {
    resetKernelScratch();
    const r = seededRandom(11);
    const bits = Uint32Array.from({ length: 200_003 }, () => randomBits(r));
    const dst = inKernels(scratchFloats(bits.length));
    const src = kernelFloatsOfBits(bits);
    const bytes = new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
    expect(simdDecode("F32", bytes, dst)).toBe(bits.every(isFinite32));
    expectSameFloatBits(dst, src, "F32 copy");
    const finite = bits.filter(isFinite32);
    const finiteSrc = kernelFloatsOfBits(finite);
    expect(simdDecode("F32", new Uint8Array(finiteSrc.buffer, finiteSrc.byteOffset, finiteSrc.byteLength), inKernels(scratchFloats(finite.length)))).toBe(true);
  });
});

/**
 * float32 patterns covering every rounding decision of both encoders at every exponent and sign:
 * mantissa bits 22..13 take all 1024 values and the low 13 bits are ties, their neighbours and
 * zero. That holds every bf16 tie (low 16 bits 0x8000) and its neighbours, every f16 normal tie
 * (low 13 bits 0x1000), every f16 subnormal tie (a one followed by zeros at bit 13 or above), the
 * overflow edge 0x477ff000 and the smallest f16 normal 0x38800000, plus ±0, ±Inf and NaN payloads.
 */
function structuredPatterns(): Uint32Array {
  const low13 = [0, 1, 2, 0x7ff, 0x800, 0x801, 0xfff, 0x1000, 0x1001, 0x17ff, 0x1800, 0x1fff];
  const out = new Uint32Array(2 * 256 * 1024 * low13.length);
  let k = 0;
  for (let sign = 0; sign < 2; sign++)
    for (let exponent = 0; exponent < 256; exponent++)
      for (let high = 0; high < 1024; high++)
        for (const low of low13) out[k++] = ((sign << 31) | (exponent << 23) | (high << 13) | low) >>> 0;
  return out;
}

function concat(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

describe("SIMD encoders", () => {
  let nonNaN: Uint32Array = new Uint32Array(0);
  let nan: Uint32Array = new Uint32Array(0);
  beforeAll(() => {
    const structured = structuredPatterns();
    const r = seededRandom(2024);
    const random = Uint32Array.from({ length: 2_000_000 }, () => randomBits(r));
    // Not a multiple of 8: the last values go through the scalar tail.
    nonNaN = concat(structured.filter((x) => !isNaN32(x)), random.filter((x) => !isNaN32(x))).subarray(0, -3);
    nan = concat(structured.filter(isNaN32), random.filter(isNaN32));
  });

  for (const dtype of ["BF16", "F16"] as const) {
    it(`encode to ${dtype} as the TypeScript codec does: all ties and neighbours at every exponent, 2M random patterns`, () => {
      expect(nonNaN.length % 8).not.toBe(0);
      resetKernelScratch();
      const values = kernelFloatsOfBits(nonNaN);
      const dst = kernelHalvesOut(values.length);
      expect(simdEncode(dtype, values, dst)).toBe(true);
      const expected = encodeTs[dtype](plainCopy(values));
      for (let i = 0; i < expected.length; i++) {
        if (dst[i] !== expected[i]) expect.fail(`${dtype}: float32 ${hex32(nonNaN[i])} (${values[i]}) encoded to ${hex16(dst[i])}, expected ${hex16(expected[i])}`);
      }
    });

    it(`report every NaN pattern of the set (for the TypeScript ${dtype} encoder to run) wherever it lies`, () => {
      expect(nan.length).toBeGreaterThan(20_000);
      resetKernelScratch();
      const background = nonNaN.subarray(5000, 5017);
      const values = kernelFloatsOfBits(background);
      const bits = bitsOf(values);
      const dst = kernelHalvesOut(17);
      for (let j = 0; j < nan.length; j++) {
        const p = j % 17;
        bits[p] = nan[j];
        if (simdEncode(dtype, values, dst)) expect.fail(`${dtype}: NaN ${hex32(nan[j])} at position ${p} of 17 not reported`);
        bits[p] = background[p];
      }
      expect(simdEncode(dtype, values, dst)).toBe(true);
    });
  }
});

/** Lengths around the 4- and 8-wide bodies and their tails. */
const LENGTHS = [...Array.from({ length: 41 }, (_, n) => n), 63, 64, 65, 127, 128, 129, 1000, 1001, 1003, 4099];
const GUARD = 0xa5;

/** Two regions of kernel scratch with guard bytes around where the arrays go. */
function regions(bytes: number): { src: Uint8Array; dst: Uint8Array } {
  resetKernelScratch();
  return { src: inKernels(scratchBytes(bytes + 32)), dst: inKernels(scratchBytes(bytes + 32)).fill(GUARD) };
}

function expectGuardsIntact(region: Uint8Array, from: number, to: number, what: string): void {
  for (let i = 0; i < region.length; i++) {
    if ((i < from || i >= to) && region[i] !== GUARD) expect.fail(`${what}: byte ${i - from} relative to the output was written (output is bytes 0..${to - from})`);
  }
}

function randomHalves(r: SeededRandom, n: number, dtype: HalfDType, finite: boolean): Uint16Array {
  return Uint16Array.from({ length: n }, () => {
    const h = r.int(0, 0xffff);
    return finite && (h & EXPONENT16[dtype]) === EXPONENT16[dtype] ? h & ~0x4000 : h;
  });
}

describe("SIMD codecs at every length and alignment", () => {
  it("decode at every length, source byte offset 0-15 and output offset 0-12, writing only the output", () => {
    const r = seededRandom(5);
    let cases = 0;
    for (const dtype of ["BF16", "F16", "F32"] as const satisfies readonly KernelCodecDType[]) {
      for (const n of LENGTHS) {
        for (let srcOffset = 0; srcOffset < 16; srcOffset++) {
          for (const dstOffset of [0, 4, 8, 12]) {
            const finite = r.next() < 0.5;
            const { src, dst } = regions(4 * n);
            const out = new Float32Array(dst.buffer, dst.byteOffset + dstOffset, n);
            let expected: Float32Array;
            let input: Uint8Array;
            if (dtype === "F32") {
              const bits = Uint32Array.from({ length: n }, () => floatBits(r, { edge: 0.2, nonFinite: finite ? 0 : 0.05 }));
              input = new Uint8Array(bits.buffer);
              expected = new Float32Array(bits.buffer);
            } else {
              const halves = randomHalves(r, n, dtype, finite);
              input = new Uint8Array(halves.buffer);
              expected = decodeTs[dtype](halves);
            }
            const at = src.subarray(srcOffset, srcOffset + input.length);
            at.set(input);
            const what = `${dtype} n=${n} source offset ${srcOffset} output offset ${dstOffset}`;
            expect(simdDecode(dtype, at, out), what).toBe(bitsOf(expected).every(isFinite32));
            expectSameFloatBits(out, expected, what);
            expectGuardsIntact(dst, dstOffset, dstOffset + 4 * n, what);
            expect(Buffer.from(at).equals(Buffer.from(input)), `${what}: input changed`).toBe(true);
            cases++;
          }
        }
      }
    }
    expect(cases).toBe(3 * LENGTHS.length * 16 * 4);
  });

  it("encode at every length, input offset 0-12 and output offset 0-14, writing only the output", () => {
    const r = seededRandom(6);
    let cases = 0;
    for (const dtype of ["BF16", "F16"] as const) {
      for (const n of LENGTHS) {
        for (const srcOffset of [0, 4, 8, 12]) {
          for (let dstOffset = 0; dstOffset < 16; dstOffset += 2) {
            const { src, dst } = regions(4 * n);
            const values = new Float32Array(src.buffer, src.byteOffset + srcOffset, n);
            const bits = bitsOf(values);
            for (let i = 0; i < n; i++) {
              const x = floatBits(r, { edge: 0.3, nonFinite: 0.05 });
              bits[i] = isNaN32(x) ? x & 0xff800000 : x; // NaN becomes ±Inf here
            }
            const out = new Uint16Array(dst.buffer, dst.byteOffset + dstOffset, n);
            const what = `${dtype} n=${n} input offset ${srcOffset} output offset ${dstOffset}`;
            const before = plainCopy(values);
            expect(simdEncode(dtype, values, out), what).toBe(true);
            const expected = encodeTs[dtype](before);
            const i = expected.findIndex((h, j) => h !== out[j]);
            if (i >= 0) expect.fail(`${what}: element ${i} ${hex32(bits[i])} encoded to ${hex16(out[i])}, expected ${hex16(expected[i])}`);
            expectGuardsIntact(dst, dstOffset, dstOffset + 2 * n, what);
            expectSameFloatBits(values, before, `${what}: input changed`);
            if (n > 0) {
              const p = r.int(0, n - 1);
              bits[p] = 0x7fc00000 | r.int(0, 0x3fffff) | (r.int(0, 1) << 31);
              expect(simdEncode(dtype, values, out), `${what}: NaN at ${p}`).toBe(false);
            }
            cases++;
          }
        }
      }
    }
    expect(cases).toBe(2 * LENGTHS.length * 4 * 8);
  });
});
