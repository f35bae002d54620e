import { rm, stat } from "node:fs/promises";
import { blobHashKind, blobMatches } from "./blob-hash.js";
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
  const size = await stat(blob).then((s) => (s.isFile() ? s.size : -1), () => -1);
  let reuse = size === file.size;
  if (size >= 0 && !reuse) {
    yield { event: "warning", repo: cache.repo, message: `${file.path}: the cached blob has ${size} bytes instead of ${file.size}; fetching it again` };
  } else if (reuse && args.verify === "hash" && !(await blobMatches(blob, file.etag))) {
    reuse = false;
    yield { event: "warning", repo: cache.repo, message: `${file.path}: the cached blob ${file.etag} is corrupt (its ${blobHashKind(file.etag)} does not match); fetching it again` };
  }
  let fetchedBytes = 0;
  if (!reuse) {
    if (size >= 0) await rm(blob, { force: true });
    fetchedBytes = (yield* downloadBlob({ client: args.client, cache, commit: args.commit, file, attempts: args.attempts, now })).fetchedBytes;
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
