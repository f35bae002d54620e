import { open, stat } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { SmeltError } from "../errors.js";
import { openGguf } from "../tensor/gguf/index.js";
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
 * Opens a model reference from a recipe: a local HF folder, a .safetensors or .gguf file, or
 * `base+adapter` (a PEFT LoRA adapter folder applied to its base on the fly). Relative paths are
 * resolved against `baseDir` (the recipe's folder).
 */
export async function openModel(ref: string, baseDir: string): Promise<OpenedModel> {
  const whole = resolvePath(ref, baseDir);
  if (!(await exists(whole)) && ref.includes("+")) {
    const plus = ref.lastIndexOf("+");
    const base = await openModel(ref.slice(0, plus), baseDir);
    const adapterDir = resolvePath(ref.slice(plus + 1), baseDir);
    await requireExists(adapterDir, ref.slice(plus + 1), "LoRA adapter folder");
    const adapter = await openHfCheckpoint(adapterFile(adapterDir));
    const source = await openLoraOverlay(base.source, adapterDir, adapter);
    return { ref, source, format: base.format, folder: base.folder };
  }
  await requireExists(whole, ref, "model");
  const info = await stat(whole);
  if (info.isDirectory()) {
    return { ref, source: await openHfCheckpoint(whole), format: "safetensors", folder: whole };
  }
  if (await isGguf(whole)) return { ref, source: await openGguf(whole), format: "gguf", folder: undefined };
  return { ref, source: await openHfCheckpoint(whole), format: "safetensors", folder: undefined };
}

function adapterFile(dir: string): string {
  return join(dir, "adapter_model.safetensors");
}

function resolvePath(ref: string, baseDir: string): string {
  return isAbsolute(ref) ? ref : resolve(baseDir, ref);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function requireExists(path: string, ref: string, what: string): Promise<void> {
  if (await exists(path)) return;
  const hubLike = /^[\w.-]+\/[\w.-]+(@[\w./-]+)?$/.test(ref) && !ref.startsWith(".");
  const hint = hubLike
    ? ` "${ref}" looks like a Hugging Face reference; smelt cannot download models in this version: download it first and pass the local folder.`
    : " Check the path (relative paths are resolved from the recipe's folder).";
  throw new SmeltError("model-not-found", `${what} "${ref}" not found at ${path}.${hint}`);
}

async function isGguf(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const magic = Buffer.alloc(4);
    const { bytesRead } = await handle.read(magic, 0, 4, 0);
    return bytesRead === 4 && magic.toString("latin1") === "GGUF";
  } finally {
    await handle.close();
  }
}
