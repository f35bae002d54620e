import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { f16ToF32 } from "../../../src/tensor/codecs/float16.js";
import { dequantizeQ8_0, quantizeQ8_0 } from "../../../src/tensor/gguf/index.js";

/** The stored (half-precision) scale of block `b`. */
function storedScale(q: Uint8Array, b: number): number {
  return f16ToF32(Uint16Array.of(q[b * 34] | (q[b * 34 + 1] << 8)))[0];
}

describe("quantizeQ8_0", () => {
  it("uses d = amax / 127 and q = round(x / d), halves away from zero", () => {
    const x = new Float32Array(32);
    x[0] = 127; // amax 127 -> d = 1 exactly
    x[1] = 2.5;
    x[2] = -2.5;
    x[3] = -127;
    x[4] = 0.49;
    const q = quantizeQ8_0(x);
    expect(q.length).toBe(34);
    expect(storedScale(q, 0)).toBe(1);
    const qs = new Int8Array(q.buffer, 2, 32);
    expect(Array.from(qs.slice(0, 5))).toEqual([127, 3, -3, -127, 0]);
  });

  it("stores an all-zero block as d = 0 and zero quants", () => {
    const q = quantizeQ8_0(new Float32Array(64));
    expect(Array.from(q)).toEqual(new Array(68).fill(0));
  });

  it("refuses partial blocks and non-finite values", () => {
    expect(() => quantizeQ8_0(new Float32Array(31))).toThrow(RangeError);
    const x = new Float32Array(32);
    x[7] = Number.NaN;
    expect(() => quantizeQ8_0(x)).toThrow(/value 7/);
  });

  it("quantize -> dequantize errs by at most half a step (plus the half rounding of d)", () => {
    const value = fc.oneof(fc.constant(0), fc.float({ min: Math.fround(1e-3), max: Math.fround(1e3), noNaN: true }), fc.float({ min: Math.fround(-1e3), max: Math.fround(-1e-3), noNaN: true }));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }).chain((blocks) => fc.array(value, { minLength: blocks * 32, maxLength: blocks * 32 })), (values) => {
        const x = Float32Array.from(values);
        const q = quantizeQ8_0(x);
        const y = dequantizeQ8_0(q);
        for (let b = 0; b < x.length / 32; b++) {
          let amax = 0;
          for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[b * 32 + j]));
          const d = Math.fround(amax / 127);
          const stored = storedScale(q, b);
          // q * d misses x by <= d/2; storing d as a half moves q * d by |q| * |d - stored| <= 127 * |d - stored|.
          const bound = d / 2 + 127 * Math.abs(d - stored) + 1e-7 * amax;
          let worst = 0;
          for (let j = 0; j < 32; j++) worst = Math.max(worst, Math.abs(y[b * 32 + j] - x[b * 32 + j]));
          expect(worst).toBeLessThanOrEqual(bound);
        }
      }),
      { numRuns: 200 },
    );
  });
});
