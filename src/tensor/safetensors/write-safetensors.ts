/**
 * Writes a small safetensors file in one go (tests, fixtures, tiny models): every tensor is in
 * memory already. The file appears atomically: it is written under a temporary name and renamed.
 * Large outputs should stream through `createSafetensorsSink` instead.
 */
import { randomBytes } from "node:crypto";
import { rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { OutputError, ShapeMismatchError } from "../../errors.js";
import { encodeFloat, isFloatDType } from "../codecs/codec.js";
import { encodeSafetensorsHeader } from "./encode-safetensors-header.js";
import { planShards } from "./plan-shards.js";
import type { SafetensorsDType } from "./safetensors-dtype.js";

/** One tensor to write: float32 values (encoded to `dtype`) or bytes already in `dtype`. */
export interface SafetensorsWriteEntry {
  readonly name: string;
  readonly dtype: SafetensorsDType;
  readonly shape: readonly number[];
  readonly data: Float32Array | Uint8Array;
}

function toBytes(t: SafetensorsWriteEntry, byteLength: number, path: string): Uint8Array {
  if (t.data instanceof Float32Array) {
    if (!isFloatDType(t.dtype)) throw new OutputError(path, `tensor "${t.name}" is ${t.dtype}; pass its bytes as a Uint8Array, not float32 values`);
    const numel = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== numel) throw new ShapeMismatchError(t.name, `${t.data.length} values for shape [${t.shape.join(", ")}] (${numel} elements)`);
    return encodeFloat(t.dtype, t.data);
  }
  if (t.data.byteLength !== byteLength) throw new ShapeMismatchError(t.name, `${t.data.byteLength} bytes for ${t.dtype} shape [${t.shape.join(", ")}] (${byteLength} bytes)`);
  return t.data;
}

/**
 * Writes `tensors` (in the given order) to one safetensors file at `path`, replacing it if present.
 * @param metadata - Written as `__metadata__` when given and non-empty.
 */
export async function writeSafetensors(path: string, tensors: readonly SafetensorsWriteEntry[], metadata?: Readonly<Record<string, string>>): Promise<void> {
  const [shard] = planShards(tensors, Number.MAX_SAFE_INTEGER, "model", path);
  const header = encodeSafetensorsHeader(shard.tensors, metadata);
  const out = new Uint8Array(header.byteLength + shard.dataBytes);
  out.set(header, 0);
  shard.tensors.forEach((planned, i) => out.set(toBytes(tensors[i], planned.byteLength, path), header.byteLength + planned.begin));
  const temp = join(dirname(path), `.smelt-tmp-${randomBytes(4).toString("hex")}-${basename(path)}`);
  try {
    await writeFile(temp, out, { flag: "wx" });
    await rename(temp, path);
  } catch (cause) {
    await rm(temp, { force: true });
    throw new OutputError(path, `cannot write: ${(cause as Error).message}`, { cause });
  }
}
