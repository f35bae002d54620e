import { z } from "zod";

/**
 * Building blocks for method parameter schemas. mergekit types every parameter as a number (or a
 * gradient/filter list, which the recipe layer resolves to a number per tensor before a method
 * sees it), so booleans arrive either as YAML `true`/`false` or as 1/0 (pydantic's coercion).
 */

/** A boolean flag that also accepts the numbers 1 and 0, as mergekit does. */
export function flag(defaultValue: boolean, description: string) {
  return z
    .union([z.boolean(), z.literal(1), z.literal(0)])
    .default(defaultValue)
    .transform((v) => v === true || v === 1)
    .describe(`${description} Defaults to ${defaultValue}.`);
}

/** A finite number with a default. */
export function num(defaultValue: number, description: string) {
  return z.number().default(defaultValue).describe(`${description} Defaults to ${defaultValue}.`);
}

/** A finite number the recipe must provide (no default in mergekit). */
export function requiredNum(description: string) {
  return z.number().describe(`${description} Required.`);
}

/** An integer count with a default. */
export function int(defaultValue: number, description: string) {
  return z.number().int().min(0).default(defaultValue).describe(`${description} Defaults to ${defaultValue}.`);
}

/** Per-model `weight`, required by every method that reads it. */
export const weight = requiredNum("Weight of this model in the merge; negative values are allowed.");
