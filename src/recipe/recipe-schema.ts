import { z } from "zod";
import { parseModelRef } from "./model-ref.js";
import { paramsSchema } from "./param-value.js";

/**
 * The recipe document: mergekit's YAML configuration (`mergekit/config.py`'s MergeConfiguration),
 * keys spelled as mergekit spells them so any mergekit recipe reads unchanged, plus smelt's `seed`.
 *
 * Unknown keys policy: mergekit (pydantic defaults) silently ignores keys it does not know, so a
 * typo like `paramters:` merges with default parameters and nobody notices. smelt rejects every
 * unknown key, at any depth, and suggests the closest known one. The only cost is that a recipe
 * written for a newer mergekit fails loudly instead of merging differently.
 *
 * Cross-field rules (exactly one of `models`/`slices`, `tokenizer` vs `tokenizer_source`, ...) live
 * in `checkRecipeRules` so they are reported together with schema errors.
 */

export const modelRefSchema = z
  .string()
  .superRefine((s, ctx) => {
    try {
      parseModelRef(s);
    } catch (e) {
      ctx.addIssue({ code: "custom", message: (e as Error).message });
    }
  })
  .describe("Model reference: org/name[@revision], a local path (./dir), or base+lora_adapter");

const layerIndex = z.number().int("layer indices are integers").min(0, "layer indices start at 0");

export const inputModelSchema = z.strictObject({
  model: modelRefSchema,
  parameters: paramsSchema.optional().describe("Parameters for the tensors of this model"),
});

export const inputSliceSchema = z.strictObject({
  model: modelRefSchema,
  layer_range: z
    .tuple([layerIndex, layerIndex])
    .refine(([a, b]) => a < b, "layer_range is [first, end) with end > first (end is exclusive)")
    .describe("[first, end): layers first..end-1 of the model"),
  parameters: paramsSchema.optional(),
});

export const outputSliceSchema = z.strictObject({
  sources: z.array(inputSliceSchema).min(1, "a slice needs at least one source"),
  parameters: paramsSchema.optional().describe("Parameters for every tensor of this output slice"),
});

export const tokenizerSchema = z.strictObject({
  source: z.string().describe('"base", or a model reference whose tokenizer the output gets'),
});

/** Accepted by `seed`: what fits a 32-bit seeded generator. */
const MAX_SEED = 2 ** 32 - 1;

export const recipeSchema = z.strictObject({
  merge_method: z.string().min(1).describe("Merge method name (linear, slerp, ties, dare_ties, ...)"),
  models: z.array(inputModelSchema).min(1, "models needs at least one entry").optional(),
  slices: z.array(outputSliceSchema).min(1, "slices needs at least one entry").optional(),
  base_model: modelRefSchema.optional(),
  parameters: paramsSchema.optional().describe("Parameters for every tensor (lowest precedence)"),
  dtype: z.string().optional().describe("Dtype to merge in (float32, bfloat16, float16)"),
  out_dtype: z.string().optional().describe("Dtype written to the output (defaults to dtype, then the input's)"),
  tokenizer_source: z.string().optional().describe('"base" or a model reference ("union" is not supported)'),
  tokenizer: tokenizerSchema.optional(),
  chat_template: z.string().optional().describe("Chat template name or Jinja template for the output"),
  seed: z
    .number()
    .int()
    .min(0)
    .max(MAX_SEED)
    .optional()
    .describe("smelt: seed for stochastic methods (dare_*, della*); same seed, same output"),
});

export type InputModel = z.infer<typeof inputModelSchema>;
export type InputSlice = z.infer<typeof inputSliceSchema>;
export type OutputSlice = z.infer<typeof outputSliceSchema>;
export type Recipe = z.infer<typeof recipeSchema>;

/** Top-level key order, used by `recipeToYaml` and in "did you mean" hints. */
export const RECIPE_KEYS: readonly (keyof Recipe)[] = Object.keys(recipeSchema.shape) as (keyof Recipe)[];

/**
 * mergekit keys smelt knows about but does not implement: better a precise refusal than the
 * generic unknown-key message.
 */
export const UNSUPPORTED_KEYS: Readonly<Record<string, string>> = {
  modules: "`modules` (multi-module merges) is not supported; use `models` or `slices`",
  residual_weight: "`residual_weight` on slices is not supported",
  base_model: "a per-slice `base_model` is not supported; set `base_model` at the top level",
  tokens: "`tokenizer.tokens` (per-token embedding sources) is not supported",
  pad_to_multiple_of: "`tokenizer.pad_to_multiple_of` is not supported",
  input_model_parameters: "`input_model_parameters` is not supported; put parameters on each `models` entry",
};
