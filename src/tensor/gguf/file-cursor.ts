/**
 * Sequential little-endian reads over an open file, fetched in bounded chunks so a GGUF header can
 * be parsed without reading the tensor data behind it. Callers check `has(n)` and `await fill(n)`
 * only when it is false, so parsing a long array only awaits once per chunk, not once per item.
 */
import type { FileHandle } from "node:fs/promises";
import { TensorFormatError } from "../../errors.js";
import { HEADER_READ_CHUNK } from "./gguf-limits.js";

export class FileCursor {
  private buf = new Uint8Array(0);
  private view = new DataView(this.buf.buffer);
  /** File offset of buf[0]. */
  private bufStart = 0;
  /** Read position inside buf. */
  private pos = 0;

  constructor(
    private readonly handle: FileHandle,
    readonly fileSize: number,
    readonly path: string,
  ) {}

  /** Absolute file offset of the next byte to read. */
  get offset(): number {
    return this.bufStart + this.pos;
  }

  /** Bytes between the read position and the end of the file. */
  get remaining(): number {
    return this.fileSize - this.offset;
  }

  /** True when the next `n` bytes are already buffered. */
  has(n: number): boolean {
    return this.pos + n <= this.buf.length;
  }

  /**
   * Buffers at least the next `n` bytes (reading ahead up to one chunk). Fails with a truncation
   * error naming `what` when the file ends first; callers have already bounded `n`.
   */
  async fill(n: number, what: string): Promise<void> {
    if (this.has(n)) return;
    if (n > this.remaining) {
      throw new TensorFormatError(
        this.path,
        `file is truncated: ${what} needs ${n} bytes at offset ${this.offset} but only ${this.remaining} remain`,
      );
    }
    const want = Math.min(Math.max(n, HEADER_READ_CHUNK), this.remaining);
    const next = new Uint8Array(want);
    const kept = this.buf.length - this.pos;
    next.set(this.buf.subarray(this.pos));
    let filled = kept;
    while (filled < want) {
      const { bytesRead } = await this.handle.read(next, filled, want - filled, this.offset + filled);
      if (bytesRead === 0) {
        throw new TensorFormatError(this.path, `file shrank while being read (at offset ${this.offset + filled})`);
      }
      filled += bytesRead;
    }
    this.bufStart = this.offset;
    this.pos = 0;
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(): number {
    return this.buf[this.pos++];
  }
  i8(): number {
    return this.view.getInt8(this.pos++);
  }
  u16(): number {
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  i16(): number {
    const v = this.view.getInt16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u32(): number {
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  i32(): number {
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }
  u64(): bigint {
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }
  i64(): bigint {
    const v = this.view.getBigInt64(this.pos, true);
    this.pos += 8;
    return v;
  }
  f32(): number {
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }
  f64(): number {
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }
  /** The next `n` bytes as a view into the buffer (valid until the next `fill`). */
  bytes(n: number): Uint8Array {
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}
