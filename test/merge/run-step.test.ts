import { writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chunkedForm, runStep } from "../../src/merge/run-step.js";
import { addNonFinite } from "../../src/merge/non-finite.js";
import type { EncodedTensor, StepTask } from "../../src/merge/step-task.js";
import { getMergeMethod } from "../../src/methods/index.js";
import { encodeFloat } from "../../src/tensor/codecs/index.js";
import type { DType } from "../../src/tensor/dtype.js";

/**
 * Differential test of the executor's chunked paths (decode a chunk, merge it, encode it into the
 * shared output; elementwise steps split into parts) against its straightforward path (decode
 * whole tensors, call the method's merge, encode), on random methods, dtypes, lengths, chunk and
 * part sizes (odd ones included), inputs in memory or read by the worker from a file (at odd
 * offsets, in blocks), with NaN/Inf reported the same way.
 */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "smelt-run-step-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const shared = (bytes: number) => new Uint8Array(new SharedArrayBuffer(Math.max(bytes, 1)), 0, bytes);
const outBytes = (dtype: DType, count: number) => (dtype === "Q8_0" ? (count / 32) * 34 : count * { F32: 4, F16: 2, BF16: 2, F64: 8 }[dtype as "F32"]);

function encodedInput(model: string, dtype: "F32" | "F16" | "BF16", values: Float32Array): EncodedTensor {
  const bytes = encodeFloat(dtype, values);
  const into = shared(bytes.byteLength);
  into.set(bytes);
  return { model, dtype, bytes: into };
}

const methods = {
  linear: { base: false, global: { normalize: true }, perModel: (w: number, d: number) => ({ weight: w + d * 0 }) },
  task_arithmetic: { base: true, global: {}, perModel: (w: number) => ({ weight: w }) },
  ties: { base: true, global: {}, perModel: (w: number, d: number) => ({ weight: w, density: d }) },
  dare_ties: { base: true, global: {}, perModel: (w: number, d: number) => ({ weight: w, density: d }) },
  dare_linear: { base: true, global: { rescale: false }, perModel: (w: number, d: number) => ({ weight: w, density: d }) },
  slerp: { base: true, global: { t: 0.3 }, perModel: () => ({}) },
  della: { base: true, global: {}, perModel: (w: number, d: number) => ({ weight: w, density: d }) },
} as const;

const scenario = fc.record({
  method: fc.constantFrom(...(Object.keys(methods) as (keyof typeof methods)[])),
  models: fc.integer({ min: 1, max: 3 }),
  blocks: fc.integer({ min: 1, max: 12 }),
  odd: fc.integer({ min: 0, max: 31 }),
  inDtypes: fc.array(fc.constantFrom("F32" as const, "F16" as const, "BF16" as const), { minLength: 4, maxLength: 4 }),
  outDtype: fc.constantFrom<DType>("BF16", "F16", "F32", "F64", "Q8_0"),
  chunk: fc.oneof(fc.constantFrom(1, 2, 3, 32, 64, 4096), fc.integer({ min: 1, max: 70 })),
  parts: fc.integer({ min: 1, max: 5 }),
  weights: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }),
  density: fc.constantFrom(0.3, 0.5, 1),
  specials: fc.array(fc.tuple(fc.nat(), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY)), { maxLength: 3 }),
  nonFinite: fc.constantFrom<"error" | "warn">("error", "warn"),
  seed: fc.nat(),
  fromFile: fc.boolean(),
  padding: fc.array(fc.nat(9), { minLength: 4, maxLength: 4 }),
});

/** The same inputs as file spans: written one after another into one file, each after a few bytes of padding. */
function asFileSpans(inputs: readonly EncodedTensor[], padding: readonly number[], path: string): EncodedTensor[] {
  const parts: Uint8Array[] = [];
  let offset = 0;
  const spans = inputs.map((t, i) => {
    parts.push(new Uint8Array(padding[i]).fill(0xee), t.bytes!);
    offset += padding[i];
    const file = { path, offset, length: t.bytes!.byteLength };
    offset += t.bytes!.byteLength;
    return { model: t.model, dtype: t.dtype, file };
  });
  writeFileSync(path, Buffer.concat(parts));
  return spans;
}

