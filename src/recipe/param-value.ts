import { z } from "zod";

/**
 * A parameter setting as mergekit's YAML spells it:
 *
 * - a scalar: `weight: 0.5`, `normalize: true`;
 * - a gradient: `t: [0, 0.5, 1]`, a list of numbers interpolated over the layers of an output slice;
 * - a list of `{filter, value}` entries: the first entry whose `filter` is a substring of the tensor
 *   name (or is missing, null or `"*"`) supplies `value`, itself a scalar or a gradient.
 *
 * mergekit also accepts strings and lists of strings or booleans; no merge method reads a string
 * parameter and a "gradient" of booleans has no sensible meaning, so smelt rejects them instead of
 * carrying a value nothing can use.
 */
export const gradientSchema = z
  .array(z.number())
  .min(1, "a gradient needs at least one number")
  .describe("Gradient: values interpolated over the layers of an output slice");

export const scalarOrGradientSchema = z.union([z.number(), z.boolean(), gradientSchema]);

export const conditionalSettingSchema = z
  .strictObject({
    filter: z
      .string()
      .nullish()
      .describe('Substring of the tensor name; missing, null or "*" matches every tensor'),
    value: scalarOrGradientSchema,
  })
  .describe("A value that applies to the tensors whose name contains `filter`");

export const conditionalListSchema = z.array(conditionalSettingSchema).min(1, "a filter list needs at least one entry");

export const paramValueSchema = z
  .union([z.number(), z.boolean(), gradientSchema, conditionalListSchema], {
    error: "expected a number, a boolean, a list of numbers (gradient) or a list of {filter, value} entries",
  })
  .describe("Scalar, gradient, or list of {filter, value} entries");

export const paramsSchema = z.record(z.string(), paramValueSchema);

export type ScalarOrGradient = z.infer<typeof scalarOrGradientSchema>;
export type ConditionalSetting = z.infer<typeof conditionalSettingSchema>;
export type ParamValue = z.infer<typeof paramValueSchema>;
export type Params = z.infer<typeof paramsSchema>;
/** What a setting evaluates to for one tensor. */
export type ParamScalar = number | boolean;
