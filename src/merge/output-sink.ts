import { copyFile, mkdir, readFile, readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SmeltError } from "../errors.js";
import { recipeToYaml, type MergePlan, type Recipe } from "../recipe/index.js";
import type { DType } from "../tensor/dtype.js";
import { createGgufSink, ggufFileType, ggufValue, templateMetadata, type GgufDType, type GgufSource } from "../tensor/gguf/index.js";
import { createSafetensorsSink } from "../tensor/safetensors/index.js";
import type { TensorSink } from "../tensor/tensor-source.js";
import type { OpenedModels } from "./open-recipe-models.js";
import { ggufTensorDtype, parseOutDtype, type OutType } from "./output-dtype.js";
import { modelCard } from "./model-card.js";
import { createHfMergeGgufSink } from "./hf-merge-gguf-sink.js";

/** Files copied from the tokenizer source into an HF output, when present. */
const TOKENIZER_FILES = [
  "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "tokenizer.model",
  "vocab.json", "merges.txt", "added_tokens.json", "generation_config.json", "chat_template.jinja",
];

export interface OutputSink {
  readonly sink: TensorSink;
  /** Storage dtype of every output tensor. */
  readonly dtypes: ReadonlyMap<string, DType>;
  /** Writes the files beside the weights (config, tokenizer, model card); returns total bytes. */
  finish(): Promise<number>;
}

export async function createOutputSink(args: {
  recipe: Recipe;
  plan: MergePlan;
  models: OpenedModels;
  format: "safetensors" | "gguf";
  outType: OutType | undefined;
  path: string;
  maxShardBytes: number | undefined;
  /** Write the weights around the page cache (see MergeOptions.directIo). */
  direct: boolean;
}): Promise<OutputSink> {
  const { recipe, plan, models, format, path } = args;
  const requested = args.outType ? parseOutDtype(args.outType, "--out-type")
    : recipe.out_dtype ? parseOutDtype(recipe.out_dtype, "out_dtype")
    : recipe.dtype ? parseOutDtype(recipe.dtype, "dtype") : undefined;
  const baseRef = recipe.base_model ?? [...models.byRef.keys()][0];
  const base = models.byRef.get(baseRef)!;

  if (format === "gguf") {
    const want = requested ?? "F16";
    const dtypes = new Map(plan.outputTensors.map((t) => [t.name, ggufTensorDtype(want, t.shape)]));
    if (models.format === "safetensors") {
      // HF inputs: converted on the fly, from the base's config.json and the tokenizer source's files.
      const sink = await createHfMergeGgufSink({ plan, models, baseRef, path, fileType: want as GgufDType, dtypes, direct: args.direct });
      return { sink, dtypes, finish: async () => (await stat(path)).size };
    }
    const metadata = templateMetadata(base.source as unknown as GgufSource, { "general.file_type": ggufValue.u32(ggufFileType(want as GgufDType) ?? 0), "general.name": ggufValue.string("smelt merge") });
    const sink = await createGgufSink({ path, metadata, tensors: plan.outputTensors.map((t) => ({ name: t.name, shape: t.shape, dtype: dtypes.get(t.name)! })), direct: args.direct });
    return { sink, dtypes, finish: async () => (await stat(path)).size };
  }

  if (requested === "Q8_0") throw new SmeltError("usage", "q8_0 is a GGUF type; safetensors outputs take f32, f16 or bf16");
  const dtypes = new Map(plan.outputTensors.map((t) => [t.name, requested ?? floatOr(t.dtype)]));
  await mkdir(path, { recursive: true });
  const sink = await createSafetensorsSink({
    dir: path,
    tensors: plan.outputTensors.map((t) => ({ name: t.name, shape: t.shape, dtype: dtypes.get(t.name)! })),
    maxShardBytes: args.maxShardBytes,
    metadata: { format: "pt" },
    direct: args.direct,
  });
  const finish = async () => {
    const yaml = recipeToYaml(recipe);
    const tokenizer = models.byRef.get(plan.tokenizerSource)?.folder;
    if (base.folder) await writeConfig(base.folder, path, requested);
    if (tokenizer) {
      for (const file of TOKENIZER_FILES) await copyIfExists(join(tokenizer, file), join(path, file));
    }
    await writeFile(join(path, "mergekit_config.yml"), yaml);
    await writeFile(join(path, "README.md"), modelCard(recipe, yaml, [...models.byRef.keys()]));
    let total = 0;
    for (const file of await readdir(path)) total += (await stat(join(path, file))).size;
    return total;
  };
  return { sink, dtypes, finish };
}

function floatOr(dtype: DType): DType {
  // Quantised inputs have no safetensors dtype: their merge is stored as float32.
  return dtype === "F32" || dtype === "F16" || dtype === "BF16" || dtype === "F64" ? dtype : dtype.startsWith("Q") ? "F32" : dtype;
}

const TORCH_DTYPE: Partial<Record<DType, string>> = { F32: "float32", F16: "float16", BF16: "bfloat16" };

async function writeConfig(fromDir: string, toDir: string, dtype: DType | undefined): Promise<void> {
  let text: string;
  try {
    text = await readFile(join(fromDir, "config.json"), "utf8");
  } catch {
    return;
  }
  const config = JSON.parse(text) as Record<string, unknown>;
  if (dtype && TORCH_DTYPE[dtype]) config.torch_dtype = TORCH_DTYPE[dtype];
  await writeFile(join(toDir, "config.json"), `${JSON.stringify(config, null, 2)}\n`);
}

async function copyIfExists(from: string, to: string): Promise<void> {
  try {
    await copyFile(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}
