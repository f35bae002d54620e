/** Writes a whole small GGUF file in one call (tests, toy models); large outputs should stream through createGgufSink. */
import type { DType } from "../dtype.js";
import { createGgufSink } from "./create-gguf-sink.js";
import type { GgufDType } from "./ggml-type.js";
import type { GgufMetadataEntry } from "./gguf-value.js";

export interface GgufTensorData {
  readonly name: string;
  /** Row-major (numpy/HF) shape. */
  readonly shape: readonly number[];
  readonly dtype: GgufDType;
  /** Float32 values to encode to `dtype`, or the raw stored bytes of `dtype` (e.g. prebuilt Q4_K blocks). */
  readonly data: Float32Array | Uint8Array;
}

export interface WriteGgufOptions {
  readonly metadata: readonly GgufMetadataEntry[];
  readonly tensors: readonly GgufTensorData[];
  /** Data alignment. Defaults to `general.alignment` from `metadata`, else 32. */
  readonly alignment?: number;
  /** Replace an existing file. Defaults to `false`. */
  readonly overwrite?: boolean;
}

export async function writeGguf(path: string, options: WriteGgufOptions): Promise<void> {
  const sink = await createGgufSink({
    path,
    metadata: options.metadata,
    tensors: options.tensors.map(({ name, shape, dtype }) => ({ name, shape, dtype })),
    alignment: options.alignment,
    overwrite: options.overwrite,
  });
  try {
    for (const t of options.tensors) {
      await sink.write(
        t.data instanceof Float32Array
          ? { kind: "f32", name: t.name, shape: t.shape, data: t.data }
          : { kind: "raw", name: t.name, shape: t.shape, dtype: t.dtype as DType, bytes: t.data },
      );
    }
    await sink.commit();
  } catch (error) {
    await sink.abort();
    throw error;
  }
}
