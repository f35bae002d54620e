import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRandom, getMergeMethod, mergeChunked, mergeMethods, type AnyMergeMethod, type MergeInput, type RandomSource } from "../../src/methods/index.js";
import { SELECTION_GROUP, chunkedMagnitudeMerge } from "../../src/methods/chunked-magnitude-merge.js";
import type { ChunkedTensors } from "../../src/methods/chunked-merge.js";
import { caseCall } from "./case-input.js";
import { loadCases, loadTensors } from "./conformance-fixtures.js";

/**
 * Differential test: every chunked form (the executor's fast path) against the method's own
 * `merge`, bit for bit, on random configurations, lengths, chunk sizes (odd ones, 1, larger than
 * the tensor) and values with ties, zeros, -0 and (sometimes) NaN/Inf.
 */

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

function outcome(run: () => Float32Array | undefined): { bits?: number[]; error?: string; none?: true } {
  try {
    const out = run();
    return out ? { bits: bits(out) } : { none: true };
  } catch (error) {
    return { error: `${(error as Error).constructor.name}: ${(error as Error).message}` };
  }
}

// Few distinct magnitudes (ties at every cut), exact zeros and cancellations, and plain floats.
const value = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -4, max: 4 }).map((v) => v / 8) },
  { weight: 3, arbitrary: fc.float({ min: -1, max: 1, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(-0, 1e-30, -3e38) },
);
const special = fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
const density = fc.oneof(fc.constantFrom(0, 0.01, 0.3, 0.5, 0.999, 1, 1.5, -0.2), fc.double({ min: 0.001, max: 1, noNaN: true }));
const weight = fc.oneof(fc.constantFrom(0, 1, -0.5, 0.3), fc.double({ min: -2, max: 2, noNaN: true }));

const config = fc.record({
  method: fc.constantFrom("linear", "passthrough", "slerp", "task_arithmetic", "ties", "dare_ties", "dare_linear", "breadcrumbs_ties", "della"),
  models: fc.integer({ min: 0, max: 4 }),
  length: fc.integer({ min: 1, max: 260 }),
  chunk: fc.oneof(fc.constantFrom(1, 3, 32, 64, 4096), fc.integer({ min: 1, max: 300 })),
  values: fc.array(value, { minLength: 5 * 260, maxLength: 5 * 260 }),
  specials: fc.array(fc.tuple(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), special), { maxLength: 3 }),
  useSpecials: fc.boolean(),
  densities: fc.array(density, { minLength: 4, maxLength: 4 }),
  weights: fc.array(weight, { minLength: 5, maxLength: 5 }),
  normalize: fc.boolean(),
  rescale: fc.boolean(),
  lambda: fc.constantFrom(1, 0.7, 2),
  t: fc.constantFrom(0, 0.4, 1, 1.5),
  seed: fc.nat(),
});

type Config = typeof config extends fc.Arbitrary<infer T> ? T : never;

function inputFor(method: AnyMergeMethod, c: Config): MergeInput<unknown, unknown> {
  const values = Float32Array.from(c.values);
  // Specials land anywhere in the tensors in use (base and models).
  if (c.useSpecials) for (const [at, v] of c.specials) values[Math.floor(at * (c.models + 1) * c.length)] = v;
  const tensor = (i: number) => values.slice(i * c.length, (i + 1) * c.length);
  const models = method.name === "passthrough" ? 1 : method.name === "slerp" ? Math.min(c.models, 1) : Math.max(c.models, method.name === "linear" ? 1 : 0);
  const global: Record<string, unknown> =
    method.name === "slerp" ? { t: c.t } : method.name === "linear" ? { normalize: c.normalize } : method.name === "passthrough" ? {} : { normalize: c.normalize, rescale: c.rescale, lambda: c.lambda };
  const perModel = Array.from({ length: models }, (_, m) =>
    method.perModel.parse(method.name === "slerp" ? {} : method.name === "passthrough" ? { scale: c.weights[m] } : { weight: c.weights[m], density: c.densities[m] }),
  );
  return {
    tensorName: "t",
    shape: [c.length],
    tensors: Array.from({ length: models }, (_, m) => tensor(m + 1)),
    base: method.base === "input" ? undefined : tensor(0),
    perModel,
    params: method.params.parse(global),
    random: createRandom(c.seed),
  };
}

