import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";

/**
 * The hash a blob is named by in the cache, and that its bytes must match: LFS files by the
 * sha256 of their content (64 hex digits), git-stored files by git's blob sha1, which hashes
 * `blob <size>\0` followed by the content (40 hex digits).
 */
export type BlobHashKind = "sha256" | "git-sha1";

export function blobHashKind(etag: string): BlobHashKind {
  return etag.length === 64 ? "sha256" : "git-sha1";
}

/** An incremental hasher for a blob of `size` bytes named `etag`. */
export interface BlobHasher {
  readonly kind: BlobHashKind;
  update(chunk: Uint8Array): void;
  /** Lowercase hex digest; compare it with the etag. */
  digest(): string;
}

export function createBlobHasher(etag: string, size: number): BlobHasher {
  const kind = blobHashKind(etag);
  let hash: Hash;
  if (kind === "sha256") {
    hash = createHash("sha256");
  } else {
    hash = createHash("sha1");
    hash.update(`blob ${size}\0`);
  }
  return {
    kind,
    update: (chunk) => void hash.update(chunk),
    digest: () => hash.digest("hex"),
  };
}

/** Feeds the first `length` bytes of `path` (all of it by default) into `hasher`. */
export async function hashFileInto(hasher: BlobHasher, path: string, length?: number): Promise<void> {
  if (length === 0) return;
  const stream = createReadStream(path, { highWaterMark: 1 << 20, ...(length === undefined ? {} : { start: 0, end: length - 1 }) });
  for await (const chunk of stream) hasher.update(chunk as Buffer);
}

/** True when the file at `path` has exactly the content `etag` names. */
export async function blobMatches(path: string, etag: string): Promise<boolean> {
  const { size } = await stat(path);
  const hasher = createBlobHasher(etag, size);
  await hashFileInto(hasher, path);
  return hasher.digest() === etag;
}
