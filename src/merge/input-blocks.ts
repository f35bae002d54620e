import { closeSync, openSync, readSync } from "node:fs";
import { TensorFormatError } from "../errors.js";
import { scratchBytes, simdKernels } from "../methods/wasm/index.js";
import type { EncodedTensor } from "./step-task.js";

/**
 * A block of an input's stored elements, with typed views made once per block: elements
 * [first, first + count) of the tensor, the element at index i of the tensor at `halves[i - first]`
 * (2-byte dtypes) or `floats[i - first]` (F32); `words` views pairs of 2-byte elements when the
 * block is 4-byte aligned.
 */
export interface InputBlock {
  readonly first: number;
  readonly count: number;
  readonly bytes: Uint8Array;
  readonly halves: Uint16Array | undefined;
  readonly words: Int32Array | undefined;
  readonly floats: Float32Array | undefined;
}

/** Worker-side access to one input's elements, a block at a time. */
export interface InputBlocks {
  /** Elements worth asking for at a time. */
  readonly blockElements: number;
  /** A block holding elements [start, end) (valid until the next call). */
  block(start: number, end: number): InputBlock;
  close(): void;
}

/**
 * Opens an input of a chunked step. Stored bytes the executor already read are one block; a file
 * span is read here, `blockElements` at a time (or more, when asked for more), with positioned
 * reads into a buffer reused from task to task (`slot` picks it): the executor then holds none of
 * the inputs in memory, and each worker reads its own from the page cache. With the SIMD kernels
 * the buffer is kernel scratch (valid for the current step), so the kernels decode blocks in place.
 */
export function openInputBlocks(input: EncodedTensor, elementBytes: number, slot: number, blockElements: number): InputBlocks {
  if (input.bytes) {
    const whole = makeBlock(input.bytes, 0, elementBytes);
    return { blockElements, block: () => whole, close: () => {} };
  }
  const span = input.file;
  const total = span.length / elementBytes;
  const fd = openSync(span.path, "r");
  const scratch = simdKernels() !== undefined;
  let own: Uint8Array | undefined;
  const buffer = (bytes: number) => {
    if (!scratch) return blockBuffer(slot, bytes);
    if (!own || own.byteLength < bytes) own = scratchBytes(Math.max(bytes, blockElements * elementBytes));
    return own.subarray(0, bytes);
  };
  let current: InputBlock | undefined;
  return {
    blockElements,
    block(start, end) {
      if (current && start >= current.first && end <= current.first + current.count) return current;
      const count = Math.min(total - start, Math.max(end - start, blockElements));
      const bytes = buffer(count * elementBytes);
      readFully(fd, bytes, span.offset + start * elementBytes, span.path);
      current = makeBlock(bytes, start, elementBytes);
      return current;
    },
    close: () => closeSync(fd),
  };
}

function makeBlock(bytes: Uint8Array, first: number, elementBytes: number): InputBlock {
  const aligned = bytes.byteOffset % 4 === 0;
  const count = bytes.byteLength / elementBytes;
  return {
    first,
    count,
    bytes,
    halves: elementBytes === 2 && bytes.byteOffset % 2 === 0 ? new Uint16Array(bytes.buffer, bytes.byteOffset, count) : undefined,
    words: elementBytes === 2 && aligned ? new Int32Array(bytes.buffer, bytes.byteOffset, count >>> 1) : undefined,
    floats: elementBytes === 4 && aligned ? new Float32Array(bytes.buffer, bytes.byteOffset, count) : undefined,
  };
}

// One read buffer per input slot, reused by every task on this thread (grown when needed).
const buffers: Uint8Array[] = [];

function blockBuffer(slot: number, bytes: number): Uint8Array {
  if (!buffers[slot] || buffers[slot].byteLength < bytes) buffers[slot] = new Uint8Array(bytes);
  return buffers[slot].subarray(0, bytes);
}

function readFully(fd: number, into: Uint8Array, position: number, path: string): void {
  let done = 0;
  while (done < into.byteLength) {
    const read = readSync(fd, into, done, into.byteLength - done, position + done);
    if (read === 0) throw new TensorFormatError(path, `unexpected end of file at byte ${position + done}; the file was truncated while merging`);
    done += read;
  }
}
