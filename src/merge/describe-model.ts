import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { layerIndexOf } from "../arch/layer-index.js";
import type { DType } from "../tensor/dtype.js";
import type { HubOptions } from "../hub/index.js";
import { openModel } from "./open-model.js";

/** What `smelt inspect` reports about a model: plain data, printed as a table or JSON. */
export interface ModelSummary {
  readonly path: string;
  /** Where the model's files are, when that is not `path` itself (a Hub reference's cache snapshot). */
  readonly folder?: string;
  readonly format: "safetensors" | "gguf";
  readonly architecture: string | undefined;
  readonly parameters: number;
  readonly tensorCount: number;
  readonly bytes: number;
  /** Tensor count and parameter count per dtype. */
  readonly dtypes: Readonly<Record<string, { readonly tensors: number; readonly parameters: number }>>;
  /** A few identifying settings (context length, dims, vocabulary) from config.json or GGUF metadata. */
  readonly settings: Readonly<Record<string, string | number | boolean>>;
  /** One row per transformer layer, in order. */
  readonly layers: readonly LayerSummary[];
  /** Tensors outside the layers (embeddings, final norm, head). */
  readonly other: readonly { readonly name: string; readonly shape: readonly number[]; readonly dtype: DType }[];
}

export interface LayerSummary {
  readonly index: number;
  readonly tensors: number;
  readonly parameters: number;
  readonly dtypes: readonly DType[];
}

/** GGUF keys worth showing (with the architecture prefix substituted for `{arch}`). */
const GGUF_SETTINGS = [
  "general.name", "general.file_type", "{arch}.context_length", "{arch}.embedding_length", "{arch}.block_count",
  "{arch}.feed_forward_length", "{arch}.attention.head_count", "{arch}.attention.head_count_kv", "tokenizer.ggml.model",
];
const HF_SETTINGS = [
  "model_type", "torch_dtype", "hidden_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
  "intermediate_size", "vocab_size", "max_position_embeddings",
];

/**
 * Summarises a model: a local GGUF, .safetensors or HF folder, or a Hub reference
 * (`org/name[@rev]`, pulled into the HF cache first with `hub`'s options).
 */
export async function describeModel(path: string, hub: HubOptions = {}): Promise<ModelSummary> {
  const model = await openModel(path, process.cwd(), hub);
  try {
    const list = model.source.list();
    const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
    const dtypes: Record<string, { tensors: number; parameters: number }> = {};
    const layers = new Map<number, { tensors: number; parameters: number; dtypes: Set<DType> }>();
    const other: { name: string; shape: readonly number[]; dtype: DType }[] = [];
    let parameters = 0;
    let bytes = 0;
    for (const t of list) {
      const n = count(t.shape);
      parameters += n;
      bytes += t.byteLength;
      const d = (dtypes[t.dtype] ??= { tensors: 0, parameters: 0 });
      d.tensors++;
      d.parameters += n;
      const layer = layerIndexOf(t.name);
      if (layer === undefined) {
        other.push({ name: t.name, shape: t.shape, dtype: t.dtype });
        continue;
      }
      const row = layers.get(layer) ?? { tensors: 0, parameters: 0, dtypes: new Set<DType>() };
      row.tensors++;
      row.parameters += n;
      row.dtypes.add(t.dtype);
      layers.set(layer, row);
    }
    const { architecture, settings } = model.format === "gguf" ? ggufSettings(model.source) : await hfSettings(model.folder);
    return {
      path,
      ...(model.folder !== undefined && model.folder !== resolve(path) && { folder: model.folder }),
      format: model.format,
      architecture,
      parameters,
      tensorCount: list.length,
      bytes,
      dtypes,
      settings,
      layers: [...layers].sort((a, b) => a[0] - b[0]).map(([index, r]) => ({ index, tensors: r.tensors, parameters: r.parameters, dtypes: [...r.dtypes] })),
      other,
    };
  } finally {
    await model.source.close();
  }
}

function ggufSettings(source: unknown): { architecture: string | undefined; settings: Record<string, string | number | boolean> } {
  const s = source as { architecture?: string; metadataValue?: (key: string) => unknown };
  const architecture = s.architecture;
  const settings: Record<string, string | number | boolean> = {};
  for (const pattern of GGUF_SETTINGS) {
    const key = pattern.replace("{arch}", architecture ?? "llama");
    const value = s.metadataValue?.(key);
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") settings[key] = value;
    else if (typeof value === "bigint") settings[key] = Number(value);
  }
  return { architecture, settings };
}

async function hfSettings(folder: string | undefined): Promise<{ architecture: string | undefined; settings: Record<string, string | number | boolean> }> {
  if (!folder) return { architecture: undefined, settings: {} };
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(await readFile(join(folder, "config.json"), "utf8")) as Record<string, unknown>;
  } catch {
    return { architecture: undefined, settings: {} };
  }
  const settings: Record<string, string | number | boolean> = {};
  for (const key of HF_SETTINGS) {
    const v = config[key];
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") settings[key] = v;
  }
  const archs = config.architectures;
  return { architecture: Array.isArray(archs) && typeof archs[0] === "string" ? archs[0] : (config.model_type as string | undefined), settings };
}
