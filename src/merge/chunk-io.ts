import { bf16PairsToF32, bf16ToF32, f16ToF32, f32ToBf16, f32ToBf16Pairs, f32ToF16 } from "../tensor/codecs/index.js";
import type { DType } from "../tensor/dtype.js";
import { quantizeQ8_0 } from "../tensor/gguf/index.js";
import { scratchBytes, simdDecode, simdEncode, simdKernels } from "../methods/wasm/index.js";
import type { InputBlocks } from "./input-blocks.js";

/**
 * Chunk access to encoded tensors for the chunked merges: decode elements [start, start + n) of a
 * stored input into a float32 chunk, and encode a float32 chunk into its place in the output's
 * stored bytes. Chunks stay in the CPU caches; nothing the size of a tensor is ever decoded. Chunks
 * in the SIMD kernels' memory are decoded and encoded there (bit-exact twins of the codecs); stored
 * bytes outside it (inputs the executor read, the shared output) are copied through kernel scratch.
 */

/** Input dtypes a chunk can be decoded from, and their element sizes. */
export function chunkInputBytes(dtype: DType): number | undefined {
  return dtype === "BF16" || dtype === "F16" ? 2 : dtype === "F32" ? 4 : undefined;
}

/** Output dtypes a chunk can be encoded to (Q8_0 when chunks are whole 32-value blocks). */
export function isChunkOutput(dtype: DType, chunk: number, split: number): boolean {
  if (dtype === "Q8_0") return chunk % 32 === 0 && split % 32 === 0;
  return dtype === "BF16" || dtype === "F16" || dtype === "F32" || dtype === "F64";
}

/**
 * Decodes elements [start, start + dst.length) into `dst`; returns false when any is NaN or ±Inf
 * (bf16 checks while decoding, for free; with `check` the others look at the decoded chunk while it
 * is in cache, without it they always return true).
 */
export type ChunkDecoder = (start: number, dst: Float32Array) => boolean;

export function chunkDecoder(dtype: DType, input: InputBlocks, check: boolean): ChunkDecoder {
  const js = jsChunkDecoder(dtype, input, check);
  const kernels = simdKernels();
  if (!kernels || (dtype !== "BF16" && dtype !== "F16" && dtype !== "F32")) return js;
  const size = dtype === "F32" ? 4 : 2;
  let staging: Uint8Array | undefined;
  return (start, dst) => {
    if (dst.buffer !== kernels.buffer) return js(start, dst);
    const n = dst.length;
    const b = input.block(start, start + n);
    const at = (start - b.first) * size;
    // Blocks the worker read into kernel memory are decoded in place (no view made per chunk).
    let finite = simdDecode(dtype, b.bytes, dst, at);
    if (finite === undefined) {
      // Stored bytes outside kernel memory: copied into scratch, then decoded there.
      if (!staging || staging.byteLength < n * size) staging = scratchBytes(n * size);
      staging.set(b.bytes.subarray(at, at + n * size));
      finite = simdDecode(dtype, staging, dst);
    }
    return finite ?? js(start, dst);
  };
}

function jsChunkDecoder(dtype: DType, input: InputBlocks, check: boolean): ChunkDecoder {
  const allFinite = check ? probeFinite : () => true;
  switch (dtype) {
    case "BF16":
      return (start, dst) => {
        const n = dst.length;
        const b = input.block(start, start + n);
        const at = start - b.first;
        if (b.words && (at & 1) === 0 && dst.byteOffset % 4 === 0) {
          const pairs = n >>> 1;
          let finite = bf16PairsToF32(b.words, at >>> 1, pairs, int32Of(dst));
          if (n & 1) {
            dst[n - 1] = bf16ToF32(b.halves!.subarray(at + n - 1, at + n))[0];
            finite &&= Number.isFinite(dst[n - 1]);
          }
          return finite;
        }
        return probeFinite(bf16ToF32(b.halves!.subarray(at, at + n), dst));
      };
    case "F16":
      return (start, dst) => {
        const b = input.block(start, start + dst.length);
        const at = start - b.first;
        return allFinite(f16ToF32(b.halves!.subarray(at, at + dst.length), dst));
      };
    case "F32":
      return (start, dst) => {
        const b = input.block(start, start + dst.length);
        const at = start - b.first;
        dst.set(b.floats!.subarray(at, at + dst.length));
        return allFinite(dst);
      };
    default:
      throw new RangeError(`no chunk decoder for ${dtype}`);
  }
}

/**
 * The int32 view of a float32 chunk, made once per chunk array: creating a typed-array view per
 * chunk costs more than decoding a few thousand values.
 */
const int32Views = new WeakMap<Float32Array, Int32Array>();

function int32Of(values: Float32Array): Int32Array {
  let view = int32Views.get(values);
  if (view === undefined) {
    view = new Int32Array(values.buffer, values.byteOffset, values.length);
    int32Views.set(values, view);
  }
  return view;
}

/** x * 0 is 0 for finite x and NaN for NaN/Inf: one branch-free pass decides. */
function probeFinite(values: Float32Array): boolean {
  let probe = 0;
  for (let i = 0; i < values.length; i++) probe += values[i] * 0;
  return probe === 0;
}

