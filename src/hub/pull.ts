import { readFile, stat } from "node:fs/promises";
import { relative } from "node:path";
import { SmeltError } from "../errors.js";
import { parseModelRef } from "../recipe/model-ref.js";
import { parseSafetensorsIndex } from "../tensor/safetensors/parse-safetensors-index.js";
import { ensureSnapshotFile } from "./ensure-snapshot-file.js";
import { fetchRepoListing, type RepoFile } from "./fetch-repo-listing.js";
import { createHubClient } from "./hub-client.js";
import { HubError } from "./hub-error.js";
import { resolveHubOptions, type HubOptions, type ResolvedHubOptions } from "./hub-options.js";
import type { PullEvent, PullResult } from "./pull-events.js";
import { readCachedSnapshot } from "./read-cached-snapshot.js";
import { repoCache, writeRef, type RepoCache } from "./repo-cache.js";
import { selectModelFiles } from "./select-model-files.js";

/** A Hub repository at a revision (`org/name` or `org/name@revision`). */
export interface HubModelRef {
  readonly repo: string;
  /** Branch, tag or commit. Defaults to `main`. */
  readonly revision?: string;
}

/** Parses `org/name[@revision]`; refuses local paths and `base+adapter` (pull each side). */
export function parseHubRef(ref: string): HubModelRef {
  let parsed;
  try {
    parsed = parseModelRef(ref);
  } catch (error) {
    throw new SmeltError("usage", `${(error as Error).message}`);
  }
  if (parsed.adapter !== undefined) throw new SmeltError("usage", `"${ref}" names a base and an adapter: pull each reference on its own`);
  if (parsed.kind !== "hub") throw new SmeltError("usage", `"${ref}" is a local path, not a Hugging Face reference (org/name or org/name@revision)`);
  return { repo: parsed.repo, revision: parsed.revision };
}

const DISK_FULL = new Set(["ENOSPC", "EDQUOT"]);

/**
 * Brings a Hub model into the shared Hugging Face cache and returns its snapshot folder,
 * streaming progress events (house style §10; `pull` drains it). Only what a merge or a
 * conversion reads is fetched: safetensors weights (single file, or the index and the shards it
 * names), config.json, tokenizer and generation config files; for a PEFT adapter repository its
 * adapter_config.json and adapter_model.safetensors. Pickle-only repositories are refused.
 *
 * Online, the revision is resolved to a commit and every file is reused from the cache when it
 * verifies, else downloaded (resuming an interrupted download) and verified by its hash;
 * `refs/<revision>` is written last. Offline (HF_HUB_OFFLINE), or when the Hub cannot be
 * reached, the cache alone answers. Hub failures are HubErrors.
 */
