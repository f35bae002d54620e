import { mkdir, open, rename, rm, stat, writeFile, type FileHandle } from "node:fs/promises";
import { createBlobHasher, hashFileInto, type BlobHasher } from "./blob-hash.js";
import type { HubClient } from "./hub-client.js";
import { isNetworkError } from "./hub-client.js";
import { HubError } from "./hub-error.js";
import type { RepoFile } from "./fetch-repo-listing.js";
import type { PullEvent } from "./pull-events.js";
import type { RepoCache } from "./repo-cache.js";

export interface DownloadBlobArgs {
  readonly client: HubClient;
  readonly cache: RepoCache;
  readonly commit: string;
  readonly file: RepoFile;
  /** Connection drops tolerated (each attempt resumes where the last stopped). */
  readonly attempts: number;
  readonly now: () => number;
}

export interface DownloadedBlob {
  readonly fetchedBytes: number;
  readonly seconds: number;
}

/** Bytes gathered before each write: big writes keep the per-call overhead negligible. */
const WRITE_BATCH_BYTES = 4 << 20;
/** At most one progress event per this many milliseconds (plus one at the end). */
const PROGRESS_INTERVAL_MS = 200;

const DISK_FULL = new Set(["ENOSPC", "EDQUOT"]);

/**
 * Downloads one file into `blobs/<etag>`: bytes go to `blobs/<etag>.incomplete` (the name
 * huggingface_hub uses, so either tool resumes the other's partial download), an existing partial
 * file is resumed with an HTTP Range request, the whole content is hashed (sha256 for LFS files,
 * git's blob sha1 otherwise) and only a verified file is renamed into `blobs/`. A blob is
 * therefore always complete and correct; a failed download leaves at most the `.incomplete` file.
 */
export async function* downloadBlob(args: DownloadBlobArgs): AsyncGenerator<PullEvent, DownloadedBlob> {
  const { client, cache, file, now } = args;
  const where = { repo: cache.repo, revision: args.commit, file: file.path };
  const partial = cache.incomplete(file.etag);
  const started = now();
  let fetchedBytes = 0;
  await mkdir(cache.folder + "/blobs", { recursive: true }).catch((error: unknown) => {
    throw diskError(error, where, partial);
  });
  for (let attempt = 1; ; attempt++) {
    let offset = await stat(partial).then((s) => s.size, () => 0);
    if (offset > file.size) {
      await rm(partial, { force: true });
      offset = 0;
    }
    let hasher = createBlobHasher(file.etag, file.size);
    await hashFileInto(hasher, partial, offset);
    yield { event: "file-start", repo: cache.repo, path: file.path, size: file.size, resumeFrom: offset };
    try {
      if (offset < file.size) {
        const fetched = yield* fetchInto({ ...args, where, partial, offset, hasher, started, fetchedBefore: fetchedBytes });
        fetchedBytes += fetched.bytes;
        offset = fetched.end;
        hasher = fetched.hasher;
      }
    } catch (error) {
      if (error instanceof FetchAborted) {
        fetchedBytes += error.bytes;
        if (attempt < args.attempts) {
          yield { event: "warning", repo: cache.repo, message: `${file.path}: the connection dropped (${(error.cause as Error)?.message ?? "network"}); resuming (attempt ${attempt + 1} of ${args.attempts})` };
          continue;
        }
        const hubError = client.toHubError(error.cause, where);
        if (hubError instanceof HubError) {
          throw new HubError(hubError.reason, where, `${hubError.message} The partial download is kept in ${partial} and resumes next time.`, { cause: error.cause });
        }
        throw hubError;
      }
      throw error;
    }
    const digest = hasher.digest();
    if (offset === file.size && digest === file.etag) {
      if (file.size === 0) await writeFile(partial, new Uint8Array(0));
      await rename(partial, cache.blob(file.etag));
      return { fetchedBytes, seconds: (now() - started) / 1000 };
    }
    await rm(partial, { force: true });
    const problem = offset !== file.size ? `${offset} bytes instead of ${file.size}` : `${hasher.kind} ${digest} instead of ${file.etag}`;
    if (attempt < args.attempts) {
      yield { event: "warning", repo: cache.repo, message: `${file.path}: the downloaded bytes do not verify (${problem}); downloading it again` };
      continue;
    }
    throw new HubError("corrupt", where, `${file.path} of ${cache.repo}@${args.commit} downloaded ${args.attempts} times without matching its published hash (${problem}); nothing was kept. A proxy or a disk may be altering data.`);
  }
}

/** A body read that stopped because the connection failed; `bytes` of it were written first. */
class FetchAborted extends Error {
  constructor(readonly bytes: number, cause: unknown) {
    super("download interrupted", { cause });
  }
}

interface FetchIntoArgs extends DownloadBlobArgs {
  readonly where: { readonly repo: string; readonly revision: string; readonly file: string };
  readonly partial: string;
  readonly offset: number;
  readonly hasher: BlobHasher;
  readonly started: number;
  readonly fetchedBefore: number;
}

