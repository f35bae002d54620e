/**
 * Validates an HF sharded-checkpoint index (`model.safetensors.index.json`):
 * `{"metadata": {"total_size": N, ...}, "weight_map": {"tensor.name": "model-00001-of-00002.safetensors"}}`.
 * Shard names are untrusted paths: each must resolve to a file inside the checkpoint folder, so an
 * index cannot make us read `../../etc/passwd` or an absolute path.
 */
import { isAbsolute, relative, resolve, sep } from "node:path";
import { TensorFormatError } from "../../errors.js";
import { SAFETENSORS_MAX_HEADER_BYTES } from "./limits.js";

export interface SafetensorsIndex {
  /** Tensor name -> absolute shard path, in the index's key order. */
  readonly weightMap: ReadonlyMap<string, string>;
  /** Distinct absolute shard paths, sorted by file name. */
  readonly shards: readonly string[];
  /** The index's `metadata` object (e.g. `total_size`), passed through as parsed JSON. */
  readonly metadata: Readonly<Record<string, unknown>>;
}

/**
 * Largest index file we parse. An index holds one short line per tensor; even a 400B model's index is
 * a few hundred KB, so the header limit is a generous bound that still stops a runaway read.
 */
export const SAFETENSORS_MAX_INDEX_BYTES = SAFETENSORS_MAX_HEADER_BYTES;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Resolves a shard name against `dir`, refusing anything that would land outside it. */
function resolveShard(dir: string, shard: string, indexFile: string, tensor: string): string {
  const bad = shard.length === 0 || shard.includes("\0") || isAbsolute(shard) || shard.includes("\\");
  const full = resolve(dir, shard);
  const rel = relative(dir, full);
  if (bad || rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new TensorFormatError(indexFile, `weight_map entry for "${tensor}" names shard ${JSON.stringify(shard)}, which is not a file inside ${dir}; shard names must be plain relative paths`);
  }
  return full;
}

/**
 * Parses index JSON text.
 * @param dir - The checkpoint folder; shard paths are resolved against it.
 * @param indexFile - Named in every error.
 */
export function parseSafetensorsIndex(text: string, dir: string, indexFile: string): SafetensorsIndex {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new TensorFormatError(indexFile, `index is not valid JSON (${(cause as Error).message})`, { cause });
  }
  if (!isPlainObject(json)) throw new TensorFormatError(indexFile, "index must be a JSON object with a \"weight_map\"");
  const { weight_map: weightMap, metadata = {} } = json;
  if (!isPlainObject(weightMap)) {
    throw new TensorFormatError(indexFile, "\"weight_map\" is missing or not an object mapping tensor names to shard files");
  }
  if (!isPlainObject(metadata)) throw new TensorFormatError(indexFile, "\"metadata\" must be an object when present");
  const root = resolve(dir);
  const map = new Map<string, string>();
  for (const [tensor, shard] of Object.entries(weightMap)) {
    if (typeof shard !== "string") {
      throw new TensorFormatError(indexFile, `weight_map entry for "${tensor}" must be a shard file name, got ${typeof shard}`);
    }
    map.set(tensor, resolveShard(root, shard, indexFile, tensor));
  }
  if (map.size === 0) throw new TensorFormatError(indexFile, "\"weight_map\" is empty: the index lists no tensors");
  const shards = [...new Set(map.values())].sort();
  return { weightMap: map, shards, metadata: { ...metadata } };
}
