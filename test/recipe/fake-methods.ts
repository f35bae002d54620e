import { z } from "zod";
import { defineMergeMethod, type MergeMethod } from "../../src/methods/define-merge-method.js";

/**
 * Small stand-ins for the real registry: same parameter schemas, base use and model counts as
 * mergekit documents, but `merge` is never called by the planner, so it just copies.
 */
const paper = { title: "test fake", url: "https://example.invalid" };
const copyFirst = (input: { tensors: readonly Float32Array[] }): Float32Array => Float32Array.from(input.tensors[0]);

const taskVectorGlobals = z.object({
  lambda: z.number().default(1),
  normalize: z.boolean().default(true),
  int8_mask: z.boolean().default(false),
});
const weightDensity = z.object({ weight: z.number(), density: z.number().min(0).max(1).default(1) });

export const fakeMethods: Record<string, MergeMethod> = {
  linear: defineMergeMethod({
    name: "linear",
    paper,
    params: z.object({ normalize: z.boolean().default(true) }),
    perModel: z.object({ weight: z.number() }),
    base: "input",
    stochastic: false,
    models: [1, Infinity],
    merge: copyFirst,
  }),
  slerp: defineMergeMethod({
    name: "slerp",
    paper,
    params: z.object({ t: z.number() }),
    perModel: z.object({}),
    base: "required",
    stochastic: false,
    models: [1, 1],
    merge: copyFirst,
  }),
  nuslerp: defineMergeMethod({
    name: "nuslerp",
    paper,
    params: z.object({ nuslerp_flatten: z.boolean().default(true), nuslerp_row_wise: z.boolean().default(false) }),
    perModel: z.object({ weight: z.number() }),
    base: "optional",
    stochastic: false,
    models: [2, 2],
    merge: copyFirst,
  }),
  ties: defineMergeMethod({
    name: "ties",
    paper,
    params: taskVectorGlobals,
    perModel: weightDensity,
    base: "required",
    stochastic: false,
    models: [1, Infinity],
    merge: copyFirst,
  }),
  dare_ties: defineMergeMethod({
    name: "dare_ties",
    paper,
    params: taskVectorGlobals.extend({ normalize: z.boolean().default(false), rescale: z.boolean().default(true) }),
    perModel: weightDensity,
    base: "required",
    stochastic: true,
    models: [1, Infinity],
    merge: copyFirst,
  }),
  model_stock: defineMergeMethod({
    name: "model_stock",
    paper,
    params: z.object({ filter_wise: z.boolean().default(false) }),
    perModel: z.object({}),
    base: "required",
    stochastic: false,
    models: [2, Infinity],
    merge: copyFirst,
  }),
  passthrough: defineMergeMethod({
    name: "passthrough",
    paper,
    params: z.object({}),
    perModel: z.object({ scale: z.number().default(1) }),
    base: "input",
    stochastic: false,
    models: [1, 1],
    merge: copyFirst,
  }),
};
