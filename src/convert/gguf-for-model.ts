import { existsSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { basename, isAbsolute, join, resolve as resolvePath } from "node:path";
import { SmeltError } from "../errors.js";
import { scratchRoot } from "../scratch-root.js";
import { isGgufFile } from "../tensor/gguf/index.js";
import { resolveModel, type HubOptions } from "../hub/index.js";
import type { OutType } from "../merge/output-dtype.js";
import { convertHfToGguf, type ConvertResult } from "./convert-hf-to-gguf.js";

export interface GgufForModelOptions {
  /** Storage type of the matrices when a conversion is needed. Defaults to "f16". */
  readonly outType?: OutType;
  /** Folder the temporary GGUF is written in. Defaults to /dev/shm (tmpfs) when it exists, else the OS temp folder. */
  readonly tmpDir?: string;
  /** Folder relative paths are resolved from. Defaults to the cwd. */
  readonly baseDir?: string;
  /** How Hub references are resolved and downloaded. Defaults follow huggingface_hub's environment variables. */
  readonly hub?: HubOptions;
}

/** What was converted to give a temporary GGUF. */
export interface GgufConversion {
  /** The HF folder converted (for a Hub reference, its cache snapshot). */
  readonly folder: string;
  /** For a Hub reference: the repository and the commit it resolved to. */
  readonly hub: { readonly repo: string; readonly commit: string } | undefined;
  readonly outType: OutType;
  readonly result: ConvertResult;
  readonly seconds: number;
}

/** A GGUF to load: the model's own file, or a temporary conversion that `dispose` deletes. */
export interface GgufForModel extends AsyncDisposable {
  readonly ref: string;
  readonly path: string;
  /** Set when the model was an HF checkpoint converted for this use. */
  readonly converted: GgufConversion | undefined;
  /** Deletes the temporary GGUF, if one was made. Idempotent. */
  dispose(): Promise<void>;
}

/**
 * The GGUF llama.cpp can score for a model reference: a `.gguf` file as it is; an HF checkpoint
 * folder, or a Hugging Face reference (`org/name[@revision]`, pulled into the shared cache),
 * converted to a temporary GGUF (tmpfs when available) that `dispose()` removes. The conversion
 * is `convertHfToGguf`'s (llama, mistral, qwen2, qwen3).
 *
 * @example
 * await using model = await ggufForModel("Qwen/Qwen2.5-0.5B", { outType: "q8_0" });
 * const loaded = await backend.loadModel(model.path);
 */
export async function ggufForModel(ref: string, options: GgufForModelOptions = {}): Promise<GgufForModel> {
  const direct = isAbsolute(ref) ? ref : resolvePath(options.baseDir ?? process.cwd(), ref);
  if (ref.toLowerCase().endsWith(".gguf") && !existsSync(direct)) {
    throw new SmeltError("model-not-found", `${ref}: no such GGUF file (${direct})`);
  }
  const resolved = await resolveModel(ref, { ...options.hub, baseDir: options.baseDir });
  if (resolved.adapter !== undefined) {
    throw new SmeltError("usage", `"${ref}" names a base and an adapter: merge the adapter into its base first (smelt merge ... -o merged.gguf) and score that`);
  }
  const path = resolved.path;
  const info = statSync(path);
  if (info.isFile()) {
    if (!(await isGgufFile(path))) {
      throw new SmeltError("input", `${ref} is neither a GGUF file nor an HF checkpoint folder (config.json + safetensors); llama.cpp scores GGUF files, and smelt converts HF folders to one`);
    }
    const dispose = async () => {};
    return { ref, path, converted: undefined, dispose, [Symbol.asyncDispose]: dispose };
  }
  if (!existsSync(join(path, "config.json"))) {
    throw new SmeltError("input", `${ref} (${path}) is a folder without config.json: not an HF checkpoint smelt can convert`);
  }
  const outType = options.outType ?? "f16";
  const dir = await mkdtemp(join(options.tmpDir ?? scratchRoot(), "smelt-gguf-"));
  const pulled = resolved.pulled.base;
  const name = pulled ? basename(pulled.repo) : basename(path);
  const started = performance.now();
  let result: ConvertResult;
  try {
    result = await convertHfToGguf(path, { output: join(dir, `${name}.gguf`), outType, name });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const converted: GgufConversion = { folder: path, hub: pulled ? { repo: pulled.repo, commit: pulled.commit } : undefined, outType, result, seconds: (performance.now() - started) / 1000 };
  let removed: Promise<void> | undefined;
  const dispose = () => (removed ??= rm(dir, { recursive: true, force: true }));
  return { ref, path: result.output, converted, dispose, [Symbol.asyncDispose]: dispose };
}

