import { HubError } from "./hub-error.js";

/** Files beside the weights that a merge or a conversion reads (copied when present). */
export const MODEL_SIDE_FILES = [
  "config.json", "generation_config.json",
  "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "tokenizer.model",
  "vocab.json", "merges.txt", "added_tokens.json", "chat_template.jinja",
] as const;

export const ADAPTER_FILES = ["adapter_config.json", "adapter_model.safetensors"] as const;

const PICKLE_EXTENSIONS = [".bin", ".pt", ".pth", ".ckpt", ".pkl"];
const INDEX = "model.safetensors.index.json";
const SINGLE = "model.safetensors";

/**
 * What to fetch from a repository: its weights, decided from the top-level file names the way
 * smelt opens a folder (an index and its shards, else `model.safetensors`, else one lone
 * `.safetensors` file, else a PEFT adapter), plus config and tokenizer files.
 */
export interface FileSelection {
  readonly kind: "model" | "adapter";
  /** Files to fetch now (side files, the single weights file or the index). */
  readonly files: readonly string[];
  /** The index whose `weight_map` names the shards to fetch next, when the weights are sharded. */
  readonly index: string | undefined;
}

export function isPickleWeights(name: string): boolean {
  return PICKLE_EXTENSIONS.some((ext) => name.endsWith(ext)) && !name.startsWith("training_args");
}

export function selectModelFiles(repo: string, revision: string, names: readonly string[]): FileSelection {
  const has = new Set(names);
  const side = MODEL_SIDE_FILES.filter((f) => has.has(f));
  const indexes = names.filter((n) => n.endsWith(".safetensors.index.json") && !n.startsWith("adapter_"));
  const singles = names.filter((n) => n.endsWith(".safetensors") && !n.startsWith("adapter_"));
  const pick = (weights: string[], index?: string): FileSelection => ({ kind: "model", files: [...side, ...weights], index });
  if (has.has(INDEX)) return pick([INDEX], INDEX);
  if (has.has(SINGLE)) return pick([SINGLE]);
  if (indexes.length === 1) return pick([indexes[0]], indexes[0]);
  if (indexes.length === 0 && singles.length === 1) return pick([singles[0]]);
  const where = { repo, revision };
  if (indexes.length > 1 || singles.length > 1) {
    const listed = [...indexes, ...singles].slice(0, 6).join(", ");
    throw new HubError("no-weights", where, `${repo}@${revision} has several weight files and no ${INDEX} (${listed}); smelt cannot tell which one is the model. Download the one you want and pass its path.`);
  }
  if (ADAPTER_FILES.every((f) => has.has(f))) return { kind: "adapter", files: [...ADAPTER_FILES, ...side.filter((f) => f !== "config.json")], index: undefined };
  const pickles = names.filter(isPickleWeights);
  if (pickles.length > 0) {
    throw new HubError(
      "pickle-only",
      where,
      `${repo}@${revision} has only pickle weights (${pickles.slice(0, 4).join(", ")}). smelt never unpickles (loading pickle can run arbitrary code). ` +
        "Use a revision or a copy of the model in safetensors (many repositories have a `refs/pr/N` conversion), or convert it yourself with transformers: " +
        "`AutoModelForCausalLM.from_pretrained(dir).save_pretrained(out, safe_serialization=True)`.",
    );
  }
  const ggufs = names.filter((n) => n.endsWith(".gguf"));
  const hint = ggufs.length > 0 ? ` It holds GGUF files (${ggufs.slice(0, 3).join(", ")}, ...): download one and pass its path.` : "";
  throw new HubError("no-weights", where, `${repo}@${revision} has no safetensors weights (no ${SINGLE}, no ${INDEX}, no adapter_model.safetensors); is it a model repository?${hint}`);
}
