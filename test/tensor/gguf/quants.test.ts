/**
 * Dequantisers against blocks built byte by byte. Each test starts from known quants and scales,
 * packs them following the block layout described in ggml-common.h, and computes the expected
 * values with the format's formula, independently of the library's loops.
 */
import { describe, expect, it } from "vitest";
import {
  dequantize, dequantizeQ4_0, dequantizeQ4_1, dequantizeQ4_K, dequantizeQ5_0, dequantizeQ5_1,
  dequantizeQ5_K, dequantizeQ6_K, dequantizeQ8_0,
} from "../../../src/tensor/gguf/index.js";

/** Half-precision bit patterns of exactly representable scales. */
const HALF = { "0.5": 0x3800, "0.25": 0x3400, "1": 0x3c00, "2": 0x4000, "-1.5": 0xbe00, "0.125": 0x3000, "0.0625": 0x2c00 } as const;

function putHalf(b: Uint8Array, at: number, bits: number): void {
  b[at] = bits & 0xff;
  b[at + 1] = bits >> 8;
}

/** Deterministic pseudo-random quants in [0, n). */
function quants(count: number, n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: count }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s % n;
  });
}

describe("legacy 32-value blocks", () => {
  it("Q8_0: value = int8 * d", () => {
    const b = new Uint8Array(34);
    putHalf(b, 0, HALF["0.5"]);
    const q = quants(32, 256, 1).map((v) => v - 128);
    q.forEach((v, j) => (b[2 + j] = v & 0xff));
    expect(Array.from(dequantizeQ8_0(b))).toEqual(q.map((v) => v * 0.5));
    // Byte 0x81 is -127.
    b[2] = 0x81;
    expect(dequantizeQ8_0(b)[0]).toBe(-63.5);
  });

  it("Q4_0: byte j holds value j (low nibble) and j+16 (high nibble); value = (q - 8) * d", () => {
    const b = new Uint8Array(18);
    putHalf(b, 0, HALF["0.25"]);
    const q = quants(32, 16, 2);
    for (let j = 0; j < 16; j++) b[2 + j] = q[j] | (q[j + 16] << 4);
    expect(Array.from(dequantizeQ4_0(b))).toEqual(q.map((v) => (v - 8) * 0.25));
    b[2] = 0x21; // value 0 = (1 - 8) * 0.25, value 16 = (2 - 8) * 0.25
    const y = dequantizeQ4_0(b);
    expect([y[0], y[16]]).toEqual([-1.75, -1.5]);
  });

  it("Q4_1: value = q * d + m", () => {
    const b = new Uint8Array(20);
    putHalf(b, 0, HALF["0.5"]);
    putHalf(b, 2, HALF["-1.5"]);
    const q = quants(32, 16, 3);
    for (let j = 0; j < 16; j++) b[4 + j] = q[j] | (q[j + 16] << 4);
    expect(Array.from(dequantizeQ4_1(b))).toEqual(q.map((v) => v * 0.5 - 1.5));
  });

  it("Q5_0: bit j of the qh word is value j's fifth bit; value = (q - 16) * d", () => {
    const b = new Uint8Array(22);
    putHalf(b, 0, HALF["2"]);
    const q = quants(32, 32, 4);
    let qh = 0;
    q.forEach((v, j) => (qh |= (v >> 4) << j));
    new DataView(b.buffer).setUint32(2, qh >>> 0, true);
    for (let j = 0; j < 16; j++) b[6 + j] = (q[j] & 15) | ((q[j + 16] & 15) << 4);
    expect(Array.from(dequantizeQ5_0(b))).toEqual(q.map((v) => (v - 16) * 2));
    // Only the top bit set: value 31 is (16 - 16) * 2 = 0, all others (0 - 16) * 2.
    const c = new Uint8Array(22);
    putHalf(c, 0, HALF["2"]);
    c[5] = 0x80;
    const y = dequantizeQ5_0(c);
    expect(y[31]).toBe(0);
    expect(y[30]).toBe(-32);
  });

  it("Q5_1: value = q * d + m with 5-bit q", () => {
    const b = new Uint8Array(24);
    putHalf(b, 0, HALF["0.125"]);
    putHalf(b, 2, HALF["1"]);
    const q = quants(32, 32, 5);
    let qh = 0;
    q.forEach((v, j) => (qh |= (v >> 4) << j));
    new DataView(b.buffer).setUint32(4, qh >>> 0, true);
    for (let j = 0; j < 16; j++) b[8 + j] = (q[j] & 15) | ((q[j + 16] & 15) << 4);
    expect(Array.from(dequantizeQ5_1(b))).toEqual(q.map((v) => v * 0.125 + 1));
  });
});

/** Packs 8 six-bit scales and mins into 12 bytes, the inverse of ggml's get_scale_min_k4. */
function packScaleMin(sc: number[], m: number[]): Uint8Array {
  const out = new Uint8Array(12);
  for (let j = 0; j < 4; j++) {
    out[j] = (sc[j] & 63) | ((sc[j + 4] >> 4) << 6);
    out[j + 4] = (m[j] & 63) | ((m[j + 4] >> 4) << 6);
    out[j + 8] = (sc[j + 4] & 15) | ((m[j + 4] & 15) << 4);
  }
  return out;
}

