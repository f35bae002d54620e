import { beforeAll, describe, expect, it } from "vitest";
import { MergeInputError, createRandom, dellaKeepProbabilities, getMergeMethod } from "../../src/methods/index.js";
import { caseCall } from "./case-input.js";
import { firstMismatch, loadCases, loadTensors } from "./conformance-fixtures.js";
import { measureProperty, propertyHolds } from "./random-properties.js";

/** Every case of mergekit's public conformance set (test/fixtures/conformance/README.md). */
const cases = loadCases();
let tensors: Map<string, Float32Array>;
beforeAll(async () => {
  tensors = await loadTensors();
});

/**
 * Methods whose arithmetic is mergekit's own (float32, in its order of operations): their output
 * must be mergekit's bit for bit, beyond the tolerance. Except a rescale over recorded masks: the
 * L1 norms behind the factor are float64 sums here, torch's float32 sums in mergekit (in torch's
 * own order), so the float32 factor may differ in its last bit or two (rescaleFactor).
 */
const BIT_EXACT_METHODS = new Set(["linear", "task_arithmetic", "dare_linear", "breadcrumbs", "della_linear"]);
const bitExact = (c: (typeof cases)[number]) => BIT_EXACT_METHODS.has(c.method) && !(c.masks && c.resolved_params.global.rescale === true);

/** The first element whose bits differ (NaN matches any NaN), or undefined. */
function firstBitMismatch(actual: Float32Array, expected: Float32Array): string | undefined {
  if (actual.length !== expected.length) return `length ${actual.length} != ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    if (Object.is(actual[i], expected[i]) || (Number.isNaN(actual[i]) && Number.isNaN(expected[i]))) continue;
    return `element ${i}: got ${actual[i]}, expected ${expected[i]}`;
  }
  return undefined;
}

const never = () => {
  throw new Error("deterministic case drew a random number");
};

describe.each(cases.map((c) => [c.id, c] as const))("%s", (_id, c) => {
  const method = getMergeMethod(c.method);

  it("resolves parameter defaults as mergekit", () => {
    expect(method.params.parse(c.global_params)).toEqual(c.resolved_params.global);
    for (const [name, expected] of Object.entries(c.resolved_params.models)) {
      const own = c.models.find((m) => m.name === name)?.params ?? {};
      expect(method.perModel.parse({ ...c.global_params, ...own }), name).toEqual(expected);
    }
  });

  if (c.expected === null) {
    it(`refuses the input (mergekit: ${c.error})`, () => {
      expect(() => method.merge(caseCall(method, c, tensors, never, false).input)).toThrow(MergeInputError);
    });
    return;
  }

  it(c.masks ? "reproduces mergekit's output from its recorded masks" : "matches mergekit's output", () => {
    const { input } = caseCall(method, c, tensors, never, true);
    const out = method.merge(input);
    expect(out).toBeInstanceOf(Float32Array);
    expect(out.length).toBe(c.shape.reduce((a, b) => a * b, 1));
    expect(firstMismatch(out, tensors.get(c.expected!)!, c.rtol, c.atol)).toBeUndefined();
  });

  if (bitExact(c)) {
    it("gives mergekit's float32 bits exactly, every element", () => {
      const { input } = caseCall(method, c, tensors, never, true);
      expect(firstBitMismatch(method.merge(input), tensors.get(c.expected!)!)).toBeUndefined();
    });
  }

  if (c.probs) {
    it("computes della's keep probabilities as mergekit", () => {
      const base = tensors.get(c.inputs[c.base_model!])!;
      for (const [name, key] of Object.entries(c.probs!)) {
        const x = tensors.get(c.inputs[name])!;
        const delta = Float32Array.from(x, (v, i) => v - base[i]);
        const p = c.resolved_params.models[name] as { density: number; epsilon: number };
        const probs = Float32Array.from(dellaKeepProbabilities(delta, c.shape, p.density, p.epsilon));
        expect(firstMismatch(probs, tensors.get(key)!, c.probs_rtol!, c.probs_atol!), name).toBeUndefined();
      }
    });
  }

  if (c.properties) {
    it("has mergekit's statistical properties when drawing its own masks", () => {
      const { input, names } = caseCall(method, c, tensors, createRandom(`conformance/${c.id}`), false);
      const out = method.merge(input);
      const base = tensors.get(c.inputs[c.base_model!])!;
      for (const p of c.properties!) {
        const model = input.tensors[names.indexOf(p.model)];
        const value = measureProperty(p, c, model, base, out);
        expect(propertyHolds(p, value), `${p.name} = ${value}, expected ${p.expected}`).toBe(true);
      }
    });
  }
});