/** Encodes `values` as output elements [start, start + values.length). */
export type ChunkEncoder = (start: number, values: Float32Array) => void;

/** An encoder into `out`, which holds the output from element `first` on (a part of it, or all). */
export function chunkEncoder(dtype: DType, out: Uint8Array, first = 0): ChunkEncoder {
  const js = jsChunkEncoder(dtype, out, first);
  const kernels = simdKernels();
  if (!kernels || (dtype !== "BF16" && dtype !== "F16")) return js;
  const halves = new Uint16Array(out.buffer, out.byteOffset, out.byteLength >>> 1);
  let staging: Uint16Array | undefined;
  return (start, values) => {
    const n = values.length;
    if (!staging || staging.length < n) {
      const bytes = scratchBytes(2 * n);
      staging = new Uint16Array(bytes.buffer, bytes.byteOffset, n);
    }
    // Encoded in kernel memory, then copied into the output (a few KiB per chunk); a NaN is left
    // to the TypeScript encoder. No view is made for a full chunk.
    if (!simdEncode(dtype, values, staging)) return js(start, values);
    halves.set(n === staging.length ? staging : staging.subarray(0, n), start - first);
  };
}

/** Rewrites output elements `indices[j]` with `values[j]` (ChunkedTensors.patch). */
export type ChunkPatcher = (indices: Uint32Array, values: Float32Array) => void;

/**
 * A patcher into `out`, which holds the output from element `first` on; undefined for Q8_0, whose
 * elements share their block's scale. Values are encoded as the chunk encoders encode them (by the
 * kernels or their TypeScript twins), then their stored bits are put in place.
 */
export function chunkPatcher(dtype: DType, out: Uint8Array, first = 0): ChunkPatcher | undefined {
  if (dtype === "Q8_0") return undefined;
  const size = dtype === "F64" ? 8 : dtype === "F32" ? 4 : 2;
  // Stored elements as 16-bit or 32-bit words where `out` is aligned for them, else as bytes.
  const unit = size === 2 && out.byteOffset % 2 === 0 ? 2 : size >= 4 && out.byteOffset % 4 === 0 ? 4 : 1;
  const view = (bytes: Uint8Array) => (unit === 2 ? new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 1) : unit === 4 ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2) : bytes);
  const to = view(out);
  const per = size / unit;
  // Encoded in kernel scratch by the kernels when they can (no NaN), else by the TypeScript encoder.
  const kernelEncoded = (values: Float32Array): Uint8Array | undefined => {
    if (dtype !== "BF16" && dtype !== "F16") return undefined;
    const bytes = scratchBytes(2 * values.length);
    return simdEncode(dtype, values, new Uint16Array(bytes.buffer, bytes.byteOffset, values.length)) ? bytes : undefined;
  };
  const jsEncoded = (values: Float32Array): Uint8Array => {
    const bytes = new Uint8Array(values.length * size);
    jsPartEncoder(dtype, bytes)(0, values);
    return bytes;
  };
  return (indices, values) => {
    const from = view(kernelEncoded(values) ?? jsEncoded(values));
    for (let j = 0; j < indices.length; j++) {
      const at = (indices[j] - first) * per;
      for (let u = 0; u < per; u++) to[at + u] = from[j * per + u];
    }
  };
}

function jsChunkEncoder(dtype: DType, out: Uint8Array, first: number): ChunkEncoder {
  // Element indices relative to `out`; Q8_0 keeps the tensor's for its error messages.
  if (dtype === "Q8_0") return (start, values) => out.set(quantizeQ8_0(values, start), ((start - first) / 32) * 34);
  const encode = jsPartEncoder(dtype, out);
  return first === 0 ? encode : (start, values) => encode(start - first, values);
}

/** Encoders into `out` by element index of `out` (Q8_0 is handled by jsChunkEncoder). */
function jsPartEncoder(dtype: DType, out: Uint8Array): ChunkEncoder {
  switch (dtype) {
    case "BF16": {
      const halves = new Uint16Array(out.buffer, out.byteOffset, out.byteLength >>> 1);
      const words = out.byteOffset % 4 === 0 ? new Int32Array(out.buffer, out.byteOffset, out.byteLength >>> 2) : undefined;
      return (start, values) => {
        const pairs = values.length >>> 1;
        if (words && (start & 1) === 0 && values.byteOffset % 4 === 0 && (values.length & 1) === 0) {
          if (f32ToBf16Pairs(int32Of(values), pairs, words, start >>> 1)) return;
        }
        f32ToBf16(values, halves.subarray(start, start + values.length));
      };
    }
    case "F16": {
      const halves = new Uint16Array(out.buffer, out.byteOffset, out.byteLength >>> 1);
      return (start, values) => void f32ToF16(values, halves.subarray(start, start + values.length));
    }
    case "F32": {
      const floats = new Float32Array(out.buffer, out.byteOffset, out.byteLength >>> 2);
      return (start, values) => floats.set(values, start);
    }
    case "F64": {
      const doubles = new Float64Array(out.buffer, out.byteOffset, out.byteLength >>> 3);
      return (start, values) => doubles.set(values, start);
    }
    default:
      throw new RangeError(`no chunk encoder for ${dtype}`);
  }
}
