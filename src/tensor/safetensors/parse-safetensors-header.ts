/**
 * Validates a safetensors JSON header (the bytes between the 8-byte length and the data block).
 * Format: https://github.com/huggingface/safetensors#format — an object mapping tensor names to
 * `{dtype, shape, data_offsets: [begin, end]}` (offsets relative to the data block) plus an optional
 * `__metadata__` string->string map. Everything is checked before any tensor is read, so a bad file
 * fails at open with a message naming the tensor, never later with a short read or a huge allocation.
 */
import { TensorFormatError } from "../../errors.js";
import { dtypeByteSize } from "../codecs/codec.js";
import { SAFETENSORS_MAX_DIM, SAFETENSORS_MAX_RANK } from "./limits.js";
import { describeUnsupportedDType, isSafetensorsDType, type SafetensorsDType } from "./safetensors-dtype.js";

/** One tensor entry of a validated header. Offsets are relative to the data block. */
export interface SafetensorsEntry {
  readonly name: string;
  readonly dtype: SafetensorsDType;
  readonly shape: readonly number[];
  readonly byteLength: number;
  readonly begin: number;
  readonly end: number;
}

export interface SafetensorsHeader {
  /** Entries sorted by data offset (file order). */
  readonly tensors: readonly SafetensorsEntry[];
  /** The `__metadata__` map, empty when absent. */
  readonly metadata: Readonly<Record<string, string>>;
}

const METADATA_KEY = "__metadata__";
const utf8 = new TextDecoder("utf-8", { fatal: true });

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parseMetadata(value: unknown, file: string): Record<string, string> {
  if (value === null || value === undefined) return {};
  if (!isPlainObject(value)) {
    throw new TensorFormatError(file, `"${METADATA_KEY}" must be an object of string values, got ${typeof value}`);
  }
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "string") {
      throw new TensorFormatError(file, `"${METADATA_KEY}" value for key "${k}" must be a string, got ${typeof v}`);
    }
  }
  // fromEntries defines own properties, so a "__proto__" key stays data instead of a prototype.
  return Object.fromEntries(Object.entries(value)) as Record<string, string>;
}

function parseShape(value: unknown, where: string, file: string): number[] {
  if (!Array.isArray(value)) throw new TensorFormatError(file, `${where}: "shape" must be an array of integers`);
  if (value.length > SAFETENSORS_MAX_RANK) {
    throw new TensorFormatError(file, `${where}: shape has ${value.length} dimensions, more than the maximum ${SAFETENSORS_MAX_RANK}`);
  }
  for (const d of value) {
    if (typeof d !== "number" || !Number.isSafeInteger(d) || d < 0) {
      throw new TensorFormatError(file, `${where}: dimension ${JSON.stringify(d)} is not a non-negative integer`);
    }
    if (d > SAFETENSORS_MAX_DIM) {
      throw new TensorFormatError(file, `${where}: dimension ${d} exceeds the maximum allowed (${SAFETENSORS_MAX_DIM})`);
    }
  }
  return value as number[];
}

function parseOffsets(value: unknown, where: string, dataLength: number, file: string): [number, number] {
  if (!Array.isArray(value) || value.length !== 2) {
    throw new TensorFormatError(file, `${where}: "data_offsets" must be [begin, end]`);
  }
  const [begin, end] = value as unknown[];
  if (typeof begin !== "number" || typeof end !== "number" || !Number.isSafeInteger(begin) || !Number.isSafeInteger(end) || begin < 0 || end < begin) {
    throw new TensorFormatError(file, `${where}: data_offsets ${JSON.stringify(value)} must be integers with 0 <= begin <= end`);
  }
  if (end > dataLength) {
    throw new TensorFormatError(file, `${where}: data_offsets [${begin}, ${end}] run past the end of the data block (${dataLength} bytes); the file is truncated or corrupt`);
  }
  return [begin, end];
}

function parseEntry(name: string, value: unknown, dataLength: number, file: string): SafetensorsEntry {
  const where = `tensor "${name}"`;
  if (!isPlainObject(value)) throw new TensorFormatError(file, `${where}: entry must be an object with dtype, shape and data_offsets`);
  if (!isSafetensorsDType(value.dtype)) throw new TensorFormatError(file, `${where}: ${describeUnsupportedDType(value.dtype)}`);
  const dtype = value.dtype;
  const shape = parseShape(value.shape, where, file);
  const [begin, end] = parseOffsets(value.data_offsets, where, dataLength, file);
  // Each dim is at most 2^40 and we stop multiplying once past 2^53, so the product stays finite.
  let bytes = dtypeByteSize(dtype);
  for (const d of shape) if (bytes <= Number.MAX_SAFE_INTEGER) bytes *= d;
  if (shape.includes(0)) bytes = 0;
  if (bytes !== end - begin) {
    const need = bytes > Number.MAX_SAFE_INTEGER ? "more than 2^53" : String(bytes);
    throw new TensorFormatError(file, `${where}: shape [${shape.join(", ")}] of ${dtype} needs ${need} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`);
  }
  return { name, dtype, shape: [...shape], byteLength: end - begin, begin, end };
}

/**
 * Parses and validates header bytes.
 * @param headerBytes - The JSON header as stored (UTF-8, possibly padded with trailing spaces).
 * @param dataLength - Bytes available in the data block after the header; offsets must fit in it.
 * @param file - Named in every error.
 */
export function parseSafetensorsHeader(headerBytes: Uint8Array, dataLength: number, file: string): SafetensorsHeader {
  let text: string;
  try {
    text = utf8.decode(headerBytes);
  } catch (cause) {
    throw new TensorFormatError(file, "header is not valid UTF-8; this is not a safetensors file or it is corrupt", { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new TensorFormatError(file, `header is not valid JSON (${(cause as Error).message}); this is not a safetensors file or it is corrupt`, { cause });
  }
  if (!isPlainObject(json)) throw new TensorFormatError(file, "header must be a JSON object mapping tensor names to entries");

  let metadata: Record<string, string> = {};
  const tensors: SafetensorsEntry[] = [];
  for (const [name, value] of Object.entries(json)) {
    if (name === METADATA_KEY) metadata = parseMetadata(value, file);
    else tensors.push(parseEntry(name, value, dataLength, file));
  }
  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end);
  // Empty tensors occupy no bytes, so they cannot overlap anything wherever they point.
  let last: SafetensorsEntry | undefined;
  for (const cur of tensors) {
    if (cur.byteLength === 0) continue;
    if (last !== undefined && cur.begin < last.end) {
      throw new TensorFormatError(file, `tensors "${last.name}" [${last.begin}, ${last.end}] and "${cur.name}" [${cur.begin}, ${cur.end}] overlap in the data block`);
    }
    if (last === undefined || cur.end > last.end) last = cur;
  }
  return { tensors, metadata };
}