describe("K-quant 256-value super-blocks", () => {
  const sc = [1, 63, 17, 40, 5, 33, 62, 48];
  const mn = [0, 9, 63, 31, 50, 16, 1, 47];

  it("Q4_K: value = d * sc[s] * q - dmin * m[s], sub-block s = 2 * (e >> 6) + ((e & 63) >> 5)", () => {
    const b = new Uint8Array(144);
    putHalf(b, 0, HALF["0.0625"]);
    putHalf(b, 2, HALF["0.125"]);
    b.set(packScaleMin(sc, mn), 4);
    const q = quants(256, 16, 6);
    const expected = new Float32Array(256);
    for (let e = 0; e < 256; e++) {
      const group = e >> 6;
      const within = e & 63;
      const s = 2 * group + (within >> 5);
      const byte = 16 + group * 32 + (within & 31);
      b[byte] |= within < 32 ? q[e] : q[e] << 4;
      expected[e] = 0.0625 * sc[s] * q[e] - 0.125 * mn[s];
    }
    expect(Array.from(dequantizeQ4_K(b))).toEqual(Array.from(expected));
  });

  it("Q4_K scale packing: sub-block 4 takes its top scale bits from byte 0 and top min bits from byte 4", () => {
    const b = new Uint8Array(144);
    putHalf(b, 0, HALF["1"]);
    putHalf(b, 2, HALF["1"]);
    b[4 + 0] = 0b11_000000; // scale 0 = 0, top 2 bits of scale 4 = 3
    b[4 + 4] = 0b10_000000; // min 0 = 0, top 2 bits of min 4 = 2
    b[4 + 8] = 0x5a; // scale 4 low nibble 0xa, min 4 low nibble 0x5
    b[16 + 2 * 32] = 0x03; // value 128 (sub-block 4, first) has q = 3
    const y = dequantizeQ4_K(b);
    expect(y[128]).toBe((0x30 | 0xa) * 3 - (0x20 | 0x5));
    expect(y[0]).toBe(0);
  });

  it("Q5_K: fifth bit of value l in sub-block s is bit s of qh[l]", () => {
    const b = new Uint8Array(176);
    putHalf(b, 0, HALF["0.25"]);
    putHalf(b, 2, HALF["0.5"]);
    b.set(packScaleMin(sc, mn), 4);
    const q = quants(256, 32, 7);
    const expected = new Float32Array(256);
    for (let e = 0; e < 256; e++) {
      const group = e >> 6;
      const within = e & 63;
      const s = 2 * group + (within >> 5);
      const l = within & 31;
      b[48 + group * 32 + l] |= within < 32 ? q[e] & 15 : (q[e] & 15) << 4;
      b[16 + l] |= (q[e] >> 4) << s;
      expected[e] = 0.25 * sc[s] * q[e] - 0.5 * mn[s];
    }
    expect(Array.from(dequantizeQ5_K(b))).toEqual(Array.from(expected));
  });

  it("Q6_K: value = d * scale * (q - 32) with signed 8-bit scales per 16 values", () => {
    const b = new Uint8Array(210);
    putHalf(b, 208, HALF["0.0625"]);
    const scales = [-128, 127, -1, 3, 64, -77, 10, 0, 1, -2, 100, -100, 55, 7, -9, 33];
    scales.forEach((s, i) => (b[192 + i] = s & 0xff));
    const q = quants(256, 64, 8);
    const expected = new Float32Array(256);
    for (let e = 0; e < 256; e++) {
      const half = e >> 7;
      const g = (e & 127) >> 5; // which of the four 32-value quarters of the half
      const l = e & 31;
      const qlAt = half * 64 + l + (g & 1) * 32;
      b[qlAt] |= g < 2 ? q[e] & 15 : (q[e] & 15) << 4;
      b[128 + half * 32 + l] |= (q[e] >> 4) << (2 * g);
      const scale = scales[half * 8 + (l >> 4) + 2 * g];
      expected[e] = 0.0625 * scale * (q[e] - 32);
    }
    expect(Array.from(dequantizeQ6_K(b))).toEqual(Array.from(expected));
  });
});

describe("dequantize", () => {
  it("decodes several blocks into a caller's buffer and refuses partial blocks", () => {
    const two = new Uint8Array(68);
    putHalf(two, 0, HALF["1"]);
    putHalf(two, 34, HALF["2"]);
    two[2] = 5;
    two[36] = 5;
    const dst = new Float32Array(64);
    expect(dequantize("Q8_0", two, dst)).toBe(dst);
    expect([dst[0], dst[32]]).toEqual([5, 10]);
    expect(() => dequantize("Q6_K", new Uint8Array(209))).toThrow(RangeError);
    expect(() => dequantize("Q8_0", two, new Float32Array(63))).toThrow(RangeError);
  });
});
