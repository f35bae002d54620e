import { stat } from "node:fs/promises";
import { join } from "node:path";
import { resolveModel, type HubOptions } from "../hub/index.js";
import { isGgufFile, openGguf } from "../tensor/gguf/index.js";
import { openHfCheckpoint } from "../tensor/safetensors/index.js";
import type { TensorSource } from "../tensor/tensor-source.js";
import { openLoraOverlay } from "./lora-source.js";

/** Where a model reference points once resolved: its tensors and, for HF folders, its folder. */
export interface OpenedModel {
  readonly ref: string;
  readonly source: TensorSource;
  readonly format: "safetensors" | "gguf";
  /** The HF folder holding config.json and tokenizer files, when the model is one. */
  readonly folder: string | undefined;
}

/**
 * Opens a model reference from a recipe: a local HF folder, a .safetensors or .gguf file, a
 * Hugging Face Hub reference (`org/name[@revision]`, pulled into the shared HF cache; the file
 * system is checked first, as mergekit does), or `base+adapter` (a PEFT LoRA adapter folder or
 * Hub repository applied to its base on the fly). Relative paths are resolved against `baseDir`
 * (the recipe's folder).
 */
export async function openModel(ref: string, baseDir: string, hub: HubOptions = {}): Promise<OpenedModel> {
  const resolved = await resolveModel(ref, { ...hub, baseDir });
  const base = await openLocal(ref, resolved.path);
  if (resolved.adapter === undefined) return base;
  try {
    const adapter = await openHfCheckpoint(join(resolved.adapter, "adapter_model.safetensors"));
    const source = await openLoraOverlay(base.source, resolved.adapter, adapter);
    return { ref, source, format: base.format, folder: base.folder };
  } catch (error) {
    await base.source.close().catch(() => {});
    throw error;
  }
}

async function openLocal(ref: string, path: string): Promise<OpenedModel> {
  const info = await stat(path);
  if (info.isDirectory()) return { ref, source: await openHfCheckpoint(path), format: "safetensors", folder: path };
  if (await isGgufFile(path)) return { ref, source: await openGguf(path), format: "gguf", folder: undefined };
  return { ref, source: await openHfCheckpoint(path), format: "safetensors", folder: undefined };
}
