import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createPrng } from "../../src/search/prng.js";
import { symmetricEigen } from "../../src/search/symmetric-eigen.js";
import { reflectIntoUnit } from "../../src/search/unit-bounds.js";

describe("createPrng", () => {
  it("resumes exactly from its state and gives standard normals", () => {
    const a = createPrng(5);
    for (let i = 0; i < 10; i++) a.normal();
    const b = createPrng(0, a.state());
    expect(Array.from({ length: 20 }, () => b.uniform())).toEqual(Array.from({ length: 20 }, () => a.uniform()));
    const g = createPrng(11);
    const zs = Array.from({ length: 20_000 }, () => g.normal());
    const mean = zs.reduce((s, z) => s + z, 0) / zs.length;
    const variance = zs.reduce((s, z) => s + (z - mean) ** 2, 0) / zs.length;
    // Standard error of the mean is 0.007; of the variance about 0.01.
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    expect(createPrng(1).uniform()).not.toBe(createPrng(2).uniform());
  });
});

describe("reflectIntoUnit", () => {
  it("is the identity on [0, 1], stays inside, and is continuous (1-Lipschitz)", () => {
    fc.assert(
      fc.property(fc.double({ min: -50, max: 50, noNaN: true }), fc.double({ min: -1e-3, max: 1e-3, noNaN: true }), (y, h) => {
        const r = reflectIntoUnit(y);
        expect(r).toBeGreaterThanOrEqual(0);
        expect(r).toBeLessThanOrEqual(1);
        if (y >= 0 && y <= 1) expect(r).toBe(y);
        expect(Math.abs(reflectIntoUnit(y + h) - r)).toBeLessThanOrEqual(Math.abs(h) + 1e-12);
      }),
    );
    expect(reflectIntoUnit(1.25)).toBeCloseTo(0.75, 12);
    expect(reflectIntoUnit(-0.25)).toBeCloseTo(0.25, 12);
    expect(reflectIntoUnit(2.5)).toBeCloseTo(0.5, 12);
  });
});

describe("symmetricEigen", () => {
  it("decomposes symmetric matrices: C = B diag(d) Bᵀ with orthonormal B", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 144, maxLength: 144 }), (n, raw) => {
        const c = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (raw[i * 12 + j] + raw[j * 12 + i]) / 2));
        const { values, vectors: b } = symmetricEigen(c);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            let rec = 0;
            let dot = 0;
            for (let k = 0; k < n; k++) {
              rec += b[i][k] * values[k] * b[j][k];
              dot += b[k][i] * b[k][j];
            }
            expect(rec).toBeCloseTo(c[i][j], 9);
            expect(dot).toBeCloseTo(i === j ? 1 : 0, 9);
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});
