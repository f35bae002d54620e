/**
 * Random-access reader for one .safetensors file. Opening reads only the 8-byte length and the
 * JSON header; each tensor is then read with one positioned read of exactly its bytes, so memory is
 * proportional to the tensor being read, never to the file.
 */
import { open, type FileHandle } from "node:fs/promises";
import { TensorFormatError } from "../../errors.js";
import { bf16ToF32 } from "../codecs/bfloat16.js";
import { decodeFloat, isFloatDType } from "../codecs/codec.js";
import { f16ToF32 } from "../codecs/float16.js";
import type { ByteSpan, RawTensor, TensorInfo, TensorSource } from "../tensor-source.js";
import { SAFETENSORS_MAX_HEADER_BYTES } from "./limits.js";
import { parseSafetensorsHeader, type SafetensorsEntry } from "./parse-safetensors-header.js";
import { readExactly } from "./read-exactly.js";

/** Bytes of the little-endian u64 that starts every safetensors file. */
const LENGTH_PREFIX_BYTES = 8;

/** A TensorSource over one safetensors file. Dispose with `close()` or `await using`. */
export class SafetensorsSource implements TensorSource {
  readonly location: string;
  /** The header's `__metadata__` map (empty when absent). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Absolute file offset where the data block starts (8 + header length). */
  readonly dataStart: number;
  readonly #handle: FileHandle;
  readonly #entries: ReadonlyMap<string, SafetensorsEntry>;
  readonly #infos: readonly TensorInfo[];
  readonly #infoByName: ReadonlyMap<string, TensorInfo>;
  #closed = false;

  /** Use `openSafetensors`; the constructor trusts an already-validated header. */
  constructor(handle: FileHandle, location: string, dataStart: number, entries: readonly SafetensorsEntry[], metadata: Readonly<Record<string, string>>) {
    this.#handle = handle;
    this.location = location;
    this.dataStart = dataStart;
    this.metadata = Object.freeze({ ...metadata });
    this.#entries = new Map(entries.map((e) => [e.name, e]));
    this.#infos = Object.freeze(
      entries.map((e) => Object.freeze({ name: e.name, dtype: e.dtype, shape: Object.freeze([...e.shape]), byteLength: e.byteLength })),
    );
    this.#infoByName = new Map(this.#infos.map((i) => [i.name, i]));
  }

  list(): readonly TensorInfo[] {
    return this.#infos;
  }

  info(name: string): TensorInfo | undefined {
    return this.#infoByName.get(name);
  }

  async readRaw(name: string): Promise<RawTensor> {
    const entry = this.#entry(name);
    const bytes = new Uint8Array(entry.byteLength);
    await readExactly(this.#handle, bytes, this.dataStart + entry.begin, this.location);
    return { info: this.#infoByName.get(name)!, bytes };
  }

  async readRawInto(name: string, into: Uint8Array): Promise<RawTensor> {
    const entry = this.#entry(name);
    if (into.byteLength < entry.byteLength) throw new RangeError(`${this.location}: tensor "${name}" needs ${entry.byteLength} bytes, the buffer holds ${into.byteLength}`);
    const bytes = into.subarray(0, entry.byteLength);
    await readExactly(this.#handle, bytes, this.dataStart + entry.begin, this.location);
    return { info: this.#infoByName.get(name)!, bytes };
  }

  byteSpan(name: string): ByteSpan {
    const entry = this.#entry(name);
    return { path: this.location, offset: this.dataStart + entry.begin, length: entry.byteLength };
  }

  async readF32(name: string): Promise<Float32Array> {
    const entry = this.#entry(name);
    const dtype = entry.dtype;
    if (!isFloatDType(dtype)) {
      throw new TensorFormatError(this.location, `tensor "${name}" has integer dtype ${dtype} and cannot be read as float32; use readRaw to copy it unchanged`);
    }
    if (dtype === "BF16" || dtype === "F16") {
      // Read the 16-bit data into the upper half of the output buffer and widen it in place: one
      // allocation instead of two, which matters when every tensor of a 15 GB model passes through.
      const n = entry.byteLength / 2;
      const out = new Float32Array(n);
      await readExactly(this.#handle, new Uint8Array(out.buffer, 2 * n, 2 * n), this.dataStart + entry.begin, this.location);
      const halves = new Uint16Array(out.buffer, 2 * n, n);
      return dtype === "BF16" ? bf16ToF32(halves, out) : f16ToF32(halves, out);
    }
    // A fresh buffer is always aligned, so F32 needs no second copy.
    const bytes = new Uint8Array(entry.byteLength);
    await readExactly(this.#handle, bytes, this.dataStart + entry.begin, this.location);
    if (dtype === "F32") return new Float32Array(bytes.buffer, 0, entry.byteLength / 4);
    return decodeFloat(dtype, bytes, this.location);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#handle.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #entry(name: string): SafetensorsEntry {
    if (this.#closed) throw new Error(`${this.location}: read after close()`);
    const e = this.#entries.get(name);
    if (e === undefined) {
      throw new TensorFormatError(this.location, `no tensor named "${name}" (the file has ${this.#entries.size} tensors; list() shows them)`);
    }
    return e;
  }
}

/** Reads and validates the length prefix and header of an open file. */
async function readHeader(handle: FileHandle, file: string): Promise<{ dataStart: number; entries: readonly SafetensorsEntry[]; metadata: Record<string, string> }> {
  const { size } = await handle.stat();
  if (size < LENGTH_PREFIX_BYTES) {
    throw new TensorFormatError(file, `file is ${size} bytes, too short for safetensors (it starts with an 8-byte header length); the file is empty or truncated`);
  }
  const prefix = new Uint8Array(LENGTH_PREFIX_BYTES);
  await readExactly(handle, prefix, 0, file);
  const headerLength = new DataView(prefix.buffer).getBigUint64(0, true);
  if (headerLength > BigInt(SAFETENSORS_MAX_HEADER_BYTES)) {
    throw new TensorFormatError(file, `header length ${headerLength} exceeds the maximum allowed (${SAFETENSORS_MAX_HEADER_BYTES} bytes); this is not a safetensors file or it is corrupt`);
  }
  const n = Number(headerLength);
  if (LENGTH_PREFIX_BYTES + n > size) {
    throw new TensorFormatError(file, `header length ${n} runs past the end of the ${size}-byte file; the file is truncated or not safetensors`);
  }
  const headerBytes = new Uint8Array(n);
  await readExactly(handle, headerBytes, LENGTH_PREFIX_BYTES, file);
  const dataStart = LENGTH_PREFIX_BYTES + n;
  const header = parseSafetensorsHeader(headerBytes, size - dataStart, file);
  return { dataStart, entries: header.tensors, metadata: { ...header.metadata } };
}

/**
 * Opens one .safetensors file and validates its header (see parseSafetensorsHeader for the checks).
 * Throws TensorFormatError naming the file for anything malformed; the file stays open until
 * `close()`.
 */
export async function openSafetensors(path: string): Promise<SafetensorsSource> {
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (cause) {
    throw new TensorFormatError(path, `cannot open: ${(cause as Error).message}`, { cause });
  }
  try {
    const { dataStart, entries, metadata } = await readHeader(handle, path);
    return new SafetensorsSource(handle, path, dataStart, entries, metadata);
  } catch (err) {
    await handle.close();
    throw err;
  }
}
