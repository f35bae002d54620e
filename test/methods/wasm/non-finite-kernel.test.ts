import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { anyNonFinite } from "../../../src/merge/non-finite.js";
import { resetKernelScratch, scratchBytes, simdAnyNonFinite } from "../../../src/methods/wasm/index.js";
import { useKernels } from "./kernel-cases.js";

/**
 * The NaN/Inf test of stored bytes (anyNonFinite) on the kernel against a plain reading of the
 * exponent bits, for BF16, F16 and F32 runs of every length up to 300 and at every offset, with
 * the one special value anywhere (first, in the vector body, in the tail) or nowhere.
 */

useKernels();

const EXPONENT = { BF16: 0x7f80, F16: 0x7c00 } as const;

function reference(dtype: "BF16" | "F16" | "F32", bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dtype === "F32") {
    for (let i = 0; i + 4 <= bytes.byteLength; i += 4) if ((view.getUint32(i, true) & 0x7f800000) === 0x7f800000) return true;
    return false;
  }
  for (let i = 0; i + 2 <= bytes.byteLength; i += 2) if ((view.getUint16(i, true) & EXPONENT[dtype]) === EXPONENT[dtype]) return true;
  return false;
}

describe("the non-finite kernel", () => {
  it("finds NaN/Inf exactly where the exponent bits say, at any length, offset and position", () => {
    let found = 0;
    let clean = 0;
    fc.assert(
      fc.property(
        fc.constantFrom("BF16" as const, "F16" as const, "F32" as const),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 7 }),
        fc.option(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { nil: undefined }),
        fc.constantFrom(0x7f80, 0x7fc1, 0xff80, 0x7c00, 0xfe01, 0x7f7f, 0x7bff),
        fc.integer(),
        (dtype, n, offset, where, special, seed) => {
          const size = dtype === "F32" ? 4 : 2;
          resetKernelScratch();
          // Every element finite (exponent below all ones), from a cheap seeded generator.
          const region = scratchBytes(n * size + 64);
          let s = seed >>> 0;
          for (let i = 0; i < region.length; i++) {
            s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
            region[i] = s >>> 24;
          }
          const bytes = region.subarray(offset * size, offset * size + n * size);
          const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
          for (let i = 0; i < n; i++) {
            if (dtype === "F32") view.setUint32(4 * i, view.getUint32(4 * i, true) & 0xbf7fffff, true);
            else view.setUint16(2 * i, view.getUint16(2 * i, true) & (dtype === "BF16" ? 0xbf7f : 0xbbff), true);
          }
          if (where !== undefined && n > 0) {
            const at = Math.floor(where * n);
            if (dtype === "F32") view.setUint32(4 * at, (special << 16) >>> 0, true);
            else view.setUint16(2 * at, special, true);
          }
          const want = reference(dtype, bytes);
          expect(simdAnyNonFinite(dtype, bytes), `${dtype} n=${n} offset=${offset}`).toBe(want);
          expect(anyNonFinite(dtype, bytes)).toBe(want);
          // The TypeScript loop on a copy outside kernel memory agrees too.
          expect(anyNonFinite(dtype, bytes.slice())).toBe(want);
          if (want) found++;
          else clean++;
        },
      ),
      { numRuns: 2000 },
    );
    expect(found).toBeGreaterThan(300);
    expect(clean).toBeGreaterThan(300);
  });
});