describe("chunked merges", () => {
  it("give merge's bits, errors and random draws for random configurations and chunk sizes", () => {
    let compared = 0;
    fc.assert(
      fc.property(config, (c) => {
        const method = getMergeMethod(c.method);
        const whole = outcome(() => method.merge(inputFor(method, c)));
        const chunked = outcome(() => mergeChunked(method, inputFor(method, c), c.chunk));
        if (chunked.none) return;
        compared++;
        expect(chunked).toEqual(whole);
      }),
      // FC_RUNS=20000 for a deeper search (about a minute).
      { numRuns: Number(process.env.FC_RUNS ?? 1500) },
    );
    expect(compared).toBeGreaterThan(1000);
  });

  it("give merge's bits for DARE on long tensors (whole 4096-element blocks of draws, models drawing at jumped-to places) and leave its random stream where merge does", () => {
    fc.assert(
      fc.property(
        fc.record({
          method: fc.constantFrom("dare_ties", "dare_linear"),
          models: fc.integer({ min: 1, max: 3 }),
          length: fc.integer({ min: 4000, max: 3 * 4096 + 300 }),
          chunk: fc.constantFrom(4096, 8192, 1000, 4097, 32 * 129),
          densities: fc.array(density, { minLength: 3, maxLength: 3 }),
          weights: fc.array(weight, { minLength: 3, maxLength: 3 }),
          rescale: fc.boolean(),
          specials: fc.array(fc.tuple(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), special), { maxLength: 2 }),
          seed: fc.nat(),
          // A source that only draws one at a time (not createRandom's, which can also jump).
          plain: fc.boolean(),
        }),
        (c) => {
          const method = getMergeMethod(c.method);
          const source = (): RandomSource => {
            const random = createRandom(c.seed);
            return c.plain ? () => random() : random;
          };
          const make = () => {
            const values = Float32Array.from({ length: (c.models + 1) * c.length }, (_, i) => Math.fround(Math.sin(i * 0.37 + c.seed) * 2 ** (((i * 7) % 41) - 20)));
            for (const [at, v] of c.specials) values[Math.floor(at * values.length)] = v;
            return {
              tensorName: "t",
              shape: [c.length],
              tensors: Array.from({ length: c.models }, (_, m) => values.slice((m + 1) * c.length, (m + 2) * c.length)),
              base: values.slice(0, c.length),
              perModel: Array.from({ length: c.models }, (_, m) => method.perModel.parse({ weight: c.weights[m], density: c.densities[m] })),
              params: method.params.parse({ rescale: c.rescale }),
              random: source(),
            };
          };
          const wholeInput = make();
          const chunkedInput = make();
          const whole = outcome(() => method.merge(wholeInput));
          const chunked = outcome(() => mergeChunked(method, chunkedInput, c.chunk));
          expect(chunked).toEqual(whole);
          expect(chunkedInput.random()).toBe(wholeInput.random());
        },
      ),
      { numRuns: 25 },
    );
  });

  it("give merge's bits for the magnitude trim of more models than share one selection pass", () => {
    const method = getMergeMethod("ties");
    fc.assert(
      fc.property(
        fc.integer({ min: SELECTION_GROUP + 1, max: 2 * SELECTION_GROUP + 1 }),
        fc.integer({ min: 1, max: 200 }),
        fc.oneof(fc.constantFrom(1, 7, 32), fc.integer({ min: 1, max: 250 })),
        fc.array(value, { minLength: 18 * 200, maxLength: 18 * 200 }),
        fc.array(fc.oneof(density, fc.constant(0.5)), { minLength: 17, maxLength: 17 }),
        fc.array(weight, { minLength: 17, maxLength: 17 }),
        fc.boolean(),
        fc.boolean(),
        (models, length, chunk, values, densities, weights, normalize, rescale) => {
          const all = Float32Array.from(values);
          const input = (): MergeInput<unknown, unknown> => ({
            tensorName: "t",
            shape: [length],
            tensors: Array.from({ length: models }, (_, m) => all.slice((m + 1) * length, (m + 2) * length)),
            base: all.slice(0, length),
            perModel: Array.from({ length: models }, (_, m) => method.perModel.parse({ weight: weights[m], density: densities[m] })),
            params: method.params.parse({ normalize, rescale }),
            random: createRandom(1),
          });
          const whole = outcome(() => method.merge(input()));
          const chunked = outcome(() => mergeChunked(method, input(), chunk));
          expect(chunked.none).toBeUndefined();
          expect(chunked).toEqual(whole);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("give merge's bits when the cut buckets hold more elements than the deferred combine keeps (its fallback)", () => {
    const method = getMergeMethod("ties");
    let fellBack = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 200 }),
        fc.oneof(fc.constantFrom(1, 7, 32), fc.integer({ min: 1, max: 250 })),
        fc.array(value, { minLength: 5 * 200, maxLength: 5 * 200 }),
        fc.array(fc.oneof(density, fc.constant(0.5)), { minLength: 4, maxLength: 4 }),
        fc.array(weight, { minLength: 4, maxLength: 4 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 8 }),
        (models, length, chunk, values, densities, weights, normalize, deferredLimit) => {
          const all = Float32Array.from(values);
          const input = (): MergeInput<unknown, unknown> => ({
            tensorName: "t",
            shape: [length],
            tensors: Array.from({ length: models }, (_, m) => all.slice((m + 1) * length, (m + 2) * length)),
            base: all.slice(0, length),
            perModel: Array.from({ length: models }, (_, m) => method.perModel.parse({ weight: weights[m], density: densities[m] })),
            params: method.params.parse({ normalize }),
            random: createRandom(1),
          });
          const whole = outcome(() => method.merge(input()));
          let writes = 0;
          let baseReads = 0;
          const limited = {
            ...method,
            chunked: () => {
              const form = chunkedMagnitudeMerge({ method: "ties", tensorName: "t", densities: densities.slice(0, models), weights: weights.slice(0, models), rescale: false, options: { consensus: true, normalize, lambda: 1 }, deferredLimit });
              if (form.kind !== "passes") throw new Error("expected passes");
              return { kind: "passes" as const, run: (io: ChunkedTensors) => form.run({ ...io, base: (start, dst) => (baseReads++, io.base!(start, dst)), write: (start, v) => (writes++, io.write(start, v)) }) };
            },
          } as AnyMergeMethod;
          const chunked = outcome(() => mergeChunked(limited, input(), chunk));
          expect(chunked).toEqual(whole);
          if (chunked.bits) expect(writes, "each chunk written once").toBe(Math.ceil(length / chunk));
          // Two passes (high digits, the deferring combine) unless it gave up and more followed.
          if (baseReads > 2 * Math.ceil(length / chunk)) fellBack++;
        },
      ),
      { numRuns: 100 },
    );
    expect(fellBack, "runs that fell back").toBeGreaterThan(20);
  });

  it("give merge's bits in one pass from sampled brackets, and when a bracket misses its cut (the exact passes after it)", () => {
    const method = getMergeMethod("ties");
    const paths = { onePass: 0, missed: 0 };
    fc.assert(
      fc.property(
        fc.record({
          models: fc.integer({ min: 1, max: 3 }),
          length: fc.integer({ min: 4096, max: 6000 }),
          chunk: fc.oneof(fc.constantFrom(1, 7, 32, 4096, 8192), fc.integer({ min: 1, max: 700 })),
          // Few magnitudes (ties at the cut), plain floats, or rows of very different scales
          // (a sample of two pieces then misjudges the cut).
          style: fc.constantFrom("ties", "floats", "rows"),
          seed: fc.nat(),
          specials: fc.array(fc.tuple(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), special), { maxLength: 2 }),
          densities: fc.array(fc.oneof(fc.constantFrom(0.5, 0.01, 0.999, 1), fc.double({ min: 0.001, max: 1, noNaN: true })), { minLength: 3, maxLength: 3 }),
          weights: fc.array(weight, { minLength: 3, maxLength: 3 }),
          normalize: fc.boolean(),
          // 0: brackets as narrow as the sample allows, so that they often miss.
          spread: fc.constantFrom(0, 1, 4),
        }),
        (c) => {
          const draw = createRandom(c.seed);
          const values = Float32Array.from({ length: (c.models + 1) * c.length }, (_, i) => {
            if (c.style === "ties") return Math.round(draw() * 16 - 8) / 8;
            const scale = c.style === "rows" && Math.floor((i % c.length) / 512) % 3 === 0 ? 100 : 1;
            return (draw() * 2 - 1) * scale;
          });
          for (const [at, v] of c.specials) values[Math.floor(at * values.length)] = v;
          const input = (): MergeInput<unknown, unknown> => ({
            tensorName: "t",
            shape: [c.length],
            tensors: Array.from({ length: c.models }, (_, m) => values.slice((m + 1) * c.length, (m + 2) * c.length)),
            base: values.slice(0, c.length),
            perModel: Array.from({ length: c.models }, (_, m) => method.perModel.parse({ weight: c.weights[m], density: c.densities[m] })),
            params: method.params.parse({ normalize: c.normalize }),
            random: createRandom(1),
          });
          const whole = outcome(() => method.merge(input()));
          let patched = false;
          let sampled = false;
          const sampling = { pieces: 2, pieceLength: 256, minLength: 0, spread: c.spread };
          const watched = {
            ...method,
            chunked: () => {
              const form = chunkedMagnitudeMerge({ method: "ties", tensorName: "t", densities: c.densities.slice(0, c.models), weights: c.weights.slice(0, c.models), rescale: false, options: { consensus: true, normalize: c.normalize, lambda: 1 }, sampling });
              if (form.kind !== "passes") throw new Error("expected passes");
              return {
                kind: "passes" as const,
                run: (io: ChunkedTensors) =>
                  form.run({ ...io, sample: () => ((sampled = true), io.sample!()), patch: (indices, v) => ((patched = true), io.patch!(indices, v)) }),
              };
            },
          } as AnyMergeMethod;
          const chunked = outcome(() => mergeChunked(watched, input(), c.chunk));
          expect(chunked).toEqual(whole);
          if (patched) paths.onePass++;
          else if (sampled && chunked.bits) paths.missed++;
        },
      ),
      { numRuns: 150 },
    );
    // Both ways were taken, often.
    expect(paths.onePass).toBeGreaterThan(30);
    expect(paths.missed).toBeGreaterThan(10);
  });

  it("exist for the benchmarked methods and the configurations the executor relies on", () => {
    const n = 100;
    const t = (s: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i + s));
    const form = (name: string, models: number, perModel: object, params: object = {}) => {
      const method = getMergeMethod(name);
      return method.chunked?.({
        tensorName: "t",
        shape: [n],
        models,
        hasBase: method.base !== "input",
        params: method.params.parse(params),
        perModel: Array.from({ length: models }, () => method.perModel.parse(perModel)),
      })?.kind;
    };
    expect(form("linear", 3, { weight: 1 })).toBe("elementwise");
    expect(form("task_arithmetic", 2, { weight: 1 })).toBe("elementwise");
    expect(form("ties", 2, { weight: 1 })).toBe("elementwise");
    expect(form("ties", 2, { weight: 1, density: 0.5 })).toBe("passes");
    expect(form("dare_ties", 2, { weight: 1, density: 0.5 })).toBe("passes");
    expect(form("dare_linear", 2, { weight: 1, density: 0.5 })).toBe("passes");
    expect(form("slerp", 1, {}, { t: 0.3 })).toBe("passes");
    expect(form("della", 2, { weight: 1, density: 0.5 })).toBeUndefined();
    expect(form("karcher", 2, {})).toBeUndefined();
    // Replayed masks are a test hook of merge only.
    const method = getMergeMethod("dare_ties");
    const input = { tensorName: "t", shape: [n], tensors: [t(1)], base: t(0), perModel: [method.perModel.parse({ weight: 1, density: 0.5 })], params: method.params.parse({}), random: createRandom(1), masks: [new Uint8Array(n)] };
    expect(mergeChunked(method, input, 8)).toBeUndefined();
    expect(Object.keys(mergeMethods)).toContain("dare_ties");
  });

  it("give merge's bits on every conformance case that has a chunked form", async () => {
    const tensors = await loadTensors();
    let compared = 0;
    for (const c of loadCases()) {
      if (c.expected === null) continue;
      const method = getMergeMethod(c.method);
      const whole = method.merge(caseCall(method, c, tensors, createRandom(c.id), false).input);
      for (const chunk of [1, 7, 64]) {
        const chunked = mergeChunked(method, caseCall(method, c, tensors, createRandom(c.id), false).input, chunk);
        if (!chunked) continue;
        compared++;
        expect(bits(chunked), `${c.id} chunk ${chunk}`).toEqual(bits(whole));
      }
    }
    expect(compared).toBeGreaterThan(30);
  });
});
