import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { weightedAverage } from "../../../src/methods/weighted-average.js";
import { KERNEL_MEMORY_BYTES, resetKernelScratch, scratchFloats, simdKernels, useSimdKernels } from "../../../src/methods/wasm/index.js";
import { simdWeightedSum } from "../../../src/methods/wasm/simd-sums.js";

/**
 * Which loops a thread runs: the SIMD kernels by default (Node 20 supports WebAssembly SIMD), the
 * TypeScript loops with SMELT_SIMD=0. Each choice is made once per thread at first use, so it is
 * checked in a fresh process per setting.
 */

const run = promisify(execFile);
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const WASM = pathToFileURL(fileURLToPath(new URL("../../../src/methods/wasm/index.ts", import.meta.url))).href;
const AVERAGE = pathToFileURL(fileURLToPath(new URL("../../../src/methods/weighted-average.ts", import.meta.url))).href;
const SUMS = pathToFileURL(fileURLToPath(new URL("../../../src/methods/wasm/simd-sums.ts", import.meta.url))).href;

/** What a fresh process with `SMELT_SIMD` set as given (undefined: unset) selects, and what a weighted sum in scratch gives there. */
async function selection(smeltSimd: string | undefined): Promise<{ kernels: boolean; scratchInKernels: boolean; kernelDidSum: boolean; sum: number[] }> {
  const env = { ...process.env };
  delete env.SMELT_SIMD;
  if (smeltSimd !== undefined) env.SMELT_SIMD = smeltSimd;
  const probe = `
    const w = await import(${JSON.stringify(WASM)});
    const { weightedAverage } = await import(${JSON.stringify(AVERAGE)});
    const { simdWeightedSum } = await import(${JSON.stringify(SUMS)});
    const kernels = w.simdKernels() !== undefined;
    w.resetKernelScratch();
    const a = w.scratchFloats(9).fill(1.5), b = w.scratchFloats(9).fill(-4), out = w.scratchFloats(9);
    const kernelDidSum = simdWeightedSum([a, b], [2, 0.5], 1, out);
    const sum = [...weightedAverage([a, b], [2, 0.5], 1, out)];
    console.log(JSON.stringify({ kernels, scratchInKernels: a.buffer.byteLength === w.KERNEL_MEMORY_BYTES, kernelDidSum, sum }));
  `;
  const { stdout } = await run(process.execPath, ["--import", TSX, "--input-type=module", "-e", probe], { env });
  return JSON.parse(stdout);
}

describe("kernel selection", () => {
  it("runs the kernels by default and with SMELT_SIMD=1, the TypeScript loops with SMELT_SIMD=0", async () => {
    const [unset, one, zero] = await Promise.all([selection(undefined), selection("1"), selection("0")]);
    const sum = Array.from({ length: 9 }, () => 1);
    expect(unset).toEqual({ kernels: true, scratchInKernels: true, kernelDidSum: true, sum });
    expect(one).toEqual({ kernels: true, scratchInKernels: true, kernelDidSum: true, sum });
    expect(zero).toEqual({ kernels: false, scratchInKernels: false, kernelDidSum: false, sum });
  });

  it("useSimdKernels switches this thread between them and back", () => {
    const previous = useSimdKernels(true);
    try {
      expect(simdKernels()).toBeDefined();
      resetKernelScratch();
      const a = scratchFloats(5).fill(2);
      expect(a.buffer.byteLength).toBe(KERNEL_MEMORY_BYTES);
      expect(simdWeightedSum([a], [3], 2, scratchFloats(5))).toBe(true);
      expect(useSimdKernels(false)).toBe(true);
      expect(simdKernels()).toBeUndefined();
      // Arrays still in the kernels' memory go to the TypeScript loop now.
      expect(simdWeightedSum([a], [3], 2, a)).toBe(false);
      expect([...weightedAverage([a], [3], 2, a)]).toEqual([3, 3, 3, 3, 3]);
      resetKernelScratch();
      expect(scratchFloats(5).buffer.byteLength).toBe(20);
      expect(useSimdKernels(true)).toBe(false);
      expect(simdKernels()).toBeDefined();
    } finally {
      useSimdKernels(previous);
    }
  });
});
