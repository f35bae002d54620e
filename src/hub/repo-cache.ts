import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, symlink, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";

/**
 * One repository's folder in the Hugging Face cache, laid out as huggingface_hub does (the Hub's
 * "local cache" reference):
 *
 * ```
 * models--org--name/
 *   blobs/<etag>                    file contents, named by sha256 (LFS) or git blob sha1 (others)
 *   blobs/<etag>.incomplete         a download in progress (resumed with a Range request)
 *   snapshots/<commit>/<path>       relative symlinks into ../../blobs/<etag>
 *   refs/<revision>                 the commit a branch or tag pointed to when last resolved
 * ../.locks/models--org--name/<etag>.smelt.lock   smelt's lock on a blob being downloaded
 * ```
 * (huggingface_hub keeps its own `<etag>.lock` files beside them; they are flock()ed, which Node
 * cannot do, so smelt's locks have names of their own.)
 *
 * Python tools read what smelt writes here, and smelt reads what they wrote.
 */
export interface RepoCache {
  readonly repo: string;
  /** `<cacheDir>/models--org--name`. */
  readonly folder: string;
  blob(etag: string): string;
  incomplete(etag: string): string;
  snapshotDir(commit: string): string;
  snapshotFile(commit: string, path: string): string;
  refFile(revision: string): string;
  /** smelt's cross-process lock on downloading one blob (see blob-lock.ts). */
  lockFile(etag: string): string;
}

export const COMMIT_HASH = /^[0-9a-f]{40}$/;
/** Blob names: git sha1 (40 hex) or LFS sha256 (64 hex). */
const ETAG = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** `models--org--name`: the repository's folder name in the cache. */
export function repoFolderName(repo: string): string {
  return ["models", ...repo.split("/")].join("--");
}

/** True for a relative path made of plain segments (no `..`, no absolute path, no backslash). */
export function isSafeRelativePath(path: string): boolean {
  if (path.length === 0 || path.startsWith("/") || path.includes("\\") || path.includes("\0")) return false;
  return path.split("/").every((segment) => segment !== "" && segment !== "." && segment !== "..");
}

export function repoCache(cacheDir: string, repo: string): RepoCache {
  const folder = join(cacheDir, repoFolderName(repo));
  const checkEtag = (etag: string) => {
    if (!ETAG.test(etag)) throw new RangeError(`"${etag}" is not a blob name (40 or 64 lowercase hex digits)`);
    return etag;
  };
  const checkPath = (path: string) => {
    if (!isSafeRelativePath(path)) throw new RangeError(`"${path}" is not a plain relative path inside the repository`);
    return path;
  };
  return {
    repo,
    folder,
    blob: (etag) => join(folder, "blobs", checkEtag(etag)),
    incomplete: (etag) => join(folder, "blobs", `${checkEtag(etag)}.incomplete`),
    snapshotDir: (commit) => join(folder, "snapshots", checkPath(commit)),
    snapshotFile: (commit, path) => join(folder, "snapshots", checkPath(commit), checkPath(path)),
    refFile: (revision) => join(folder, "refs", checkPath(revision)),
    lockFile: (etag) => join(cacheDir, ".locks", repoFolderName(repo), `${checkEtag(etag)}.smelt.lock`),
  };
}

/** The commit `refs/<revision>` holds, or undefined when the cache has no such ref. */
export async function readRef(cache: RepoCache, revision: string): Promise<string | undefined> {
  try {
    const text = (await readFile(cache.refFile(revision), "utf8")).trim();
    return COMMIT_HASH.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}

/** Writes `refs/<revision>` atomically (temp file + rename), so a reader never sees half a hash. */
export async function writeRef(cache: RepoCache, revision: string, commit: string): Promise<void> {
  const file = cache.refFile(revision);
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.tmp-${randomBytes(4).toString("hex")}`;
  try {
    await writeFile(temp, commit);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Points `snapshots/<commit>/<path>` at `blobs/<etag>` with a relative symlink (so the cache can
 * be moved), replacing any previous link atomically.
 */
export async function linkSnapshotFile(cache: RepoCache, commit: string, path: string, etag: string): Promise<void> {
  const link = cache.snapshotFile(commit, path);
  await mkdir(dirname(link), { recursive: true });
  const target = relative(dirname(link), cache.blob(etag));
  const temp = `${link}.tmp-${randomBytes(4).toString("hex")}`;
  try {
    await symlink(target, temp);
    await rename(temp, link);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
