import { rm, stat } from "node:fs/promises";
import { blobHashKind, blobMatches } from "./blob-hash.js";
import { blobLockHolder, lockBlob } from "./blob-lock.js";
import { downloadBlob } from "./download-blob.js";
import type { RepoFile } from "./fetch-repo-listing.js";
import type { HubClient } from "./hub-client.js";
import type { PullEvent } from "./pull-events.js";
import { linkSnapshotFile, type RepoCache } from "./repo-cache.js";

export interface EnsureSnapshotFileArgs {
  readonly client: HubClient;
  readonly cache: RepoCache;
  readonly commit: string;
  readonly file: RepoFile;
  readonly verify: "hash" | "size";
  readonly attempts: number;
  readonly now: () => number;
}

/**
 * Makes `snapshots/<commit>/<path>` point at a complete, correct blob: reuses the blob when the
 * cache has it (checked by size, and by hash with `verify: "hash"`; a bad one is deleted and
 * fetched again), downloads it otherwise, and links it last, so a snapshot link never points at
 * a missing or partial blob. Returns the bytes fetched.
 */
export async function* ensureSnapshotFile(args: EnsureSnapshotFileArgs): AsyncGenerator<PullEvent, number> {
  const { cache, file, now } = args;
  const started = now();
  const blob = cache.blob(file.etag);
  const checked = await blobIdentity(blob);
  let reuse = yield* reusable(args);
  let fetchedBytes = 0;
  if (!reuse) {
    // Another process may be downloading the same blob: wait for it, then look again.
    let release = await lockBlob(cache, file.etag, { wait: false });
    if (!release) {
      const held = await blobLockHolder(cache, file.etag);
      yield { event: "warning", repo: cache.repo, message: `${file.path}: another download${held ? ` (process ${held.holder})` : ""} is writing it into this cache; waiting for it${held ? ` (lock ${held.file})` : ""}` };
      release = await lockBlob(cache, file.etag, {});
    }
    try {
      // Another download may have finished it meanwhile: a blob that is not the one checked above
      // was renamed in by a download that verified it (the one checked is not hashed again).
      const current = await blobIdentity(blob);
      reuse = current !== undefined && current.id !== checked?.id && current.size === file.size;
      if (!reuse) {
        await rm(blob, { force: true });
        fetchedBytes = (yield* downloadBlob({ client: args.client, cache, commit: args.commit, file, attempts: args.attempts, now })).fetchedBytes;
      }
    } finally {
      await release();
    }
  }
  await linkSnapshotFile(cache, args.commit, file.path, file.etag);
  yield {
    event: "file-done",
    repo: cache.repo,
    path: file.path,
    size: file.size,
    status: reuse ? "cached" : "downloaded",
    verified: reuse && args.verify === "size" ? "size" : blobHashKind(file.etag),
    fetchedBytes,
    elapsedSeconds: (now() - started) / 1000,
  };
  return fetchedBytes;
}

/**
 * Whether the cache's blob can be used as it is: the right size (and hash, with `verify: "hash"`).
 * A wrong one is reported (and replaced by the caller).
 */
async function* reusable(args: EnsureSnapshotFileArgs): AsyncGenerator<PullEvent, boolean> {
  const { cache, file } = args;
  const blob = cache.blob(file.etag);
  const size = await stat(blob).then((s) => (s.isFile() ? s.size : -1), () => -1);
  if (size < 0) return false;
  if (size !== file.size) {
    yield { event: "warning", repo: cache.repo, message: `${file.path}: the cached blob has ${size} bytes instead of ${file.size}; fetching it again` };
    return false;
  }
  if (args.verify === "hash" && !(await blobMatches(blob, file.etag))) {
    yield { event: "warning", repo: cache.repo, message: `${file.path}: the cached blob ${file.etag} is corrupt (its ${blobHashKind(file.etag)} does not match); fetching it again` };
    return false;
  }
  return true;
}

/** Which file the blob is (inode and modification time) and its size; undefined when there is none. */
async function blobIdentity(blob: string): Promise<{ id: string; size: number } | undefined> {
  return stat(blob).then(
    (s) => (s.isFile() ? { id: `${s.ino}:${s.mtimeMs}`, size: s.size } : undefined),
    () => undefined,
  );
}
