import type { FileHandle } from "node:fs/promises";

/** Writes all of `bytes` at `position` (a single write may be partial). Returns the end position. */
export async function writeAll(handle: FileHandle, bytes: Uint8Array, position: number): Promise<number> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
  return position + done;
}
