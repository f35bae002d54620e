import type { FileHandle } from "node:fs/promises";
import { MAX_READ_CHUNK_BYTES } from "./limits.js";

/** Writes all of `bytes` at `position`, looping over partial writes and the 2 GiB per-call limit. */
export async function writeFully(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.byteLength) {
    const length = Math.min(bytes.byteLength - done, MAX_READ_CHUNK_BYTES);
    const { bytesWritten } = await handle.write(bytes, done, length, position + done);
    done += bytesWritten;
  }
}
