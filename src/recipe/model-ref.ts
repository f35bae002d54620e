/**
 * Model references as recipes write them (mergekit's syntax):
 *
 * - `org/name`, `org/name@revision`, or a legacy bare `name`: a Hugging Face Hub repository;
 * - `./folder`, `../x`, `/abs/path`, `~/x`, `C:\models\x`, or anything with two or more `/`: a local path
 *   (relative paths are relative to the recipe's folder; the caller resolves them);
 * - `base+adapter`: a base model with a LoRA adapter applied, each side written as above.
 *
 * The split is syntactic. `models/base` looks like a Hub repository but may be a local folder;
 * like mergekit, a resolver should check the file system first and only then ask the Hub.
 */
export type ModelRef =
  | { readonly kind: "path"; readonly path: string; readonly adapter?: ModelRef }
  | { readonly kind: "hub"; readonly repo: string; readonly revision?: string; readonly adapter?: ModelRef };

/** Hub repository names: letters, digits, `-`, `_`, `.`; an optional `owner/` prefix. */
const HUB_REPO = /^(?:[A-Za-z0-9][A-Za-z0-9._-]*\/)?[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** Git revisions: branch, tag or commit; no spaces, no `+` (it separates the adapter). */
const REVISION = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;

function looksLikePath(s: string): boolean {
  return (
    s.startsWith("/") ||
    s.startsWith("./") ||
    s.startsWith("../") ||
    s === "." ||
    s === ".." ||
    s.startsWith("~") ||
    s.includes("\\") ||
    /^[A-Za-z]:/.test(s) ||
    s.split("/").length > 2
  );
}

function parseSingle(s: string, whole: string): ModelRef {
  if (s.length === 0) throw new SyntaxError(`model reference "${whole}" has an empty part`);
  if (looksLikePath(s)) return { kind: "path", path: s };
  const at = s.indexOf("@");
  const repo = at < 0 ? s : s.slice(0, at);
  const revision = at < 0 ? undefined : s.slice(at + 1);
  if (!HUB_REPO.test(repo) || repo.includes("--") || repo.includes("..")) {
    throw new SyntaxError(
      `model reference "${whole}": "${repo}" is neither a Hub repository (org/name) nor a path; write local folders as ./${s}`,
    );
  }
  if (revision !== undefined && !REVISION.test(revision)) {
    throw new SyntaxError(`model reference "${whole}": "${revision}" is not a valid revision (branch, tag or commit)`);
  }
  return revision === undefined ? { kind: "hub", repo } : { kind: "hub", repo, revision };
}

/** Parses a model reference; throws SyntaxError with the reason when it is malformed. */
export function parseModelRef(s: string): ModelRef {
  const trimmed = s.trim();
  if (trimmed.length === 0) throw new SyntaxError("model reference is empty");
  const parts = trimmed.split("+");
  if (parts.length > 2) {
    throw new SyntaxError(`model reference "${trimmed}" has more than one "+": use base+adapter with a single adapter`);
  }
  const base = parseSingle(parts[0], trimmed);
  if (parts.length === 1) return base;
  return { ...base, adapter: parseSingle(parts[1], trimmed) };
}

/** The reference written back in recipe syntax (`parseModelRef(formatModelRef(r))` equals `r`). */
export function formatModelRef(ref: ModelRef): string {
  const own = ref.kind === "path" ? ref.path : ref.revision === undefined ? ref.repo : `${ref.repo}@${ref.revision}`;
  return ref.adapter === undefined ? own : `${own}+${formatModelRef(ref.adapter)}`;
}
