import type { DType } from "./dtype.js";

/** Description of one stored tensor. `shape` is in row-major (numpy/HF) order for every format. */
export interface TensorInfo {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Bytes the tensor occupies in its file. */
  readonly byteLength: number;
}

/** Where a tensor's stored bytes lie in a file: `length` bytes from `offset` of `path`. */
export interface ByteSpan {
  readonly path: string;
  readonly offset: number;
  readonly length: number;
}

/** A tensor's raw bytes as stored, for pass-through of integer or already-encoded data. */
export interface RawTensor {
  readonly info: TensorInfo;
  readonly bytes: Uint8Array;
}

/**
 * Read access to a set of named tensors (one safetensors file, a sharded HF folder, a GGUF file,
 * a base+LoRA overlay...). Reading one tensor costs memory proportional to that tensor only.
 * Names are the format's own (HF names for safetensors, `blk.N.*` for GGUF).
 */
export interface TensorSource extends AsyncDisposable {
  /** Human-readable location, used in error messages. */
  readonly location: string;
  /** All tensors in file order. */
  list(): readonly TensorInfo[];
  /** Info for one tensor, or undefined when absent. */
  info(name: string): TensorInfo | undefined;
  /** Decodes a float or quantised tensor to float32. Throws TensorFormatError for integer dtypes. */
  readF32(name: string): Promise<Float32Array>;
  /** The tensor's bytes exactly as stored. */
  readRaw(name: string): Promise<RawTensor>;
  /**
   * Optional: the stored bytes read into the start of `into` (at least `byteLength` long; a
   * RangeError otherwise), returned as `into.subarray(0, byteLength)`. Lets a caller reuse one
   * buffer for many tensors: a fresh large buffer costs a page fault per 4 KiB touched, several
   * times the cost of the read itself. `readRawInto` (read-raw-into.ts) falls back to `readRaw`.
   */
  readRawInto?(name: string, into: Uint8Array): Promise<RawTensor>;
  /**
   * Optional: where the tensor's stored bytes lie in a file, when they are stored there as they are
   * (undefined for computed tensors, e.g. a LoRA-adapted one). Lets another thread read them itself.
   */
  byteSpan?(name: string): ByteSpan | undefined;
  close(): Promise<void>;
}

/** What `TensorSink.writeParts` is told about a tensor before its parts arrive. */
export interface RawTensorHeader {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
}

/** A tensor handed to a sink: float data to be encoded to the sink's dtype, or raw bytes to copy. */
export type TensorPayload =
  | { readonly kind: "f32"; readonly name: string; readonly shape: readonly number[]; readonly data: Float32Array }
  | { readonly kind: "raw"; readonly name: string; readonly dtype: DType; readonly shape: readonly number[]; readonly bytes: Uint8Array };

/**
 * Write access for an output model. A sink is created with the full list of tensors it will receive
 * (name, shape, dtype: both formats put every header before the data), then tensors arrive one at a
 * time in that order. Nothing is visible at the final path until `commit()` succeeds; `abort()`
 * removes every temporary file.
 */
export interface TensorSink {
  /** Final output location (file or folder). */
  readonly location: string;
  write(tensor: TensorPayload): Promise<void>;
  /**
   * Optional: writes the next tensor's stored bytes (`dtype` as declared) as they arrive in parts,
   * in order, instead of as one buffer: the merge engine then never holds a large tensor's output
   * whole. Refuses parts that do not add up to the tensor's size.
   */
  writeParts?(tensor: RawTensorHeader, parts: AsyncIterable<Uint8Array>): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}
