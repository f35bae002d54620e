import { closeSync, openSync, read, readSync } from "node:fs";
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
  /** A block holding elements [start, end) (valid until the next call); reads it if need be. */
  block(start: number, end: number): InputBlock;
  /** Whether `block(start, end)` is at hand without a read. */
  has(start: number, end: number): boolean;
  /**
   * Makes elements [start, end) at hand, waiting for the read ahead when it holds them, and starts
   * reading the block after them (below `limit`) in the background: a reader going front to back
   * with `ready` reads while it computes.
   */
  ready(start: number, end: number, limit: number): Promise<void>;
  /** Waits for a read ahead still running, then closes the file. */
  close(): Promise<void>;
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
    return { blockElements, block: () => whole, has: () => true, ready: async () => {}, close: async () => {} };
  }
  const span = input.file;
  const total = span.length / elementBytes;
  const fd = openSync(span.path, "r");
  const scratch = simdKernels() !== undefined;
  // Two buffers: the current block in one, the block read ahead in the other.
  const own: (Uint8Array | undefined)[] = [undefined, undefined];
  const buffer = (which: number, bytes: number) => {
    if (!scratch) return blockBuffer(2 * slot + which, bytes);
    if (!own[which] || own[which].byteLength < bytes) own[which] = scratchBytes(Math.max(bytes, blockElements * elementBytes));
    return own[which].subarray(0, bytes);
  };
  let current: InputBlock | undefined;
  let currentBuffer = 0;
  let ahead: { first: number; count: number; done: Promise<Uint8Array> } | undefined;
  const covers = (b: { first: number; count: number } | undefined, start: number, end: number) => b !== undefined && start >= b.first && end <= b.first + b.count;
  const blockCount = (start: number, end: number) => Math.min(total - start, Math.max(end - start, blockElements));
  const readNow = (start: number, end: number) => {
    const count = blockCount(start, end);
    // Into the current block's buffer: the other one may be receiving a read ahead.
    const bytes = buffer(currentBuffer, count * elementBytes);
    readFully(fd, bytes, span.offset + start * elementBytes, span.path);
    current = makeBlock(bytes, start, elementBytes);
    return current;
  };
  const aheadBuffer = () => 1 - currentBuffer;
  const readAhead = (first: number, limit: number) => {
    if (ahead || first >= Math.min(limit, total)) return;
    const count = blockCount(first, first);
    const bytes = buffer(aheadBuffer(), count * elementBytes);
    ahead = { first, count, done: readFullyAsync(fd, bytes, span.offset + first * elementBytes, span.path) };
    // Awaited when used or at close; this only stops an early failure counting as unhandled.
    ahead.done.catch(() => {});
  };
  return {
    blockElements,
    has: (start, end) => covers(current, start, end),
    block(start, end) {
      if (covers(current, start, end)) return current!;
      return readNow(start, end);
    },
    async ready(start, end, limit) {
      if (!covers(current, start, end)) {
        const next = ahead;
        if (next && covers(next, start, end)) {
          ahead = undefined;
          current = makeBlock(await next.done, next.first, elementBytes);
          currentBuffer = 1 - currentBuffer;
        } else {
          // Not what was read ahead (or nothing was): let that read finish, then read this block.
          if (next) await next.done.catch(() => {});
          ahead = undefined;
          readNow(start, end);
        }
      }
      readAhead(current!.first + current!.count, limit);
    },
    async close() {
      if (ahead) await ahead.done.catch(() => {});
      ahead = undefined;
      closeSync(fd);
    },
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

/** readFully in the background (libuv's thread pool); resolves to `into` once it is full. */
function readFullyAsync(fd: number, into: Uint8Array, position: number, path: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const step = (done: number) => {
      if (done === into.byteLength) return resolve(into);
      read(fd, into, done, into.byteLength - done, position + done, (error, count) => {
        if (error) return reject(error);
        if (count === 0) return reject(new TensorFormatError(path, `unexpected end of file at byte ${position + done}; the file was truncated while merging`));
        step(done + count);
      });
    };
    step(0);
  });
}

function readFully(fd: number, into: Uint8Array, position: number, path: string): void {
  let done = 0;
  while (done < into.byteLength) {
    const read = readSync(fd, into, done, into.byteLength - done, position + done);
    if (read === 0) throw new TensorFormatError(path, `unexpected end of file at byte ${position + done}; the file was truncated while merging`);
    done += read;
  }
}
