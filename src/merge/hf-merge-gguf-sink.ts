/**
 * The GGUF sink of a merge whose inputs are HF checkpoints: merged tensors arrive under HF names
 * and are converted on the fly (src/convert: names, q/k permutation, generated tensors), with the
 * architecture metadata from the base model's config.json and the tokenizer from the recipe's
 * tokenizer source. The block count follows the merged tensors, so `slices` recipes that change
 * the depth describe their own output.
 */
import { layerIndexOf } from "../arch/layer-index.js";
import { readHfConversion } from "../convert/hf-conversion.js";
import { createHfGgufSink } from "../convert/hf-gguf-sink.js";
import { SmeltError } from "../errors.js";
import type { MergePlan } from "../recipe/index.js";
import type { DType } from "../tensor/dtype.js";
import type { GgufDType } from "../tensor/gguf/index.js";
import type { TensorSink } from "../tensor/tensor-source.js";
import type { OpenedModels } from "./open-recipe-models.js";

/** A recipe `chat_template` given as Jinja text (mergekit also takes names like "chatml", which smelt does not expand). */
function jinjaTemplate(template: string | undefined): string | undefined {
  return template !== undefined && /\{[{%]/.test(template) ? template : undefined;
}

export async function createHfMergeGgufSink(args: {
  plan: MergePlan;
  models: OpenedModels;
  baseRef: string;
  path: string;
  fileType: GgufDType;
  dtypes: ReadonlyMap<string, DType>;
  direct: boolean;
}): Promise<TensorSink> {
  const { plan, models } = args;
  const base = models.byRef.get(args.baseRef)!;
  if (base.folder === undefined) {
    throw new SmeltError("usage", `GGUF output from safetensors inputs needs the base model "${args.baseRef}" as an HF folder (config.json and tokenizer files beside the weights)`);
  }
  const tokenizerDir = models.byRef.get(plan.tokenizerSource)?.folder ?? base.folder;
  const layers = new Set(plan.outputTensors.map((t) => layerIndexOf(t.name)).filter((l) => l !== undefined));
  const conversion = await readHfConversion(base.folder, tokenizerDir, {
    layers: layers.size > 0 ? Math.max(...layers) + 1 : undefined,
    chatTemplate: jinjaTemplate(plan.chatTemplate),
  });
  return createHfGgufSink({
    path: args.path,
    conversion,
    name: "smelt merge",
    fileType: args.fileType,
    tensors: plan.outputTensors.map((t) => ({ name: t.name, shape: t.shape, dtype: args.dtypes.get(t.name)! })),
    direct: args.direct,
  });
}
