/**
 * Opens the weights of a Hugging Face checkpoint: a folder with `model.safetensors.index.json` and
 * its shards, a folder with a single `model.safetensors`, or a path straight to a .safetensors file
 * or an index. Pickle weights (.bin/.pt) are refused: unpickling can run arbitrary code, and smelt
 * never does it.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { TensorFormatError } from "../../errors.js";
import type { TensorSource } from "../tensor-source.js";
import { openSafetensors, type SafetensorsSource } from "./open-safetensors.js";
import { SAFETENSORS_MAX_INDEX_BYTES, parseSafetensorsIndex } from "./parse-safetensors-index.js";
import { ShardedSafetensorsSource } from "./sharded-safetensors-source.js";

const SINGLE_FILE = "model.safetensors";
const INDEX_FILE = "model.safetensors.index.json";
const PICKLE_EXTENSIONS = [".bin", ".pt", ".pth", ".ckpt", ".pkl"];
const PICKLE_ADVICE =
  "smelt never loads pickle weights (unpickling can run arbitrary code). Convert the checkpoint to safetensors first, " +
  "e.g. `AutoModel.from_pretrained(dir).save_pretrained(out, safe_serialization=True)` in transformers";

async function readIndexText(indexFile: string): Promise<string> {
  let size: number;
  try {
    size = (await stat(indexFile)).size;
  } catch (cause) {
    throw new TensorFormatError(indexFile, `cannot read index: ${(cause as Error).message}`, { cause });
  }
  if (size > SAFETENSORS_MAX_INDEX_BYTES) {
    throw new TensorFormatError(indexFile, `index is ${size} bytes, more than the maximum allowed (${SAFETENSORS_MAX_INDEX_BYTES}); this is not an HF index`);
  }
  try {
    return await readFile(indexFile, "utf8");
  } catch (cause) {
    throw new TensorFormatError(indexFile, `cannot read index: ${(cause as Error).message}`, { cause });
  }
}

async function openIndexed(indexFile: string): Promise<ShardedSafetensorsSource> {
  const dir = dirname(indexFile);
  const index = parseSafetensorsIndex(await readIndexText(indexFile), dir, indexFile);
  const opened: SafetensorsSource[] = [];
  try {
    for (const shard of index.shards) {
      const isFile = await stat(shard).then((s) => s.isFile(), () => false);
      if (!isFile) {
        throw new TensorFormatError(indexFile, `weight_map names shard "${basename(shard)}", which does not exist in ${dir}; the download is incomplete`);
      }
      opened.push(await openSafetensors(shard));
    }
    const byPath = new Map(opened.map((s) => [s.location, s]));
    const assignment = new Map<string, SafetensorsSource>();
    for (const [tensor, shardPath] of index.weightMap) {
      const shard = byPath.get(shardPath)!;
      if (shard.info(tensor) === undefined) {
        throw new TensorFormatError(indexFile, `weight_map says tensor "${tensor}" is in "${basename(shardPath)}", but that shard has no such tensor`);
      }
      assignment.set(tensor, shard);
    }
    return new ShardedSafetensorsSource(dir, opened, assignment, index.metadata);
  } catch (err) {
    await Promise.all(opened.map((s) => s.close()));
    throw err;
  }
}

function isPickle(name: string): boolean {
  return PICKLE_EXTENSIONS.some((ext) => name.endsWith(ext));
}

async function openFolder(dir: string): Promise<TensorSource> {
  const names = (await readdir(dir, { withFileTypes: true })).filter((d) => !d.isDirectory()).map((d) => d.name);
  if (names.includes(INDEX_FILE)) return openIndexed(join(dir, INDEX_FILE));
  if (names.includes(SINGLE_FILE)) return openSafetensors(join(dir, SINGLE_FILE));
  const indexes = names.filter((n) => n.endsWith(".safetensors.index.json"));
  if (indexes.length === 1) return openIndexed(join(dir, indexes[0]));
  const files = names.filter((n) => n.endsWith(".safetensors"));
  if (indexes.length === 0 && files.length === 1) return openSafetensors(join(dir, files[0]));
  if (indexes.length > 1 || files.length > 1) {
    const listed = [...indexes, ...files].slice(0, 8).join(", ");
    throw new TensorFormatError(dir, `several weight files and no ${INDEX_FILE} (${listed}); pass the path of one .safetensors file or index instead of the folder`);
  }
  const pickles = names.filter(isPickle);
  if (pickles.length > 0) {
    throw new TensorFormatError(dir, `only pickle weights found (${pickles.slice(0, 4).join(", ")}). ${PICKLE_ADVICE}`);
  }
  throw new TensorFormatError(dir, `no ${SINGLE_FILE}, ${INDEX_FILE} or other .safetensors file found; is this a model folder?`);
}

/**
 * Opens an HF checkpoint folder, a .safetensors file, or a `*.safetensors.index.json` file.
 * Every shard header is validated before this resolves; tensors are read on demand.
 */
export async function openHfCheckpoint(path: string): Promise<TensorSource> {
  const info = await stat(path).catch((cause: unknown) => {
    throw new TensorFormatError(path, `cannot open checkpoint: ${(cause as Error).message}`, { cause });
  });
  if (info.isDirectory()) return openFolder(path);
  if (path.endsWith(".safetensors")) return openSafetensors(path);
  if (path.endsWith(".index.json")) return openIndexed(path);
  if (isPickle(path)) throw new TensorFormatError(path, `this is a pickle weights file. ${PICKLE_ADVICE}`);
  throw new TensorFormatError(path, "not a checkpoint folder, .safetensors file or .safetensors.index.json");
}
