/**
 * Tiny random Hugging Face checkpoints built in code: config.json for the architecture,
 * model.safetensors with every tensor under its HF name, and the given tokenizer files. Returns
 * the config as written and the exact float32 values stored (what the HF reference runs on).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { LlamaConfigSchema, type LlamaConfigInput } from "../../src/arch/llama-config.js";
import { llamaConfigToHfConfig, type HfConfigOptions } from "../../src/arch/llama-hf-config.js";
import { llamaHfTensorSpecs } from "../../src/arch/llama-hf-tensor-specs.js";
import { writeSafetensors } from "../../src/tensor/safetensors/index.js";
import type { TokenizerFiles } from "./bpe-fixture.js";
import { seededRandom } from "./seeded-random.js";

export interface TinyHfModelOptions {
  readonly modelType: NonNullable<HfConfigOptions["modelType"]>;
  readonly config: LlamaConfigInput;
  readonly seed: number;
  readonly tokenizer?: TokenizerFiles;
  readonly bosTokenId?: number;
  readonly eosTokenId?: number;
  /** Keys merged into config.json last (e.g. to break it on purpose). */
  readonly configPatch?: Record<string, unknown>;
}

export interface TinyHfModel {
  readonly dir: string;
  readonly configJson: Record<string, unknown>;
  /** By HF name, exactly the values stored (float32). */
  readonly weights: Map<string, Float32Array>;
}

function stdFor(name: string, cols: number): number {
  if (name === "model.embed_tokens.weight") return 1;
  if (name === "lm_head.weight") return 2 / Math.sqrt(cols);
  return 1 / Math.sqrt(cols);
}

/** What each HF architecture implies for the model's shape (the rest comes from `options.config`). */
const IMPLIED = {
  llama: { architecture: "llama" },
  mistral: { architecture: "llama" },
  qwen2: { architecture: "qwen2", attentionBias: true },
  qwen3: { architecture: "qwen3", qkNorm: true },
} as const;

export async function writeTinyHfModel(dir: string, options: TinyHfModelOptions): Promise<TinyHfModel> {
  const config = LlamaConfigSchema.parse({ ...options.config, ...IMPLIED[options.modelType] });
  const random = seededRandom(options.seed);
  const weights = new Map<string, Float32Array>();
  const specs = llamaHfTensorSpecs(config);
  for (const spec of specs) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    const isNorm = /norm\.weight$|layernorm\.weight$/.test(spec.name);
    const isBias = spec.name.endsWith(".bias");
    for (let i = 0; i < n; i++) {
      data[i] = isNorm ? 1 + random.normal(0.1) : isBias ? random.normal(0.3) : random.normal(stdFor(spec.name, spec.shape[spec.shape.length - 1]));
    }
    weights.set(spec.name, data);
  }
  const configJson = {
    ...llamaConfigToHfConfig(config, { modelType: options.modelType, bosTokenId: options.bosTokenId, eosTokenId: options.eosTokenId }),
    ...options.configPatch,
  };
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "config.json"), `${JSON.stringify(configJson, null, 2)}\n`);
  await writeSafetensors(
    join(dir, "model.safetensors"),
    specs.map((s) => ({ name: s.name, dtype: "F32" as const, shape: s.shape, data: weights.get(s.name)! })),
    { format: "pt" },
  );
  for (const [file, content] of Object.entries(options.tokenizer ?? {})) {
    await writeFile(join(dir, file), JSON.stringify(content));
  }
  return { dir, configJson, weights };
}