describe("runStep: chunked paths against the whole-tensor path", () => {
  it("write the same output bytes and report the same NaN/Inf", async () => {
    let chunkedRuns = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const spec = methods[s.method];
        const models = s.method === "slerp" ? 1 : s.models;
        // Q8_0 needs whole 32-value blocks; other outputs take any length.
        const count = s.outDtype === "Q8_0" ? 32 * s.blocks : 32 * s.blocks + s.odd;
        const chunk = s.outDtype === "Q8_0" ? 32 * Math.ceil(s.chunk / 32) : s.chunk;
        const values = (i: number) => Float32Array.from({ length: count }, (_, j) => Math.sin(j * 0.37 + i * 1.3) * 0.1 + (j % 7 === 0 ? 0.1 : 0));
        const tensors = Array.from({ length: models + 1 }, (_, i) => values(i));
        for (const [at, v] of s.specials) tensors[at % tensors.length][(at >>> 3) % count] = v;
        const encoded = tensors.map((t, i) => encodedInput(`m${i}`, s.inDtypes[i], t));
        const method = getMergeMethod(s.method);
        const params = method.params.parse(spec.global) as Record<string, unknown>;
        const perModel = Array.from({ length: models }, (_, m) => method.perModel.parse(spec.perModel(s.weights[m], s.density)) as Record<string, unknown>);
        const inputs = spec.base ? encoded.slice(1) : encoded.slice(0, models);
        const base = spec.base ? encoded[0] : undefined;
        const fileInputs = asFileSpans(encoded, s.padding, join(dir, "inputs.bin"));
        const task = (path: StepTask["path"], range: readonly [number, number], output: Uint8Array, outputStart = 0): StepTask => {
          const from = path !== "whole" && s.fromFile ? fileInputs : encoded;
          return {
            method: s.method, tensorName: "t", shape: [count], inputs: spec.base ? from.slice(1) : from.slice(0, models), base: spec.base ? from[0] : undefined,
            params, perModel, seed: s.seed, outDtype: s.outDtype, nonFinite: s.nonFinite, path, range, chunk, output, outputStart,
          };
        };
        const attempt = async (run: () => Promise<unknown>) => {
          try {
            return { value: await run() };
          } catch (error) {
            return { error: (error as Error).message };
          }
        };
        const wholeOut = shared(outBytes(s.outDtype, count));
        const whole = await attempt(async () => (await runStep(task("whole", [0, count], wholeOut))).nonFinite);
        const form = chunkedForm(s.method, { tensorName: "t", shape: [count], models: inputs.length, hasBase: base !== undefined, params, perModel });
        if (!form) return;
        chunkedRuns++;
        const chunkedOut = shared(outBytes(s.outDtype, count));
        // Elementwise steps may be split into parts (multiples of 32 elements, as the executor splits).
        const size = form.kind === "elementwise" ? 32 * Math.ceil(count / 32 / s.parts) : count;
        const ranges: [number, number][] = [];
        for (let at = 0; at < count; at += size) ranges.push([at, Math.min(count, at + size)]);
        // Parts fill the whole output in place, or (every other case) their own buffer, copied in after.
        const own = s.seed % 2 === 0;
        const chunked = await attempt(async () => {
          const results = [];
          for (const r of ranges) {
            if (!own || form.kind !== "elementwise") {
              results.push((await runStep(task(form.kind, r, chunkedOut))).nonFinite);
              continue;
            }
            const part = shared(outBytes(s.outDtype, r[1] - r[0]));
            results.push((await runStep(task(form.kind, r, part, r[0]))).nonFinite);
            chunkedOut.set(part, outBytes(s.outDtype, r[0]));
          }
          return addNonFinite(results);
        });
        expect(chunked).toEqual(whole);
        const refused = s.nonFinite === "error" && Array.isArray(whole.value) && whole.value.length > 0;
        if (!whole.error && !refused) expect(Buffer.from(chunkedOut).equals(Buffer.from(wholeOut))).toBe(true);
      }),
      {
        numRuns: Number(process.env.FC_RUNS ?? 400),
        examples: [
          // linear with weight 0 gives 0/0 = NaN from the first chunk on, which Q8_0 cannot hold,
          // before the chunked path reaches the input's NaN at element 32: still a refusal, as whole.
          [{ method: "linear", models: 1, blocks: 2, odd: 0, inDtypes: ["F32", "F32", "F32", "F32"], outDtype: "Q8_0", chunk: 1, parts: 1, weights: [0, 0, 0], density: 0.3, specials: [[707545374, Number.NaN]], nonFinite: "error", seed: 0, fromFile: false, padding: [0, 0, 0, 0] }],
        ],
      },
    );
    expect(chunkedRuns).toBeGreaterThan(250);
  });
});
