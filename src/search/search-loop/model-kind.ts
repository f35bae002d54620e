/**
 * What a search-space model path is, for the search loop: a GGUF file llama.cpp scores directly,
 * or a Hugging Face checkpoint folder (config.json + safetensors) that candidates merge from and
 * reference rows are converted from.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";

export type SearchModelKind = "gguf" | "hf";

export function isHfFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory() && existsSync(join(path, "config.json"));
  } catch {
    return false;
  }
}

/** The kind of model at `path`, or undefined when it is neither. */
export function searchModelKind(path: string): SearchModelKind | undefined {
  if (path.toLowerCase().endsWith(".gguf") && existsSync(path)) return "gguf";
  return isHfFolder(path) ? "hf" : undefined;
}
