import { describe, expect, it } from "vitest";
import { createRandom, tensorSeed } from "../../src/methods/index.js";

const draw = (seed: number | string, count: number) => {
  const random = createRandom(seed);
  return Array.from({ length: count }, () => random());
};

describe("createRandom", () => {
  it("repeats the same sequence for the same seed, number or string", () => {
    expect(draw(42, 100)).toEqual(draw(42, 100));
    expect(draw("recipe", 100)).toEqual(draw("recipe", 100));
    expect(draw(42, 100)).not.toEqual(draw(43, 100));
    expect(draw(2 ** 40 + 1, 10)).not.toEqual(draw(1, 10));
  });

  it("is uniform on [0, 1)", () => {
    const values = draw(7, 100_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    // Standard error of the mean is 1/sqrt(12 * 1e5) ~ 9e-4; 5 sigma.
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * 9.2e-4);
    const deciles = new Array(10).fill(0);
    for (const v of values) deciles[Math.floor(v * 10)]++;
    // Each decile count ~ Binomial(1e5, 0.1): sigma ~ 95.
    for (const count of deciles) expect(Math.abs(count - 10_000)).toBeLessThan(5 * 95);
  });

  it("rejects a non-finite seed", () => {
    expect(() => createRandom(Number.NaN)).toThrow(RangeError);
  });
});

describe("tensorSeed", () => {
  it("depends on both the recipe seed and the tensor name, deterministically", () => {
    const a = tensorSeed(1, "model.layers.0.mlp.up_proj.weight");
    expect(tensorSeed(1, "model.layers.0.mlp.up_proj.weight")).toBe(a);
    expect(tensorSeed(1, "model.layers.1.mlp.up_proj.weight")).not.toBe(a);
    expect(tensorSeed(2, "model.layers.0.mlp.up_proj.weight")).not.toBe(a);
    expect(Number.isInteger(a) && a >= 0 && a < 2 ** 32).toBe(true);
  });
});

describe("createRandom fillBits", () => {
  it("continues the same stream as random(), which is exactly bits / 2**32, in any interleaving", () => {
    const reference = createRandom("bulk");
    const expected = Array.from({ length: 50 }, () => reference() * 2 ** 32);
    const random = createRandom("bulk");
    const got: number[] = [random() * 2 ** 32];
    const bits = new Uint32Array(20);
    random.fillBits(bits, 17);
    got.push(...bits.subarray(0, 17));
    got.push(random() * 2 ** 32, random() * 2 ** 32);
    random.fillBits(bits, 20);
    got.push(...bits);
    for (let i = got.length; i < 50; i++) got.push(random() * 2 ** 32);
    expect(got).toEqual(expected);
  });
});
