import { readdir, readFile, readlink, stat } from "node:fs/promises";
import { basename, join, relative } from "node:path";
import { parseSafetensorsIndex } from "../tensor/safetensors/parse-safetensors-index.js";
import { blobMatches } from "./blob-hash.js";
import { HubError } from "./hub-error.js";
import { COMMIT_HASH, readRef, type RepoCache } from "./repo-cache.js";
import { selectModelFiles } from "./select-model-files.js";

/** A snapshot found complete in the cache. */
export interface CachedSnapshot {
  readonly commit: string;
  readonly kind: "model" | "adapter";
  readonly files: readonly string[];
}

/**
 * Finds `repo@revision` in the cache without the network (HF_HUB_OFFLINE, or the Hub is
 * unreachable): the revision through `refs/<revision>` (or as a commit hash), then the
 * snapshot's files, each of which must resolve to a blob. With `verify: "hash"` every blob is
 * re-hashed against its name. Throws an `offline-missing` HubError naming exactly what is absent.
 */
export async function readCachedSnapshot(cache: RepoCache, revision: string, verify: "hash" | "size"): Promise<CachedSnapshot> {
  const repo = cache.repo;
  const where = { repo, revision };
  const advice = `run \`smelt pull ${repo}${revision === "main" ? "" : `@${revision}`}\` while online (without HF_HUB_OFFLINE)`;
  const commit = COMMIT_HASH.test(revision) ? revision : await readRef(cache, revision);
  if (commit === undefined) {
    throw new HubError("offline-missing", where, `${repo}@${revision} is not in the Hugging Face cache (no ${relative(cache.folder, cache.refFile(revision))} in ${cache.folder}); ${advice}.`);
  }
  const dir = cache.snapshotDir(commit);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => undefined);
  if (entries === undefined) {
    throw new HubError("offline-missing", where, `${repo}@${revision} resolves to commit ${commit}, whose snapshot is not in the cache (${dir} is missing); ${advice}.`);
  }
  // Names include dangling links (a blob deleted by hand or by a cache cleaner): they show what
  // the snapshot should hold, and are reported as missing below.
  const names = entries.filter((e) => !e.isDirectory() && !e.name.includes(".tmp-")).map((e) => e.name);
  const present = new Set<string>();
  for (const name of names) {
    if (await stat(join(dir, name)).then((s) => s.isFile(), () => false)) present.add(name);
  }
  let selection;
  try {
    selection = selectModelFiles(repo, revision, names);
  } catch (error) {
    if (!(error instanceof HubError) || error.reason === "pickle-only") throw error;
    const listed = names.length > 0 ? names.join(", ") : "nothing";
    throw new HubError("offline-missing", where, `the cached snapshot of ${repo}@${revision} (commit ${commit}) has no safetensors weights (it holds ${listed}); ${advice}.`);
  }
  const files = [...selection.files];
  if (selection.index !== undefined && present.has(selection.index)) {
    const indexPath = join(dir, selection.index);
    const index = parseSafetensorsIndex(await readFile(indexPath, "utf8"), dir, indexPath);
    for (const shard of index.shards) files.push(relative(dir, shard));
  }
  const missing = files.filter((f) => !present.has(f));
  if (missing.length > 0) {
    throw new HubError("offline-missing", { ...where, file: missing[0] }, `the cached snapshot of ${repo}@${revision} (commit ${commit}) lacks ${missing.join(", ")} (in ${dir}); ${advice}.`);
  }
  if (verify === "hash") {
    for (const file of files) {
      const link = join(dir, file);
      const etag = basename(await readlink(link).catch(() => ""));
      if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(etag)) continue;
      if (!(await blobMatches(link, etag))) {
        throw new HubError("corrupt", { ...where, file }, `the cached ${file} of ${repo}@${revision} is corrupt (its content does not match the hash it is stored under, ${etag}); ${advice} to fetch it again.`);
      }
    }
  }
  return { commit, kind: selection.kind, files };
}