export async function* pullIter(ref: string | HubModelRef, options: HubOptions = {}): AsyncGenerator<PullEvent, PullResult> {
  const { repo, revision = "main" } = typeof ref === "string" ? parseHubRef(ref) : ref;
  const opts = resolveHubOptions(options);
  const cache = repoCache(opts.cacheDir, repo);
  const started = opts.now();
  const finish = (commit: string, kind: "model" | "adapter", files: readonly string[], downloadedBytes: number, fromCache: boolean): PullResult => ({
    repo, revision, commit, folder: cache.snapshotDir(commit), kind, files, downloadedBytes, fromCache, seconds: (opts.now() - started) / 1000,
  });
  try {
    if (opts.offline) {
      const cached = await readCachedSnapshot(cache, revision, opts.verify);
      yield { event: "resolved", repo, revision, commit: cached.commit, files: await cachedFiles(cache, cached.commit, cached.files), fromCache: true };
      const result = finish(cached.commit, cached.kind, cached.files, 0, true);
      yield { event: "pulled", ...result };
      return result;
    }
    const client = createHubClient(opts);
    let listing;
    try {
      listing = await fetchRepoListing(client, repo, revision);
    } catch (error) {
      if (!(error instanceof HubError) || error.reason !== "network") throw error;
      const cached = await readCachedSnapshot(cache, revision, opts.verify).catch((cacheError: unknown) => {
        throw new HubError("network", { repo, revision }, `${error.message} The cache cannot stand in: ${(cacheError as Error).message}`, { cause: error });
      });
      yield { event: "warning", repo, message: `${opts.hubUrl} cannot be reached; using ${repo}@${revision} from the cache (commit ${cached.commit})` };
      yield { event: "resolved", repo, revision, commit: cached.commit, files: await cachedFiles(cache, cached.commit, cached.files), fromCache: true };
      const result = finish(cached.commit, cached.kind, cached.files, 0, true);
      yield { event: "pulled", ...result };
      return result;
    }
    const { commit } = listing;
    const byPath = new Map(listing.files.map((f) => [f.path, f]));
    const selection = selectModelFiles(repo, revision, [...byPath.keys()]);
    const step = { client, cache, commit, verify: opts.verify, attempts: opts.attempts, now: opts.now };
    let downloadedBytes = 0;
    const wanted = selection.files.map((path) => byPath.get(path)!);
    if (selection.index !== undefined) {
      const indexFile = byPath.get(selection.index)!;
      downloadedBytes += yield* ensureSnapshotFile({ ...step, file: indexFile });
      wanted.splice(wanted.indexOf(indexFile), 1);
      wanted.push(...(await shardsOf(cache, commit, indexFile, byPath, revision)));
    }
    yield {
      event: "resolved", repo, revision, commit, fromCache: false,
      files: await Promise.all(wanted.map(async (f) => ({ path: f.path, size: f.size, cached: await isCached(cache, f) }))),
    };
    for (const file of wanted) downloadedBytes += yield* ensureSnapshotFile({ ...step, file });
    if (revision !== commit) await writeRef(cache, revision, commit);
    const files = selection.index === undefined ? wanted.map((f) => f.path) : [selection.index, ...wanted.map((f) => f.path)];
    const result = finish(commit, selection.kind, files, downloadedBytes, false);
    yield { event: "pulled", ...result };
    return result;
  } catch (error) {
    throw translateDiskError(error, repo, revision, opts);
  }
}

/** Runs `pullIter` to completion, passing each event to `options.onEvent`. */
export async function pull(ref: string | HubModelRef, options: HubOptions = {}): Promise<PullResult> {
  const iterator = pullIter(ref, options);
  for (;;) {
    const next = await iterator.next();
    if (next.done) return next.value;
    options.onEvent?.(next.value);
  }
}

/** The shard files a downloaded index names, each of which the listing must have. */
async function shardsOf(cache: RepoCache, commit: string, index: RepoFile, byPath: ReadonlyMap<string, RepoFile>, revision: string): Promise<RepoFile[]> {
  const dir = cache.snapshotDir(commit);
  const path = cache.snapshotFile(commit, index.path);
  const parsed = parseSafetensorsIndex(await readFile(path, "utf8"), dir, path);
  return parsed.shards.map((shard) => {
    const name = relative(dir, shard).split("\\").join("/");
    const file = byPath.get(name);
    if (!file) {
      throw new HubError("no-weights", { repo: cache.repo, revision, file: name }, `${index.path} of ${cache.repo}@${revision} names shard "${name}", which the repository does not have; the repository is incomplete.`);
    }
    return file;
  });
}

/** The files of a cached snapshot as the `resolved` event lists them. */
async function cachedFiles(cache: RepoCache, commit: string, files: readonly string[]): Promise<{ path: string; size: number; cached: boolean }[]> {
  return Promise.all(files.map(async (path) => ({ path, size: (await stat(cache.snapshotFile(commit, path))).size, cached: true })));
}

async function isCached(cache: RepoCache, file: RepoFile): Promise<boolean> {
  return stat(cache.blob(file.etag)).then((s) => s.size === file.size, () => false);
}

function translateDiskError(error: unknown, repo: string, revision: string, opts: ResolvedHubOptions): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (error instanceof SmeltError || typeof code !== "string" || !DISK_FULL.has(code)) return error;
  return new HubError("disk-full", { repo, revision }, `the disk holding the Hugging Face cache (${opts.cacheDir}) is full while pulling ${repo}@${revision} (${code}). Free space or point HF_HUB_CACHE elsewhere. No cache entry was written.`, { cause: error });
}
