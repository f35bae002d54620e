/**
 * Encodes a GGUF v3 header: magic, version, counts, metadata, tensor infos, then zero padding to the
 * alignment so the data section can follow directly.
 */
import { OutputError } from "../../errors.js";
import { ByteWriter } from "./byte-writer.js";
import { encodeGgufString, encodeGgufValue, GgufValueError } from "./encode-gguf-value.js";
import { GGUF_MAGIC, GGUF_WRITE_VERSION, MAX_KEY_LENGTH } from "./gguf-limits.js";
import type { GgufMetadataEntry } from "./gguf-value.js";
import type { PlannedTensor } from "./plan-gguf-layout.js";

export function encodeGgufHeader(
  path: string,
  metadata: readonly GgufMetadataEntry[],
  tensors: readonly PlannedTensor[],
  alignment: number,
): Uint8Array {
  const w = new ByteWriter();
  w.u32(GGUF_MAGIC);
  w.u32(GGUF_WRITE_VERSION);
  w.u64(BigInt(tensors.length));
  w.u64(BigInt(metadata.length));
  const keys = new Set<string>();
  for (const entry of metadata) {
    if (keys.has(entry.key)) throw new OutputError(path, `metadata key "${entry.key}" is given twice`);
    keys.add(entry.key);
    try {
      encodeGgufString(w, entry.key, MAX_KEY_LENGTH);
      encodeGgufValue(w, entry);
    } catch (error) {
      if (error instanceof GgufValueError) {
        throw new OutputError(path, `metadata "${entry.key}": ${error.message}`, { cause: error });
      }
      throw error;
    }
  }
  for (const t of tensors) {
    try {
      encodeGgufString(w, t.name);
    } catch (error) {
      throw new OutputError(path, `tensor name ${JSON.stringify(t.name)}: ${(error as Error).message}`, { cause: error });
    }
    w.u32(t.ggmlDims.length);
    for (const dim of t.ggmlDims) w.u64(BigInt(dim));
    w.u32(t.ggmlType);
    w.u64(BigInt(t.offset));
  }
  w.pad(alignment);
  return w.result();
}
