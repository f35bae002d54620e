/**
 * Everything a GGUF of an HF checkpoint needs besides the tensor data, read once from the model
 * folder (config.json) and the tokenizer folder (usually the same): the architecture entry, the
 * model's shape, the GGUF tensor table, and the metadata. Used by `smelt convert` and by merges
 * that write GGUF from HF inputs.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { readHfModelConfig, type HfModelConfig } from "../arch/llama-hf-config.js";
import { llamaTensorSpecs, type LlamaTensorSpec } from "../arch/llama-config.js";
import { llamaGgufMetadata } from "../arch/llama-gguf-metadata.js";
import { hfToGgufTensorName } from "../arch/llama-tensor-names.js";
import { ConversionError } from "../errors.js";
import { ggufEntry, ggufValue, type GgufDType, type GgufMetadataEntry } from "../tensor/gguf/index.js";
import { convertHfTokenizer, type ConvertedTokenizer } from "./tokenizer/convert-hf-tokenizer.js";

export interface HfConversion {
  /** The folder config.json was read from. */
  readonly dir: string;
  readonly model: HfModelConfig;
  readonly tokenizer: ConvertedTokenizer;
  /** Every GGUF tensor of the model (generated ones included), in the order a conversion writes them. */
  readonly specs: readonly LlamaTensorSpec[];
  metadata(name: string, dtype: GgufDType): GgufMetadataEntry[];
  /**
   * What becomes of an HF tensor: its GGUF name, or "skip" for tensors llama.cpp recomputes or
   * ignores (`rotary_emb.inv_freq` buffers; `lm_head.weight` of a tied model, which transformers
   * overwrites with the embedding). Throws for tensors the model should not have: dropping them
   * silently would lose weights.
   */
  ggufNameOf(hfName: string): string | "skip";
}

function withChatTemplate(entries: readonly GgufMetadataEntry[], template: string): GgufMetadataEntry[] {
  return [...entries.filter((e) => e.key !== "tokenizer.chat_template"), ggufEntry("tokenizer.chat_template", ggufValue.string(template))];
}

/** Buffers some checkpoints carry that no GGUF stores (llama.cpp computes them). */
const RECOMPUTED = /(^|\.)rotary_emb\.inv_freq$/;

export interface HfConversionOptions {
  /** Blocks of the output when they differ from config.json's (a `slices` merge). Defaults to config.json's. */
  readonly layers?: number;
  /** `tokenizer.chat_template` instead of the tokenizer folder's. Defaults to the folder's. */
  readonly chatTemplate?: string;
}

export async function readHfConversion(dir: string, tokenizerDir: string = dir, options: HfConversionOptions = {}): Promise<HfConversion> {
  const configPath = join(dir, "config.json");
  let json: unknown;
  try {
    json = JSON.parse(await readFile(configPath, "utf8"));
  } catch (error) {
    throw new ConversionError(configPath, `cannot read the model config: ${(error as Error).message}`, { cause: error });
  }
  const read = readHfModelConfig(json, configPath);
  const model = options.layers === undefined ? read : { ...read, config: { ...read.config, layers: options.layers } };
  const { config } = model;
  const converted = await convertHfTokenizer(tokenizerDir, { vocabSize: config.vocabSize, configIds: model.tokenIds });
  const tokenizer = options.chatTemplate === undefined ? converted : { ...converted, entries: withChatTemplate(converted.entries, options.chatTemplate) };
  const specs = llamaTensorSpecs(config);
  const known = new Set(specs.filter((s) => !s.generated).map((s) => s.name));
  return {
    dir,
    model,
    tokenizer,
    specs,
    metadata: (name, dtype) => llamaGgufMetadata(config, name, { dtype, tokenizer: tokenizer.entries }),
    ggufNameOf(hfName) {
      if (RECOMPUTED.test(hfName)) return "skip";
      const gguf = hfToGgufTensorName(hfName);
      if (gguf === "output.weight" && config.tieEmbeddings) return "skip";
      if (gguf !== undefined && known.has(gguf)) return gguf;
      throw new ConversionError(
        configPath,
        `the checkpoint has a tensor "${hfName}" that a ${model.architecture.modelType} model as config.json describes it does not have${gguf === undefined ? "" : ` (GGUF ${gguf})`}; refusing to drop weights`,
      );
    },
  };
}
