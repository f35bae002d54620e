/**
 * A GGUF file as a TensorSource. Opening parses only the header (metadata and tensor infos);
 * tensors are read one at a time on demand with positioned reads.
 */
import { open, type FileHandle } from "node:fs/promises";
import { TensorFormatError } from "../../errors.js";
import { decodeFloat } from "../codecs/codec.js";
import type { ByteSpan, RawTensor, TensorSource } from "../tensor-source.js";
import type { GgufTensorInfo } from "./gguf-tensor-info.js";
import type { GgufMetadataEntry } from "./gguf-value.js";
import { parseGgufHeader, type GgufHeader } from "./parse-gguf-header.js";
import { dequantize } from "./quants/dequantize.js";

export class GgufSource implements TensorSource {
  readonly location: string;
  /** GGUF version of the file (2 or 3). */
  readonly version: number;
  /** Alignment of tensor data (`general.alignment`, default 32). */
  readonly alignment: number;
  /** Metadata in file order, with value types preserved. */
  readonly metadata: readonly GgufMetadataEntry[];
  /** Absolute offset of the data section. */
  readonly dataOffset: number;
  private readonly tensors: readonly GgufTensorInfo[];
  private readonly byName: ReadonlyMap<string, GgufTensorInfo>;
  private readonly byKey: ReadonlyMap<string, GgufMetadataEntry>;
  private handle: FileHandle | undefined;

  constructor(path: string, handle: FileHandle, header: GgufHeader) {
    this.location = path;
    this.handle = handle;
    this.version = header.version;
    this.alignment = header.alignment;
    this.metadata = header.metadata;
    this.dataOffset = header.dataOffset;
    this.tensors = header.tensors;
    this.byName = new Map(header.tensors.map((t) => [t.name, t]));
    this.byKey = new Map(header.metadata.map((e) => [e.key, e]));
  }

  /** `general.architecture` (e.g. "llama"), or undefined when the file does not say. */
  get architecture(): string | undefined {
    const e = this.byKey.get("general.architecture");
    return e?.type === "string" ? e.value : undefined;
  }

  /** The metadata entry for `key`, or undefined. */
  get(key: string): GgufMetadataEntry | undefined {
    return this.byKey.get(key);
  }

  list(): readonly GgufTensorInfo[] {
    return this.tensors;
  }

  info(name: string): GgufTensorInfo | undefined {
    return this.byName.get(name);
  }

  private require(name: string): GgufTensorInfo {
    const info = this.byName.get(name);
    if (info === undefined) {
      throw new TensorFormatError(this.location, `no tensor named "${name}" (the file has ${this.tensors.length} tensors)`);
    }
    return info;
  }

  async readRaw(name: string): Promise<RawTensor> {
    return this.readRawInto(name, new Uint8Array(this.require(name).byteLength));
  }

  byteSpan(name: string): ByteSpan {
    const info = this.require(name);
    return { path: this.location, offset: info.fileOffset, length: info.byteLength };
  }

  async readRawInto(name: string, into: Uint8Array): Promise<RawTensor> {
    const info = this.require(name);
    const handle = this.handle;
    if (handle === undefined) throw new Error(`${this.location}: GgufSource is closed`);
    if (into.byteLength < info.byteLength) throw new RangeError(`${this.location}: tensor "${name}" needs ${info.byteLength} bytes, the buffer holds ${into.byteLength}`);
    const bytes = into.subarray(0, info.byteLength);
    let filled = 0;
    while (filled < bytes.length) {
      const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, info.fileOffset + filled);
      if (bytesRead === 0) {
        throw new TensorFormatError(this.location, `file ended while reading tensor "${name}" (was it truncated after opening?)`);
      }
      filled += bytesRead;
    }
    return { info, bytes };
  }

  async readF32(name: string): Promise<Float32Array> {
    const info = this.require(name);
    const { bytes } = await this.readRaw(name);
    switch (info.dtype) {
      case "F32":
      case "F16":
      case "BF16":
      case "F64":
        return decodeFloat(info.dtype, bytes, this.location);
      case "I8":
      case "I16":
      case "I32":
      case "I64":
        throw new TensorFormatError(this.location, `tensor "${name}" holds ${info.dtype} integers, which are not decoded to float32; use readRaw`);
      default:
        return dequantize(info.dtype, bytes);
    }
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** Opens a GGUF file (v2 or v3) and parses its header. Throws TensorFormatError for malformed files. */
export async function openGguf(path: string): Promise<GgufSource> {
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (cause) {
    throw new TensorFormatError(path, `cannot open GGUF file: ${(cause as Error).message}`, { cause });
  }
  try {
    return new GgufSource(path, handle, await parseGgufHeader(handle, path));
  } catch (error) {
    await handle.close();
    if (error instanceof TensorFormatError) throw error;
    // I/O failures (EISDIR for a folder, EIO) still name the file, as a format problem would.
    throw new TensorFormatError(path, `cannot read GGUF file: ${(error as Error).message}`, { cause: error });
  }
}
