import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ParamValue, Params } from "../../src/recipe/param-value.js";
import { parseRecipe } from "../../src/recipe/parse-recipe.js";
import type { Recipe } from "../../src/recipe/recipe-schema.js";
import { recipeToYaml } from "../../src/recipe/recipe-to-yaml.js";

const tricky = fc.constantFrom("yes", "no", "null", "true", "1.0", "0x1F", "~", "- item", "a: b", "#hash", "  spaced  ", "'q'", '"dq"', "{% if x %}\n{{ y }}\n{% endif %}\n");
const text = fc.oneof(fc.string({ maxLength: 20 }), tricky, fc.array(fc.string({ maxLength: 10 }), { maxLength: 4 }).map((l) => l.join("\n")));
const num = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: -1000, max: 1000 }), fc.constantFrom(0, -0, 1e-9, 0.1, 1e21));
const scalarOrGradient = fc.oneof(num, fc.boolean(), fc.array(num, { minLength: 1, maxLength: 5 }));
const conditional = fc.record(
  { filter: fc.oneof(text, fc.constant(null), fc.constant("*")), value: scalarOrGradient },
  { requiredKeys: ["value"], noNullPrototype: true },
);
const paramValue: fc.Arbitrary<ParamValue> = fc.oneof(scalarOrGradient, fc.array(conditional, { minLength: 1, maxLength: 3 }));
const paramName = fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/);
const params: fc.Arbitrary<Params> = fc.dictionary(paramName, paramValue, { maxKeys: 3, noNullPrototype: true });
const modelRefs = fc.uniqueArray(
  fc.oneof(
    fc.tuple(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_]{0,6}$/), fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,8}$/)).map(([o, n]) => `${o}/${n}`),
    fc.stringMatching(/^[a-z]{1,6}$/).map((s) => `./local/${s}`),
  ),
  { minLength: 1, maxLength: 4 },
).filter((refs) => refs.every((r) => !r.includes("..") && !r.includes("--")));
const optional = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const recipe: fc.Arbitrary<Recipe> = fc
  .record({
    refs: modelRefs,
    useSlices: fc.boolean(),
    method: fc.constantFrom("linear", "slerp", "ties", "dare_ties", "passthrough", "my_method"),
    withBase: fc.boolean(),
    parameters: optional(params),
    modelParams: fc.array(optional(params), { minLength: 4, maxLength: 4 }),
    ranges: fc.array(fc.tuple(fc.nat(40), fc.integer({ min: 1, max: 40 })), { minLength: 4, maxLength: 4 }),
    dtype: optional(fc.constantFrom("float16", "bfloat16", "float32")),
    out_dtype: optional(fc.constantFrom("float16", "bfloat16")),
    tokenizer: fc.constantFrom("none", "source-base", "source-model", "block"),
    chat_template: optional(text),
    seed: optional(fc.nat({ max: 2 ** 32 - 1 })),
  })
  .map((r): Recipe => {
    const out: Recipe = { merge_method: r.method };
    if (r.useSlices) {
      out.slices = [
        { sources: r.refs.map((model, i) => ({ model, layer_range: [r.ranges[i][0], r.ranges[i][0] + r.ranges[i][1]], ...(r.modelParams[i] ? { parameters: r.modelParams[i] } : {}) })) },
        { sources: [{ model: r.refs[0], layer_range: [0, 2] }], ...(r.parameters ? { parameters: r.parameters } : {}) },
      ];
    } else {
      out.models = r.refs.map((model, i) => (r.modelParams[i] ? { model, parameters: r.modelParams[i] } : { model }));
    }
    if (r.withBase) out.base_model = r.refs[0];
    if (r.parameters) out.parameters = r.parameters;
    if (r.dtype) out.dtype = r.dtype;
    if (r.out_dtype) out.out_dtype = r.out_dtype;
    if (r.tokenizer === "source-base" && r.withBase) out.tokenizer_source = "base";
    if (r.tokenizer === "source-model") out.tokenizer_source = r.refs[r.refs.length - 1];
    if (r.tokenizer === "block") out.tokenizer = { source: r.refs[0] };
    if (r.chat_template !== undefined) out.chat_template = r.chat_template;
    if (r.seed !== undefined) out.seed = r.seed;
    return out;
  });

describe("recipeToYaml", () => {
  it("round trips: parseRecipe(recipeToYaml(r)) deep-equals r", () => {
    fc.assert(
      fc.property(recipe, (r) => {
        const back = parseRecipe(recipeToYaml(r), "roundtrip.yaml");
        expect(back).toStrictEqual(r);
        // -0 survives too (toStrictEqual uses Object.is on numbers).
      }),
      { numRuns: 100 },
    );
  });

  it("round trips every fixture", () => {
    const dir = new URL("../fixtures/recipe/", import.meta.url);
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".yaml"))) {
      const r = parseRecipe(readFileSync(new URL(file, dir), "utf8"), file);
      expect(parseRecipe(recipeToYaml(r), file)).toStrictEqual(r);
    }
  });

  it("writes mergekit's layout: key order, flow-style number lists, no filled-in defaults", () => {
    const yaml = recipeToYaml({
      seed: 7,
      parameters: { t: [{ filter: "self_attn", value: [0, 0.5, 1] }, { value: 0.5 }] },
      base_model: "org/a",
      slices: [{ sources: [{ model: "org/a", layer_range: [0, 4] }, { model: "org/b", layer_range: [0, 4] }] }],
      merge_method: "slerp",
    });
    expect(yaml).toBe(
      [
        "merge_method: slerp",
        "slices:",
        "  - sources:",
        "      - model: org/a",
        "        layer_range: [0, 4]",
        "      - model: org/b",
        "        layer_range: [0, 4]",
        "base_model: org/a",
        "parameters:",
        "  t:",
        "    - filter: self_attn",
        "      value: [0, 0.5, 1]",
        "    - value: 0.5",
        "seed: 7",
        "",
      ].join("\n"),
    );
  });
});
