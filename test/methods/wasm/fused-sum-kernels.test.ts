import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FusedSum } from "../../../src/methods/chunked-merge.js";
import { sumTensorDeltas } from "../../../src/methods/sum-task-vectors.js";
import { weightedAverage } from "../../../src/methods/weighted-average.js";
import { resetKernelScratch, scratchBytes } from "../../../src/methods/wasm/index.js";
import { simdFusedSumBf16 } from "../../../src/methods/wasm/simd-sums.js";
import { bf16ToF32, f32ToBf16 } from "../../../src/tensor/codecs/index.js";
import { seededRandom, type SeededRandom } from "../../helpers/seeded-random.js";
import { floatBits, hex16, type FloatMix } from "./float-bits.js";
import { NUM_RUNS, caseArb, hasNaN, inKernels, outcomes, scalarArb, useKernels, weightsOf } from "./kernel-cases.js";

/**
 * The fused bf16 sums (weightedSumBf16, sumTensorDeltasBf16) against what they fuse: the bf16
 * decoder, the TypeScript sum (weightedAverage, sumTensorDeltas) and the bf16 encoder. A fused
 * kernel gives those bits or declines, and declines exactly when an input is NaN/Inf or an output
 * NaN (the executor then runs the separate steps, which flag the input or encode the NaN).
 */

useKernels();

/**
 * A divisor or lambda: any scalar, or (more often) an ordinary one, exactly 1 included (which the
 * kernels skip): an infinite, huge or tiny one would hide the sum's bits.
 */
const factorArb = fc.oneof(scalarArb, fc.constantFrom(1, -1, 0.8, 1 / 3, -2.5), fc.double({ min: 0.1, max: 4, noNaN: true }));

/** `n` bf16 values in kernel scratch: the high halves of float32 values of the mix. */
function kernelBf16(n: number, r: SeededRandom, mix: FloatMix): Uint16Array {
  const bytes = inKernels(scratchBytes(2 * n));
  const halves = new Uint16Array(bytes.buffer, bytes.byteOffset, n);
  for (let i = 0; i < n; i++) halves[i] = floatBits(r, mix) >>> 16;
  return halves;
}

const finite = (halves: Uint16Array) => halves.every((h) => (h & 0x7f80) !== 0x7f80);

function expectSameHalves(got: Uint16Array, expected: Uint16Array, what: string): void {
  for (let i = 0; i < expected.length; i++) {
    if (got[i] !== expected[i]) expect.fail(`${what}: element ${i} of ${expected.length} is ${hex16(got[i])}, expected ${hex16(expected[i])}`);
  }
}

describe("fused bf16 sum kernels", () => {
  for (const kind of ["weighted-sum", "tensor-deltas"] as const) {
    it(`${kind}: bf16 in, bf16 out, the bits of decode + sum + encode, declining exactly on a NaN/Inf input or a NaN output`, () => {
      const seen = outcomes(kind);
      fc.assert(
        fc.property(caseArb, factorArb, factorArb, (c, scalar, lambda) => {
          resetKernelScratch();
          const r = seededRandom(c.seed);
          const tensors = Array.from({ length: c.models }, () => kernelBf16(c.n, r, c.mix));
          const base = kernelBf16(c.n, r, c.mix);
          const weights = weightsOf(c, r);
          const decoded = tensors.map((t) => bf16ToF32(t));
          const fused: FusedSum = kind === "weighted-sum" ? { kind, weights, divisor: scalar } : { kind, weights, divisor: scalar, lambda };
          const sum = fused.kind === "weighted-sum" ? weightedAverage(decoded, weights, scalar) : sumTensorDeltas(decoded, fused, bf16ToF32(base));
          const addresses = [...tensors, ...(kind === "tensor-deltas" ? [base] : [])].map((t) => t.byteOffset);
          const out = kernelBf16(c.n, r, { edge: 0, nonFinite: 0.5 });
          const done = simdFusedSumBf16(fused, addresses, out.byteOffset, c.n);
          seen.record(done);
          const inputsFinite = tensors.every(finite) && (kind === "weighted-sum" || finite(base));
          expect(done).toBe(inputsFinite && !hasNaN(sum));
          if (done) expectSameHalves(out, f32ToBf16(sum), kind);
        }),
        { numRuns: NUM_RUNS },
      );
      seen.expectBoth();
    });
  }

  it("round ties to even in the SIMD lanes and the scalar tail", () => {
    resetKernelScratch();
    const ones = () => {
      const t = inKernels(scratchBytes(22));
      return new Uint16Array(t.buffer, t.byteOffset, 11).fill(0x3f80);
    };
    const [a, base] = [ones(), ones()];
    const out = ones();
    // 1.01171875 is float32 0x3f818000: exactly halfway, with an odd last kept bit: rounds up.
    expect(simdFusedSumBf16({ kind: "weighted-sum", weights: [1.01171875], divisor: 1 }, [a.byteOffset], out.byteOffset, 11)).toBe(true);
    expect([...out]).toEqual(new Array(11).fill(0x3f82));
    // Deltas: 1 + 1.0234375 * (3 - 1) / 4 * 2 = 2.0234375, float32 0x40018000: halfway, odd: up.
    a.fill(0x4040);
    const sum = { kind: "tensor-deltas", weights: [1.0234375], divisor: 4, lambda: 2 } as const;
    expect(simdFusedSumBf16(sum, [a.byteOffset, base.byteOffset], out.byteOffset, 11)).toBe(true);
    expect([...out]).toEqual(new Array(11).fill(0x4002));
    expectSameHalves(out, f32ToBf16(sumTensorDeltas([bf16ToF32(a)], sum, bf16ToF32(base))), "tensor-deltas ties");
  });

  it("decline an infinite base even when the output is Inf rather than NaN (SIMD lane and tail)", () => {
    for (const at of [2, 9]) {
      resetKernelScratch();
      const bytes = [0, 1, 2].map(() => inKernels(scratchBytes(22)));
      const [a, base, out] = bytes.map((b) => new Uint16Array(b.buffer, b.byteOffset, 11).fill(0x3f80));
      base[at] = 0x7f80;
      // 1 - Inf = -Inf, times -1: base + Inf = Inf.
      expect(simdFusedSumBf16({ kind: "tensor-deltas", weights: [1], divisor: 1, lambda: -1 }, [a.byteOffset, base.byteOffset], out.byteOffset, 11)).toBe(false);
      base[at] = 0x3f80;
      a[at] = 0xff80;
      expect(simdFusedSumBf16({ kind: "weighted-sum", weights: [1], divisor: 1 }, [a.byteOffset], out.byteOffset, 11)).toBe(false);
    }
  });

  it("decline more models than the tables hold (256)", () => {
    resetKernelScratch();
    const r = seededRandom(5);
    const tensors = Array.from({ length: 257 }, () => kernelBf16(9, r, { edge: 0, nonFinite: 0 }));
    const out = kernelBf16(9, r, { edge: 0, nonFinite: 0 });
    const sum = (count: number) => simdFusedSumBf16({ kind: "weighted-sum", weights: new Array<number>(count).fill(1), divisor: count }, tensors.map((t) => t.byteOffset), out.byteOffset, 9);
    expect(sum(256)).toBe(true);
    expect(sum(257)).toBe(false);
  });
});
