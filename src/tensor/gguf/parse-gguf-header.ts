/**
 * Parses a GGUF header (magic, version, metadata, tensor infos) from an open file with bounded
 * chunked reads, and validates the tensor layout against the file size. Format: the GGUF spec in
 * ggml-org/ggml docs/gguf.md.
 */
import type { FileHandle } from "node:fs/promises";
import { TensorFormatError } from "../../errors.js";
import { FileCursor } from "./file-cursor.js";
import type { GgufTensorInfo } from "./gguf-tensor-info.js";
import {
  GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, GGUF_SUPPORTED_VERSIONS, MAX_ALIGNMENT, MAX_KEY_LENGTH,
  MAX_METADATA_COUNT, MAX_TENSOR_COUNT, MIN_METADATA_ENTRY_BYTES, MIN_TENSOR_INFO_BYTES,
} from "./gguf-limits.js";
import type { GgufMetadataEntry } from "./gguf-value.js";
import { readGgufString, readGgufValue } from "./read-gguf-value.js";
import { readTensorInfo, type RawTensorInfo } from "./read-tensor-info.js";

export interface GgufHeader {
  readonly version: number;
  readonly metadata: readonly GgufMetadataEntry[];
  readonly alignment: number;
  readonly tensors: readonly GgufTensorInfo[];
  /** Absolute offset of the data section (end of the tensor infos, padded to the alignment). */
  readonly dataOffset: number;
  readonly fileSize: number;
}

async function readVersion(c: FileCursor): Promise<number> {
  await c.fill(8, "magic and version");
  const magic = c.u32();
  if (magic !== GGUF_MAGIC) {
    const hex = magic.toString(16).padStart(8, "0");
    throw new TensorFormatError(c.path, `not a GGUF file: magic is 0x${hex}, expected 0x${GGUF_MAGIC.toString(16)} ("GGUF")`);
  }
  const version = c.u32();
  if (version === 1) {
    throw new TensorFormatError(c.path, "GGUF version 1 is not supported (it used 32-bit lengths); convert the model again with a current llama.cpp");
  }
  if ((version & 0xffff) === 0 && version !== 0) {
    throw new TensorFormatError(c.path, `GGUF version field reads ${version}: this looks like a big-endian GGUF file, which smelt does not read`);
  }
  if (!GGUF_SUPPORTED_VERSIONS.includes(version)) {
    throw new TensorFormatError(c.path, `unsupported GGUF version ${version}; smelt reads versions ${GGUF_SUPPORTED_VERSIONS.join(" and ")}`);
  }
  return version;
}

async function readCount(c: FileCursor, what: string, max: number, minBytesEach: number): Promise<number> {
  if (!c.has(8)) await c.fill(8, what);
  const raw = c.u64();
  if (raw > BigInt(max) || Number(raw) * minBytesEach > c.remaining) {
    throw new TensorFormatError(c.path, `${what} is ${raw}, impossible for a file of ${c.fileSize} bytes (limit ${max})`);
  }
  return Number(raw);
}

function alignmentOf(path: string, metadata: readonly GgufMetadataEntry[]): number {
  const entry = metadata.find((e) => e.key === "general.alignment");
  if (entry === undefined) return GGUF_DEFAULT_ALIGNMENT;
  if (entry.type !== "uint32") {
    throw new TensorFormatError(path, `general.alignment must be a uint32 but is stored as ${entry.type}`);
  }
  const a = entry.value;
  if (a === 0 || (a & (a - 1)) !== 0 || a > MAX_ALIGNMENT) {
    throw new TensorFormatError(path, `general.alignment is ${a}; it must be a power of two between 1 and ${MAX_ALIGNMENT}`);
  }
  return a;
}

/** Checks offsets: aligned, inside the file, no two tensors sharing bytes, no duplicate names. */
function placeTensors(path: string, raw: readonly RawTensorInfo[], alignment: number, dataOffset: number, fileSize: number): GgufTensorInfo[] {
  const dataBytes = Math.max(0, fileSize - dataOffset);
  const seen = new Set<string>();
  for (const t of raw) {
    if (seen.has(t.name)) throw new TensorFormatError(path, `tensor name "${t.name}" appears more than once`);
    seen.add(t.name);
    if (t.offset % alignment !== 0) {
      throw new TensorFormatError(path, `tensor "${t.name}" data offset ${t.offset} is not a multiple of the alignment ${alignment}`);
    }
    if (t.offset + t.byteLength > dataBytes) {
      throw new TensorFormatError(
        path,
        `tensor "${t.name}" data (${t.byteLength} bytes at data offset ${t.offset}) runs past the end of the file; the data section holds ${dataBytes} bytes`,
      );
    }
  }
  const byOffset = [...raw].filter((t) => t.byteLength > 0).sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < byOffset.length; i++) {
    const prev = byOffset[i - 1];
    if (prev.offset + prev.byteLength > byOffset[i].offset) {
      throw new TensorFormatError(path, `tensors "${prev.name}" and "${byOffset[i].name}" overlap in the data section`);
    }
  }
  return raw.map((t) => ({
    name: t.name,
    dtype: t.dtype,
    shape: [...t.ggmlDims].reverse(),
    byteLength: t.byteLength,
    ggmlType: t.ggmlType,
    ggmlDims: t.ggmlDims,
    offset: t.offset,
    fileOffset: dataOffset + t.offset,
  }));
}

/** Parses the header of the open GGUF file `handle` (`path` is used in errors). */
export async function parseGgufHeader(handle: FileHandle, path: string): Promise<GgufHeader> {
  const { size } = await handle.stat();
  const c = new FileCursor(handle, size, path);
  const version = await readVersion(c);
  const tensorCount = await readCount(c, "tensor count", MAX_TENSOR_COUNT, MIN_TENSOR_INFO_BYTES);
  const kvCount = await readCount(c, "metadata entry count", MAX_METADATA_COUNT, MIN_METADATA_ENTRY_BYTES);

  const metadata: GgufMetadataEntry[] = [];
  const keys = new Set<string>();
  for (let i = 0; i < kvCount; i++) {
    const key = await readGgufString(c, MAX_KEY_LENGTH, `metadata key #${i}`);
    if (keys.has(key)) throw new TensorFormatError(path, `metadata key "${key}" appears more than once`);
    keys.add(key);
    metadata.push({ key, ...(await readGgufValue(c, `metadata "${key}"`)) });
  }
  const alignment = alignmentOf(path, metadata);

  const raw: RawTensorInfo[] = [];
  for (let i = 0; i < tensorCount; i++) raw.push(await readTensorInfo(c, i));
  const dataOffset = Math.ceil(c.offset / alignment) * alignment;
  const tensors = placeTensors(path, raw, alignment, dataOffset, size);
  return { version, metadata, alignment, tensors, dataOffset, fileSize: size };
}
