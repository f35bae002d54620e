import fc from "fast-check";
import { afterAll, beforeAll, expect } from "vitest";
import { scratchDoubles, scratchFloats, scratchWords, simdKernels, useSimdKernels } from "../../../src/methods/wasm/index.js";
import type { SeededRandom } from "../../helpers/seeded-random.js";
import { EDGE_DOUBLES, NON_FINITE_DOUBLES, bitsOf, fillFloats, randomDouble, type FloatMix } from "./float-bits.js";

/**
 * Shared pieces of the kernel property tests: the generated case (sizes and value mix, with a
 * seed for the values themselves, so a 256-model case stays cheap to generate and shrink), arrays
 * in the kernels' memory, and a count of how often a kernel did the work or declined it.
 */

/** Runs this file's tests on the kernels (whatever SMELT_SIMD says), restoring the selection after. */
export function useKernels(): void {
  let previous = false;
  beforeAll(() => {
    previous = useSimdKernels(true);
    expect(simdKernels(), "WebAssembly SIMD is supported on Node 20: the kernels must load").toBeDefined();
  });
  afterAll(() => void useSimdKernels(previous));
}

export const NUM_RUNS = 300;

export interface KernelCase {
  readonly seed: number;
  /** Elements per array, 0..300. */
  readonly n: number;
  /** Models (input tensors), 1..256. */
  readonly models: number;
  /** Mix of the float32 inputs. */
  readonly mix: FloatMix;
  /** Shares of edge and non-finite values among weights. */
  readonly weightEdge: number;
  readonly weightNonFinite: number;
}

export const caseArb: fc.Arbitrary<KernelCase> = fc.record({
  seed: fc.integer(),
  n: fc.oneof(fc.integer({ min: 0, max: 16 }), fc.integer({ min: 0, max: 300 })),
  models: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 4 }), weight: 3 }, { arbitrary: fc.integer({ min: 5, max: 256 }), weight: 2 }),
  mix: fc.record({ edge: fc.constantFrom(0, 0.05, 0.3), nonFinite: fc.constantFrom(0, 0, 0.002, 0.05) }),
  weightEdge: fc.constantFrom(0, 0.3),
  weightNonFinite: fc.constantFrom(0, 0, 0.1),
});

/** A scalar argument (divisor, scale, lambda, mix weights): edges, non-finite values, any double, ordinary ones. */
export const scalarArb: fc.Arbitrary<number> = fc.oneof(fc.constantFrom(...EDGE_DOUBLES, ...NON_FINITE_DOUBLES), fc.double(), fc.double({ min: -4, max: 4, noNaN: true }));

/** `view`, checked to lie in the kernels' memory (scratch falls back to ordinary arrays when full). */
export function inKernels<T extends ArrayBufferView>(view: T): T {
  expect(view.buffer, "scratch array outside the kernels' memory").toBe(simdKernels()!.buffer);
  return view;
}

/** A float32 array in kernel scratch filled from `r` (call resetKernelScratch first, once per case). */
export function kernelFloats(n: number, r: SeededRandom, mix: FloatMix): Float32Array {
  return fillFloats(inKernels(scratchFloats(n)), r, mix);
}

/** A float32 output array in kernel scratch, holding garbage (as reused scratch does). */
export function kernelOut(n: number): Float32Array {
  const out = inKernels(scratchFloats(n));
  bitsOf(out).fill(0x7fc0dead);
  return out;
}

export function kernelWords(n: number): Uint32Array {
  return inKernels(scratchWords(n));
}

export function kernelDoubles(n: number): Float64Array {
  return inKernels(scratchDoubles(n));
}

export function weightsOf(c: KernelCase, r: SeededRandom, count = c.models): number[] {
  return Array.from({ length: count }, () => randomDouble(r, c.weightEdge, c.weightNonFinite));
}

export function hasNaN(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i])) return true;
  return false;
}

/**
 * How often a kernel did the work and how often it declined it, checked after the runs: a
 * property whose kernel always declined (or never did) would test nothing.
 */
export function outcomes(name: string): { record(done: boolean): void; expectBoth(): void } {
  let done = 0;
  let declined = 0;
  return {
    record: (d) => void (d ? done++ : declined++),
    expectBoth: () => {
      expect(done, `${name}: the kernel did the work in only ${done} of ${done + declined} runs`).toBeGreaterThan((done + declined) / 5);
      expect(declined, `${name}: no run took the decline path`).toBeGreaterThan(0);
    },
  };
}
