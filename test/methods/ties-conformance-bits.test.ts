import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getMergeMethod, mergeChunked } from "../../src/methods/index.js";
import { useSimdKernels } from "../../src/methods/wasm/index.js";
import { caseCall } from "./case-input.js";
import { loadCases, loadTensors } from "./conformance-fixtures.js";

/**
 * The TIES sign consensus computes in float32 in mergekit's order (ties-consensus.ts), so the
 * consensus methods reproduce mergekit's expected outputs bit for bit, not just within the
 * conformance tolerances: through `merge` and through the chunked forms, with the SIMD kernels
 * and with the TypeScript loops.
 *
 * Not bit-exact: the cases where an L1 rescale factor other than 1 is in play (rescale with a
 * density below 1). mergekit's factor is the float32 quotient of two float32 torch sums, whose
 * summation order (vectorised partial sums) is not smelt's; the factor can differ by an ulp and
 * so the rescaled deltas. Everything after the factor follows mergekit's order (an emulation
 * with mergekit's factor matched every element of those cases).
 */

const EXACT = [
  "ties-01-two-models",
  "ties-02-three-models",
  "ties-03-big",
  "ties-04-no-normalize",
  "ties-05-negative-weight-single-model",
  "ties-06-negative-weight-two-models",
  "ties-07-zero-task-vector",
  "ties-09-int8-mask-no-effect",
  "ties-10-density-truncation",
  "ties-11-identical-models",
  "ties-12-density-1-consensus-only",
  "ties-13-exact-tie-elects-positive",
  "dare_ties-01-density-1",
  "dare_ties-02-density-1-normalize",
  "della-01-density-1",
  "della-05-density-0",
  "breadcrumbs_ties-01-three-models",
  "breadcrumbs_ties-02-normalize",
  "breadcrumbs_ties-03-negative-weight",
  "breadcrumbs_ties-04-n_top-zero",
];

const cases = loadCases();
let tensors: Map<string, Float32Array>;
beforeAll(async () => {
  tensors = await loadTensors();
});

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
const never = () => {
  throw new Error("deterministic case drew a random number");
};

/** Whether a case rescales some task vector by a factor other than 1 (rescale on, 0 < density < 1). */
function rescales(c: (typeof cases)[number]): boolean {
  const models = Object.values(c.resolved_params.models) as { density?: number }[];
  return c.resolved_params.global.rescale === true && models.some((p) => p.density !== undefined && p.density > 0 && p.density < 1);
}

describe("TIES consensus methods match mergekit bit for bit", () => {
  it("covers every consensus case with expected output and no rescale factor", () => {
    const consensus = cases.filter((c) => ["ties", "dare_ties", "della", "breadcrumbs_ties"].includes(c.method) && c.expected !== null);
    const covered = consensus.filter((c) => !rescales(c) && (c.deterministic || c.masks)).map((c) => c.id);
    expect(covered).toEqual(EXACT);
  });

  for (const kernels of [true, false]) {
    describe(kernels ? "SIMD kernels" : "TypeScript loops", () => {
      let previous = false;
      let chunkedRuns = 0;
      beforeAll(() => void (previous = useSimdKernels(kernels)));
      afterAll(() => void useSimdKernels(previous));

      it.each(EXACT)("%s", (id) => {
        const c = cases.find((x) => x.id === id)!;
        const method = getMergeMethod(c.method);
        const expected = bits(tensors.get(c.expected!)!);
        expect(bits(method.merge(caseCall(method, c, tensors, never, true).input)), "merge").toEqual(expected);
        for (const chunk of [64, 1000]) {
          const chunked = mergeChunked(method, caseCall(method, c, tensors, never, false).input, chunk);
          if (!chunked) continue;
          chunkedRuns++;
          expect(bits(chunked), `chunked by ${chunk}`).toEqual(expected);
        }
      });

      it("ran the chunked forms (magnitude trim and plain consensus) too", () => {
        // ties (trimmed and density 1), dare_ties and della at density 1 have chunked forms (15
        // cases); breadcrumbs_ties and della-05 (a density below 1) run whole.
        expect(chunkedRuns).toBe(2 * 15);
      });
    });
  }
});
