import { SmeltError } from "../errors.js";

/**
 * Why talking to the Hugging Face Hub (or its cache) failed. Each reason has its own advice in
 * the message; callers switch on `reason` rather than parse text.
 */
export type HubErrorReason =
  /** The repository does not exist, or is private and the token (if any) cannot see it. */
  | "repo-not-found"
  /** The branch, tag or commit does not exist in the repository. */
  | "revision-not-found"
  /** A file the listing named is missing on the server. */
  | "file-not-found"
  /** 401/403: no token, a wrong token, or a token without access. */
  | "unauthorized"
  /** A gated repository whose conditions the token's owner has not accepted. */
  | "gated"
  /** The Hub could not be reached (DNS, refused connection, reset, timeout). */
  | "network"
  /** HF_HUB_OFFLINE is set and the cache lacks the revision or one of its files. */
  | "offline-missing"
  /** The repository has only pickle weights (.bin/.pt/.pth/.ckpt), which smelt never loads. */
  | "pickle-only"
  /** The repository has no weights smelt can use. */
  | "no-weights"
  /** Downloaded bytes (or a cached blob) do not match the hash the Hub published. */
  | "corrupt"
  /** The cache's disk is full (or over quota) while downloading. */
  | "disk-full"
  /** The Hub answered something smelt does not understand. */
  | "bad-response";

/** A Hub reference could not be resolved or downloaded. Nothing half-written is left in the cache. */
export class HubError extends SmeltError {
  readonly reason: HubErrorReason;
  /** `org/name` of the repository concerned. */
  readonly repo: string;
  readonly revision: string | undefined;
  /** The file inside the repository, when one file is concerned. */
  readonly file: string | undefined;
  /** The HTTP status, when the Hub answered with an error. */
  readonly status: number | undefined;
  constructor(
    reason: HubErrorReason,
    where: { readonly repo: string; readonly revision?: string; readonly file?: string; readonly status?: number },
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`hub-${reason}`, message, options);
    this.reason = reason;
    this.repo = where.repo;
    this.revision = where.revision;
    this.file = where.file;
    this.status = where.status;
  }
}
