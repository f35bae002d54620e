import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { kthLargestKey, topKMask } from "../../src/methods/index.js";

/** Reference: stable sort by descending |x| (index breaks ties), take the first k. */
function referenceTopK(values: Float32Array, k: number): Uint8Array {
  const order = Array.from(values.keys()).sort((a, b) => Math.abs(values[b]) - Math.abs(values[a]) || a - b);
  const out = new Uint8Array(values.length);
  for (const i of order.slice(0, Math.max(0, k))) out[i] = 1;
  return out;
}

const bits = (v: Float32Array) => new Uint32Array(v.buffer, v.byteOffset, v.length);

// Few distinct magnitudes so ties at the cut are common, plus the full float range.
const valuesArb = fc.oneof(
  fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 200 }).map((a) => Float32Array.from(a, (v) => v * 0.25)),
  fc.float32Array({ minLength: 1, maxLength: 200, noNaN: true }),
);

describe("topKMask", () => {
  it("selects exactly the k largest magnitudes, ties by lowest index, like a stable sort", () => {
    fc.assert(
      fc.property(valuesArb, fc.double({ min: -0.1, max: 1.1, noNaN: true }), (values, fraction) => {
        const k = Math.trunc(fraction * values.length);
        const mask = topKMask(bits(values), 0x7fffffff, k, new Uint8Array(values.length));
        expect(mask).toEqual(referenceTopK(values, k));
      }),
    );
  });

  it("gives nested sets for growing k", () => {
    fc.assert(
      fc.property(valuesArb, fc.nat(), fc.nat(), (values, x, y) => {
        const [a, b] = [x % (values.length + 1), y % (values.length + 1)].sort((p, q) => p - q);
        const small = topKMask(bits(values), 0x7fffffff, a, new Uint8Array(values.length));
        const large = topKMask(bits(values), 0x7fffffff, b, new Uint8Array(values.length));
        for (let i = 0; i < values.length; i++) if (small[i]) expect(large[i]).toBe(1);
      }),
    );
  });

  it("finds the k-th largest key across the 16-bit bucket boundary", () => {
    const values = Float32Array.from({ length: 70000 }, (_, i) => (i * 7919) % 70000);
    const { key, above } = kthLargestKey(bits(values), 0x7fffffff, 1000);
    expect(new Float32Array(new Uint32Array([key]).buffer)[0]).toBe(69000);
    expect(above).toBe(999);
  });

  it("rejects k outside [1, n]", () => {
    expect(() => kthLargestKey(new Uint32Array(4), 0x7fffffff, 0)).toThrow(RangeError);
    expect(() => kthLargestKey(new Uint32Array(4), 0x7fffffff, 5)).toThrow(RangeError);
  });
});
