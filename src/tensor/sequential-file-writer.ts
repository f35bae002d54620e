import { constants } from "node:fs";
import { open, unlink, type FileHandle } from "node:fs/promises";
import { alignedBytes } from "./aligned-bytes.js";

/**
 * Writes a new file front to back (the sinks lay out every byte in order: a header, then each
 * tensor in turn). With `direct`, the bytes go through page-aligned staging blocks straight to the
 * device (Linux O_DIRECT), bypassing the page cache: writing a 2 GB merge through the page cache
 * costs seconds of CPU in fresh page-cache pages (and slows the threads merging beside it), a direct
 * write a tenth of a second. The price: the file is not in the page cache afterwards, so its first
 * reader reads it from disk; callers that read their output at once (the search evaluates each
 * candidate) write without `direct`.
 *
 * Direct writes fall back to ordinary ones where the platform or file system refuses them (no
 * O_DIRECT constant, EINVAL at open or at the first write): the file is the same either way. Blocks
 * are written while the next one fills; the last, partial block is padded to the alignment and the
 * file cut back to its length before `finish` syncs and closes it.
 */

export interface SequentialWriterOptions {
  /** Bypass the page cache (O_DIRECT) where the system allows it. */
  readonly direct: boolean;
  /** Bytes per direct write (a multiple of 4096). Defaults to 4 MiB. */
  readonly blockBytes?: number;
  /** Opens the file (injectable for tests); defaults to fs/promises' open. */
  readonly openFile?: (path: string, flags: number, mode: number) => Promise<FileHandle>;
}

/** Alignment of direct writes: the page size, a multiple of every block device's sector size. */
const ALIGN = 4096;
const DEFAULT_BLOCK_BYTES = 4 << 20;

export class SequentialFileWriter {
  readonly path: string;
  #handle: FileHandle;
  #direct: boolean;
  readonly #open: NonNullable<SequentialWriterOptions["openFile"]>;
  /** Bytes appended so far (the file's length once finished). */
  #position = 0;
  // Direct mode: two staging blocks; one fills while the other is being written.
  readonly #blocks: Uint8Array[] = [];
  readonly #pending: (Promise<void> | undefined)[] = [undefined, undefined];
  #current = 0;
  #fill = 0;
  /** File offset of the current block's first byte. */
  #blockStart = 0;
  #failed: unknown;

  constructor(path: string, handle: FileHandle, direct: boolean, blockBytes: number, openFile: NonNullable<SequentialWriterOptions["openFile"]>) {
    this.path = path;
    this.#handle = handle;
    this.#direct = direct;
    this.#open = openFile;
    if (direct) {
      const memory = alignedBytes(2 * blockBytes);
      this.#blocks = [memory.subarray(0, blockBytes), memory.subarray(blockBytes)];
    }
  }

  /** Bytes appended so far. */
  get position(): number {
    return this.#position;
  }

  /** Whether writes bypass the page cache (false after a fallback). */
  get direct(): boolean {
    return this.#direct;
  }

  /** Appends `bytes` (await each call before the next). */
  async append(bytes: Uint8Array): Promise<void> {
    this.#throwIfFailed();
    if (this.#blocks.length === 0) {
      await writeAll(this.#handle, bytes, this.#position);
      this.#position += bytes.byteLength;
      return;
    }
    let done = 0;
    while (done < bytes.byteLength) {
      const block = this.#blocks[this.#current];
      const take = Math.min(block.byteLength - this.#fill, bytes.byteLength - done);
      block.set(bytes.subarray(done, done + take), this.#fill);
      this.#fill += take;
      done += take;
      this.#position += take;
      if (this.#fill === block.byteLength) await this.#flushBlock(block.byteLength);
    }
  }

  /** Writes what is left, cuts the file to its length, syncs and closes it. */
  async finish(): Promise<void> {
    this.#throwIfFailed();
    if (this.#blocks.length > 0) {
      if (this.#fill > 0) {
        // The tail, padded with zeros to the alignment, then cut back to the real length.
        const padded = Math.ceil(this.#fill / ALIGN) * ALIGN;
        this.#blocks[this.#current].fill(0, this.#fill, padded);
        await this.#flushBlock(padded);
      }
      await Promise.all(this.#pending);
      this.#throwIfFailed();
      await this.#handle.truncate(this.#position);
    }
    await this.#handle.sync();
    await this.#handle.close();
  }

  /** Stops writing and closes the file (the caller removes it). */
  async abort(): Promise<void> {
    await Promise.allSettled(this.#pending);
    await this.#handle.close().catch(() => undefined);
  }

  /** Starts writing the current block's first `length` bytes; switches to the other block. */
  async #flushBlock(length: number): Promise<void> {
    const at = this.#current;
    // One write in flight at a time (the next block fills meanwhile): the other block's write
    // finishes before this one starts, and before the other block is filled again.
    await this.#pending[1 - at];
    this.#throwIfFailed();
    const view = this.#blocks[at].subarray(0, length);
    this.#pending[at] = this.#writeBlock(view, this.#blockStart).catch((error: unknown) => {
      this.#failed ??= error;
    });
    this.#blockStart += this.#blocks[at].byteLength;
    this.#current = 1 - at;
    this.#fill = 0;
  }

  async #writeBlock(view: Uint8Array, position: number): Promise<void> {
    try {
      await writeAll(this.#handle, view, position);
    } catch (error) {
      // A file system that accepted O_DIRECT at open but refuses the writes: go on without it.
      if (!this.#direct || (error as NodeJS.ErrnoException).code !== "EINVAL") throw error;
      this.#direct = false;
      const old = this.#handle;
      this.#handle = await this.#open(this.path, constants.O_WRONLY, 0o644);
      await old.close().catch(() => undefined);
      await writeAll(this.#handle, view, position);
    }
  }

  #throwIfFailed(): void {
    if (this.#failed !== undefined) throw this.#failed;
  }
}

/**
 * Creates `path` (which must not exist) for sequential writing; `direct` asks for O_DIRECT and
 * falls back to ordinary writes where it is unavailable.
 */
export async function openSequentialWriter(path: string, options: SequentialWriterOptions): Promise<SequentialFileWriter> {
  const openFile = options.openFile ?? ((p: string, flags: number, mode: number) => open(p, flags, mode));
  const blockBytes = options.blockBytes ?? DEFAULT_BLOCK_BYTES;
  if (!Number.isInteger(blockBytes) || blockBytes <= 0 || blockBytes % ALIGN !== 0) throw new RangeError(`blockBytes must be a positive multiple of ${ALIGN}, got ${blockBytes}`);
  const create = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;
  const directFlag = (constants as { O_DIRECT?: number }).O_DIRECT;
  if (options.direct && directFlag !== undefined) {
    try {
      return new SequentialFileWriter(path, await openFile(path, create | directFlag, 0o644), true, blockBytes, openFile);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EINVAL") throw error;
      // Refused by the file system (which may have created the file first): ordinary writes.
      await unlink(path).catch(() => undefined);
    }
  }
  return new SequentialFileWriter(path, await openFile(path, create, 0o644), false, blockBytes, openFile);
}

/** Bytes per write call: below the 2 GiB a single call may take. */
const MAX_WRITE_BYTES = 1 << 30;

/** Writes all of `bytes` at `position` (a single write may be partial). */
async function writeAll(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, done, Math.min(bytes.byteLength - done, MAX_WRITE_BYTES), position + done);
    if (bytesWritten === 0) throw new Error(`write made no progress at byte ${position + done}`);
    done += bytesWritten;
  }
}
