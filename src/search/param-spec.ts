import { z } from "zod";

/**
 * How a search space sets one merge parameter:
 *
 * - `0.5` / `true`: fixed, not searched;
 * - `[0, 1.5]`: searched uniformly over the closed range [lo, hi];
 * - `{range: [0, 1.5], init: 0.5}`: the same, starting the search at `init`;
 * - `[true, false]` or `{choices: [0.5, 1, 2]}`: a categorical choice, searched as one
 *   coordinate cut into equal intervals (the first choice for the lowest values).
 */
const range = z
  .tuple([z.number(), z.number()])
  .refine(([lo, hi]) => lo < hi, "a range is [low, high] with low < high")
  .describe("[low, high]: searched over this closed range");

const choices = z
  .array(z.union([z.number(), z.boolean()]))
  .min(2, "a choice needs at least two options")
  .refine((c) => new Set(c).size === c.length, "choices must be distinct");

export const paramSpecSchema = z.union(
  [
    z.number().describe("Fixed value"),
    z.boolean().describe("Fixed flag"),
    range,
    z.array(z.boolean()).min(2).refine((c) => new Set(c).size === c.length, "choices must be distinct").describe("[true, false]: a searched flag"),
    z
      .strictObject({ range, init: z.number().optional().describe("Starting value (defaults to the method default, else the middle)") })
      .refine((s) => s.init === undefined || (s.init >= s.range[0] && s.init <= s.range[1]), { message: "init must lie inside range", path: ["init"] }),
    z.strictObject({ choices }),
  ],
  { error: "expected a fixed number or boolean, a range [low, high], {range: [low, high], init}, a list of booleans or {choices: [...]}" },
);

export type ParamSpecInput = z.input<typeof paramSpecSchema>;

/** A parameter setting in normal form. */
export type ParamSpec =
  | { readonly kind: "fixed"; readonly value: number | boolean }
  | { readonly kind: "range"; readonly lo: number; readonly hi: number; readonly init?: number }
  | { readonly kind: "choice"; readonly choices: readonly (number | boolean)[] };

export function normalizeParamSpec(spec: z.output<typeof paramSpecSchema>): ParamSpec {
  if (typeof spec === "number" || typeof spec === "boolean") return { kind: "fixed", value: spec };
  if (Array.isArray(spec)) {
    if (spec.every((v) => typeof v === "boolean")) return { kind: "choice", choices: spec };
    const [lo, hi] = spec as [number, number];
    return { kind: "range", lo, hi };
  }
  if ("choices" in spec) return { kind: "choice", choices: spec.choices };
  return { kind: "range", lo: spec.range[0], hi: spec.range[1], ...(spec.init !== undefined ? { init: spec.init } : {}) };
}
