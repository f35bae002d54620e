import { z } from "zod";
import { modelRefSchema } from "../recipe/recipe-schema.js";
import { paramSpecSchema } from "./param-spec.js";

/**
 * A search-space file (search-spaces/*.yaml): which models, which merge methods, which
 * parameters over which ranges, what to optimise, and the budget. Documented in
 * docs/search-spaces.md. Unknown keys are errors, as in recipes: a typo must not silently
 * search a different space.
 */

/** Accepted by `seed`: what fits a 32-bit seeded generator (same limit as a recipe's seed). */
const MAX_SEED = 2 ** 32 - 1;

/** Layer groups, filters and models multiply the genome; past this CMA-ES needs far more evaluations than any merge search can afford. */
export const MAX_DIMENSIONS = 2000;

const paramBlock = z.record(z.string(), paramSpecSchema);

export const searchSpaceSchema = z.strictObject({
  models: z
    .array(
      z.strictObject({
        model: modelRefSchema,
        name: z
          .string()
          .regex(/^[A-Za-z0-9_.-]+$/, "names use letters, digits, '_', '.' and '-'")
          .optional()
          .describe("Short label used in dimension names and reports; defaults to the folder, file (without extension) or repository name"),
      }),
    )
    .min(1, "models needs at least one model to merge")
    .describe("The models merged (besides base_model), in recipe order"),
  base_model: modelRefSchema.optional().describe("The base the task vectors are taken from (required by task-vector methods and slerp)"),
  methods: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1, "methods needs at least one merge method")])
    .describe("Merge method name, or several: the method is then part of what is searched"),
  parameters: z
    .strictObject({
      per_model: paramBlock.default({}).describe("Parameters each model gets its own value of (weight, density, ...)"),
      global: paramBlock.default({}).describe("Parameters of the whole merge (lambda, t, normalize, ...)"),
    })
    .default({ per_model: {}, global: {} })
    .describe("Searched ranges or fixed values; a method only gets the parameters it declares"),
  layer_granularity: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe("Layers per group: numeric parameters get one value per group of this many layers (a gradient in the recipe). Unset: one value for all layers"),
  filters: z
    .array(z.string().min(1))
    .default([])
    .refine((f) => new Set(f).size === f.length, "filters must be distinct")
    .describe("Tensor-name substrings (e.g. self_attn, mlp) that get their own parameter values; the rest share one more set"),
  num_layers: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe("Layers of the base model. Needed with layer_granularity; the search loop fills it from the base model when unset"),
  objectives: z
    .array(
      z.strictObject({
        task: z.string().min(1).describe("Path to an evals/*.yaml task file, relative to this file"),
        metric: z.string().optional().describe("Metric of the task to optimise; defaults to the task's first"),
        weight: z.number().positive().default(1).describe("Weight in the scalarised fitness"),
        direction: z.enum(["maximize", "minimize"]).optional().describe("Defaults to the metric's own (accuracy up, perplexity down)"),
      }),
    )
    .min(1, "objectives needs at least one task")
    .describe("Fitness = weighted sum over these tasks' validation splits"),
  heldout: z
    .strictObject({
      finalists: z.number().int().min(1).default(3).describe("How many of the best candidates are re-scored on the test split"),
    })
    .default({ finalists: 3 })
    .describe("Final report: the best candidates re-scored on each task's test split (never seen by the search)"),
  budget: z
    .strictObject({
      evaluations: z.number().int().min(1).optional().describe("Stop after this many candidates"),
      minutes: z.number().positive().optional().describe("Stop starting new candidates after this many minutes"),
    })
    .refine((b) => b.evaluations !== undefined || b.minutes !== undefined, "budget needs evaluations, minutes or both")
    .describe("When the search stops (whichever comes first)"),
  seed: z.number().int().min(0).max(MAX_SEED).default(0).describe("Seed of the optimiser and of stochastic methods"),
  optimiser: z
    .strictObject({
      name: z.enum(["cma-es", "random"]).default("cma-es"),
      sigma0: z.number().positive().max(1).optional().describe("CMA-ES initial step in the unit cube; defaults to 1/6"),
      popsize: z.number().int().min(2).optional().describe("Candidates per generation and method; defaults to 4 + floor(3 ln n)"),
    })
    .default({ name: "cma-es" }),
  dtype: z.string().optional().describe("Dtype the candidates are merged in (recipe `dtype`: float32, bfloat16, float16)"),
  out_type: z.enum(["f32", "f16", "bf16", "q8_0"]).default("f16").describe("GGUF type candidates are written as for scoring. Defaults to f16"),
  allow_public_benchmarks: z
    .boolean()
    .default(false)
    .describe("Allow well-known public benchmarks as objectives (a search then fits their test sets). Defaults to false"),
});

export type SearchSpaceInput = z.input<typeof searchSpaceSchema>;
export type SearchSpaceFile = z.output<typeof searchSpaceSchema>;