/** GETs the file from `offset` on and appends it to the partial file; returns where it ended. */
async function* fetchInto(args: FetchIntoArgs): AsyncGenerator<PullEvent, { bytes: number; end: number; hasher: BlobHasher }> {
  const { client, file, where, partial, now } = args;
  const url = `${client.hubUrl}/${where.repo}/resolve/${args.commit}/${file.path.split("/").map(encodeURIComponent).join("/")}`;
  let response: Response;
  try {
    // identity: Range offsets and the hash must apply to the file's bytes, not to a compressed form.
    const headers: Record<string, string> = { "accept-encoding": "identity", ...(args.offset > 0 && { range: `bytes=${args.offset}-` }) };
    response = await client.fetch(url, { headers });
  } catch (error) {
    if (isNetworkError(error)) throw new FetchAborted(0, error);
    throw error;
  }
  let offset = args.offset;
  let hasher = args.hasher;
  if (response.status === 416 && offset > 0) {
    // The server cannot serve the rest of the partial file: start over from byte 0.
    await response.body?.cancel();
    await rm(partial, { force: true });
    return yield* fetchInto({ ...args, offset: 0, hasher: createBlobHasher(file.etag, file.size) });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw client.responseError(response, where);
  }
  if (offset > 0 && response.status !== 206) {
    // The server ignored the Range header and sends the whole file: hash and write from byte 0.
    offset = 0;
    hasher = createBlobHasher(file.etag, file.size);
  } else if (offset > 0 && !(response.headers.get("content-range") ?? "").startsWith(`bytes ${offset}-`)) {
    await response.body?.cancel();
    throw new HubError("bad-response", where, `${client.hubUrl} answered a resume request for ${file.path} with Content-Range "${response.headers.get("content-range")}" instead of starting at byte ${offset}.`);
  }
  let handle: FileHandle;
  try {
    handle = await open(partial, offset > 0 ? "a" : "w");
  } catch (error) {
    await response.body?.cancel();
    throw diskError(error, where, partial);
  }
  const start = offset;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let lastEvent = now();
  const flush = async () => {
    if (pendingBytes === 0) return;
    const batch = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    try {
      for (let written = 0; written < batch.byteLength; ) {
        written += (await handle.write(batch, written, batch.byteLength - written, null)).bytesWritten;
      }
    } catch (error) {
      throw diskError(error, where, partial);
    }
  };
  try {
    const body = response.body;
    if (!body) throw new HubError("bad-response", where, `${client.hubUrl} sent no body for ${file.path}.`);
    try {
      for await (const chunk of body as AsyncIterable<Uint8Array>) {
        if (offset + chunk.byteLength > file.size) {
          throw new HubError("corrupt", where, `${client.hubUrl} sent more than the ${file.size} bytes the listing gives for ${file.path}; nothing was kept.`);
        }
        hasher.update(chunk);
        pending.push(chunk);
        pendingBytes += chunk.byteLength;
        offset += chunk.byteLength;
        if (pendingBytes >= WRITE_BATCH_BYTES) await flush();
        if (now() - lastEvent >= PROGRESS_INTERVAL_MS) {
          lastEvent = now();
          yield progress(args, offset, offset - start);
        }
      }
    } catch (error) {
      if (!isNetworkError(error)) throw error;
      await flush();
      throw new FetchAborted(offset - start, error);
    }
    await flush();
    yield progress(args, offset, offset - start);
    if (offset < file.size) {
      // A body that ends cleanly but short (no Content-Length to catch it): resume like a drop.
      throw new FetchAborted(offset - start, new HubError("network", where, `${client.hubUrl} ended ${file.path} after ${offset} of ${file.size} bytes.`));
    }
    return { bytes: offset - start, end: offset, hasher };
  } catch (error) {
    if (error instanceof HubError && error.reason === "corrupt") await rm(partial, { force: true });
    throw error;
  } finally {
    await handle.close();
  }
}

function progress(args: FetchIntoArgs, bytes: number, fetched: number): PullEvent {
  return {
    event: "file-progress",
    repo: args.where.repo,
    path: args.file.path,
    bytes,
    size: args.file.size,
    fetchedBytes: args.fetchedBefore + fetched,
    elapsedSeconds: (args.now() - args.started) / 1000,
  };
}

/** Disk-full (and other write failures) while writing the cache, with what to do about them. */
function diskError(error: unknown, where: { repo: string; revision: string; file: string }, partial: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === "string" && DISK_FULL.has(code)) {
    return new HubError(
      "disk-full",
      where,
      `the disk holding the Hugging Face cache is full while downloading ${where.file} of ${where.repo} (${code}). Free space or point HF_HUB_CACHE elsewhere; ` +
        `the part already downloaded is kept in ${partial} and resumes next time (delete it to reclaim the space). No cache entry was written.`,
      { cause: error },
    );
  }
  return error;
}
