import { z } from "zod";
import { describe, expect, it } from "vitest";
import { recipeSchema, RECIPE_KEYS } from "../../src/recipe/recipe-schema.js";

describe("recipeSchema", () => {
  it("exports a JSON Schema for editor completion that rejects unknown keys", () => {
    const schema = z.toJSONSchema(recipeSchema, { io: "input" }) as {
      properties: Record<string, { description?: string }>;
      additionalProperties: boolean;
      required: string[];
    };
    expect(Object.keys(schema.properties)).toEqual([...RECIPE_KEYS]);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(["merge_method"]);
    expect(schema.properties.seed.description).toMatch(/stochastic/);
  });

  it("keeps parsed values plain: no defaults filled in, absent keys stay absent", () => {
    const r = recipeSchema.parse({ merge_method: "linear", models: [{ model: "a/b" }] });
    expect(r).toStrictEqual({ merge_method: "linear", models: [{ model: "a/b" }] });
  });
});
