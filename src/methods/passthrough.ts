import { z } from "zod";
import { defineMergeMethod } from "./define-merge-method.js";
import { MergeInputError } from "./merge-input-error.js";

/**
 * Copies the single input tensor unchanged (used for frankenmerges that stack layers from different
 * models with `slices:`). An optional per-model `scale` multiplies it, as mergekit allows for
 * damping stacked layers.
 */
export const passthrough = defineMergeMethod({
  name: "passthrough",
  paper: { title: "mergekit: passthrough merge method", url: "https://github.com/arcee-ai/mergekit/blob/main/docs/merge_methods.md" },
  params: z.object({}),
  perModel: z.object({ scale: z.number().optional().describe("Multiply the tensor by this. Defaults to no scaling.") }),
  base: "input",
  stochastic: false,
  models: [1, 1],
  merge({ tensors, perModel, tensorName }) {
    if (tensors.length !== 1) {
      throw new MergeInputError("passthrough", tensorName, `takes exactly one input tensor, got ${tensors.length}; use slices to pick one model per layer range`);
    }
    return scaled(tensors[0], perModel[0].scale, new Float32Array(tensors[0].length));
  },
  chunked({ models, perModel }) {
    if (models !== 1) return undefined;
    const scale = perModel[0].scale;
    return { kind: "elementwise", map: (tensors, _base, out) => void scaled(tensors[0], scale, out) };
  },
});

function scaled(x: Float32Array, scale: number | undefined, out: Float32Array): Float32Array {
  out.set(x);
  if (scale !== undefined) for (let i = 0; i < out.length; i++) out[i] *= scale;
  return out;
}
