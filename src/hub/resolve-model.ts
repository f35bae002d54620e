import { stat } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { SmeltError } from "../errors.js";
import { parseModelRef } from "../recipe/model-ref.js";
import { HubError } from "./hub-error.js";
import type { HubOptions } from "./hub-options.js";
import type { PullResult } from "./pull-events.js";
import { pull } from "./pull.js";

export interface ResolveModelOptions extends HubOptions {
  /** Folder relative paths are resolved from (a recipe's or search space's folder). Defaults to the cwd. */
  readonly baseDir?: string;
}

/** A model reference turned into local paths. */
export interface ResolvedModel {
  /** The reference as written. */
  readonly ref: string;
  /** The model's local path: an HF folder (for Hub references, the cache snapshot), a .safetensors or a .gguf file. */
  readonly path: string;
  /** For `base+adapter`: the adapter's local folder. */
  readonly adapter: string | undefined;
  /** The pulls that produced `path` and `adapter`, for the sides that are Hub references. */
  readonly pulled: { readonly base?: PullResult; readonly adapter?: PullResult };
}

/**
 * Resolves a model reference the way recipes and search spaces write them (mergekit's rules): a
 * local path when it exists (relative to `baseDir`), else a Hugging Face reference (`org/name`,
 * `org/name@revision`) pulled into the shared cache, whose snapshot folder is returned;
 * `base+adapter` resolves each side. Already-cached files are checked by size (pass
 * `verify: "hash"` to re-hash them); HF_HUB_OFFLINE=1 resolves from the cache only.
 *
 * @example
 * const { path } = await resolveModel("Qwen/Qwen2.5-0.5B@main"); // ~/.cache/huggingface/hub/models--Qwen--Qwen2.5-0.5B/snapshots/<commit>
 */
export async function resolveModel(ref: string, options: ResolveModelOptions = {}): Promise<ResolvedModel> {
  const baseDir = options.baseDir ?? process.cwd();
  const hub: HubOptions = { ...options, verify: options.verify ?? "size" };
  const whole = localPath(ref, baseDir);
  if (await exists(whole)) return { ref, path: whole, adapter: undefined, pulled: {} };
  const plus = ref.lastIndexOf("+");
  if (plus < 0) {
    const side = await resolveSide(ref, ref, baseDir, hub, "model");
    return { ref, path: side.path, adapter: undefined, pulled: side.pulled ? { base: side.pulled } : {} };
  }
  const base = await resolveSide(ref.slice(0, plus), ref, baseDir, hub, "model");
  const adapter = await resolveSide(ref.slice(plus + 1), ref, baseDir, hub, "LoRA adapter folder");
  if (adapter.pulled && adapter.pulled.kind !== "adapter") {
    throw new SmeltError("lora-target", `"${ref}": ${adapter.pulled.repo} is not a PEFT adapter repository (no adapter_config.json + adapter_model.safetensors); write base+adapter with an adapter on the right`);
  }
  return { ref, path: base.path, adapter: adapter.path, pulled: { ...(base.pulled && { base: base.pulled }), ...(adapter.pulled && { adapter: adapter.pulled }) } };
}

async function resolveSide(side: string, whole: string, baseDir: string, hub: HubOptions, what: string): Promise<{ path: string; pulled?: PullResult }> {
  const local = localPath(side, baseDir);
  if (await exists(local)) return { path: local };
  let parsed;
  try {
    parsed = parseModelRef(side);
  } catch {
    parsed = undefined;
  }
  if (parsed?.kind !== "hub") {
    throw new SmeltError("model-not-found", `${what} "${side}"${side === whole ? "" : ` (in "${whole}")`} not found at ${local}. Check the path (relative paths are resolved from ${baseDir}).`);
  }
  try {
    const pulled = await pull({ repo: parsed.repo, revision: parsed.revision }, hub);
    return { path: pulled.folder, pulled };
  } catch (error) {
    // The reference may be a mistyped local path: say that it is not one before the Hub's answer.
    if (error instanceof HubError && error.reason === "repo-not-found") {
      throw new HubError(error.reason, error, `${what} "${side}" is neither a local path (${local} does not exist) nor a repository the Hub knows: ${error.message}`, { cause: error });
    }
    if (error instanceof HubError && (error.reason === "network" || error.reason === "offline-missing")) {
      throw new HubError(error.reason, error, `${what} "${side}" is not a local path (${local} does not exist), and as a Hugging Face reference: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

function localPath(ref: string, baseDir: string): string {
  return isAbsolute(ref) ? ref : resolve(baseDir, ref);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}
