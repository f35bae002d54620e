import { listFiles, modelInfo } from "@huggingface/hub";
import { HubError } from "./hub-error.js";
import type { HubClient } from "./hub-client.js";
import { COMMIT_HASH, isSafeRelativePath } from "./repo-cache.js";

/** One file of a repository at a commit, as the Hub's tree listing describes it. */
export interface RepoFile {
  /** Path inside the repository (top level: no `/`). */
  readonly path: string;
  /** Size of the content (for LFS files, of the real file, not the pointer). */
  readonly size: number;
  /** The blob name: the LFS sha256, or the git blob sha1 for files stored in git. */
  readonly etag: string;
  readonly lfs: boolean;
}

export interface RepoListing {
  readonly commit: string;
  readonly files: readonly RepoFile[];
}

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Resolves `revision` to its commit (the model-info endpoint, `/api/models/{repo}/revision/{rev}`)
 * and lists the repository's top-level files at that commit (the tree endpoint,
 * `/api/models/{repo}/tree/{commit}`), both through @huggingface/hub.
 */
export async function fetchRepoListing(client: HubClient, repo: string, revision: string): Promise<RepoListing> {
  const where = { repo, revision };
  let commit: string;
  try {
    const info = await modelInfo({ name: repo, revision, hubUrl: client.hubUrl, fetch: client.fetch, additionalFields: ["sha"] });
    commit = String(info.sha ?? "");
  } catch (error) {
    throw client.toHubError(error, where);
  }
  if (!COMMIT_HASH.test(commit)) {
    throw new HubError("bad-response", where, `${client.hubUrl} did not give a commit hash for ${repo}@${revision} (got "${commit}"); is HF_ENDPOINT a Hugging Face Hub?`);
  }
  const files: RepoFile[] = [];
  try {
    for await (const entry of listFiles({ repo: { type: "model", name: repo }, revision: commit, hubUrl: client.hubUrl, fetch: client.fetch })) {
      if (entry.type !== "file") continue;
      const lfsOid = entry.lfs?.oid;
      const etag = lfsOid ?? entry.oid ?? "";
      const valid = lfsOid !== undefined ? SHA256.test(lfsOid) : COMMIT_HASH.test(etag);
      if (!valid || !isSafeRelativePath(entry.path) || !Number.isSafeInteger(entry.size) || entry.size < 0) {
        throw new HubError("bad-response", { ...where, file: entry.path }, `${client.hubUrl} listed "${entry.path}" of ${repo} with an unusable hash or size (oid "${etag}", size ${entry.size}).`);
      }
      files.push({ path: entry.path, size: entry.lfs?.size ?? entry.size, etag, lfs: lfsOid !== undefined });
    }
  } catch (error) {
    throw client.toHubError(error, where);
  }
  return { commit, files };
}
