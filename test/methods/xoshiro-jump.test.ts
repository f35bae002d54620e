import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRandom } from "../../src/methods/create-random.js";
import { applyMatrix, jumpMatrix, jumpState, stepState } from "../../src/methods/xoshiro-jump.js";

/** The state of createRandom(seed) after `steps` draws, by drawing. */
function stateAfter(seed: number, steps: number): Uint32Array {
  const random = createRandom(seed);
  const skip = new Uint32Array(Math.max(steps, 1));
  random.fillBits(skip, steps);
  const state = new Uint32Array(4);
  random.getState(state);
  return state;
}

describe("xoshiro128** jumps", () => {
  it("stepState is createRandom's step", () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 0, max: 50 }), (seed, steps) => {
        const state = stateAfter(seed, 0);
        for (let i = 0; i < steps; i++) stepState(state);
        expect(state).toEqual(stateAfter(seed, steps));
      }),
    );
  });

  it("jumpState(n) and jumpMatrix(n) land where n draws land, for any n", () => {
    fc.assert(
      fc.property(fc.integer(), fc.oneof(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 0, max: 20_000 })), (seed, steps) => {
        const expected = stateAfter(seed, steps);
        const jumped = stateAfter(seed, 0);
        jumpState(jumped, steps);
        expect(jumped).toEqual(expected);
        const viaMatrix = stateAfter(seed, 0);
        applyMatrix(jumpMatrix(steps), viaMatrix);
        expect(viaMatrix).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it("jumps compose: a jump by m + n is a jump by m then by n (large n, where stepping is too slow)", () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 0, max: 2 ** 40 }), (seed, m, n) => {
        const once = stateAfter(seed, 3);
        jumpState(once, m + n);
        const twice = stateAfter(seed, 3);
        jumpState(twice, m);
        jumpState(twice, n);
        expect(twice).toEqual(once);
      }),
      { numRuns: 40 },
    );
  });

  it("a continued stream draws on from a jumped state", () => {
    const random = createRandom(9);
    const state = new Uint32Array(4);
    random.getState(state);
    jumpState(state, 12_345);
    random.setState(state);
    const reference = createRandom(9);
    const skip = new Uint32Array(12_345);
    reference.fillBits(skip, 12_345);
    expect(Array.from({ length: 5 }, () => random())).toEqual(Array.from({ length: 5 }, () => reference()));
  });

  it("refuses a jump that is not a safe non-negative integer, and the all-zero state", () => {
    expect(() => jumpState(new Uint32Array([1, 2, 3, 4]), -1)).toThrow(RangeError);
    expect(() => jumpMatrix(1.5)).toThrow(RangeError);
    expect(() => createRandom(1).setState(new Uint32Array(4))).toThrow(RangeError);
  });
});
