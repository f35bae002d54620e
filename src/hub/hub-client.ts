import { HubApiError } from "@huggingface/hub";
import { HubError } from "./hub-error.js";
import type { ResolvedHubOptions } from "./hub-options.js";

/** Which repository, revision and file a request was about: named in every error. */
export interface HubWhere {
  readonly repo: string;
  readonly revision?: string;
  readonly file?: string;
}

/**
 * The one door to the Hub: a fetch that adds the token and a user agent, and remembers the
 * `X-Error-Code` header of failed responses (the Hub's RepoNotFound / RevisionNotFound /
 * EntryNotFound / GatedRepo), which @huggingface/hub's HubApiError does not keep.
 */
export interface HubClient {
  readonly hubUrl: string;
  readonly hasToken: boolean;
  readonly fetch: typeof fetch;
  /** Turns a failure (HubApiError, a failed Response, a network error) into a HubError. */
  toHubError(error: unknown, where: HubWhere): unknown;
  /** The HubError for a non-2xx response of `fetch`. */
  responseError(response: Response, where: HubWhere): HubError;
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EPIPE"]);

/** True for failures of the connection itself (refused, reset, DNS, a body cut short). */
export function isNetworkError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === "string" && (NETWORK_CODES.has(code) || code.startsWith("UND_ERR_"))) return true;
    if (e instanceof TypeError && (e.message === "fetch failed" || e.message === "terminated")) return true;
    if (e.name === "AbortError" || e.name === "TimeoutError") return true;
  }
  return false;
}

/** The most specific reason in a chain of causes: the first errno code, else the innermost message. */
function networkReason(error: unknown): string {
  let innermost = error instanceof Error ? error.message : String(error);
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === "string") return `${code}: ${e.message}`;
    innermost = e.message;
  }
  return innermost;
}

function label(where: HubWhere): string {
  const ref = where.revision ? `${where.repo}@${where.revision}` : where.repo;
  return where.file ? `${where.file} of ${ref}` : ref;
}

export function createHubClient(options: ResolvedHubOptions): HubClient {
  const { hubUrl, token } = options;
  const errorCodes = new Map<string, string>();
  const hubFetch: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    if (token && !headers.has("authorization")) headers.set("authorization", `Bearer ${token}`);
    if (!headers.has("user-agent")) headers.set("user-agent", "smelt; hf_hub/@huggingface/hub");
    const response = await options.fetch(input, { ...init, headers });
    if (!response.ok) {
      const code = response.headers.get("x-error-code");
      const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      if (code) {
        errorCodes.set(url, code);
        if (response.url) errorCodes.set(response.url, code);
      }
    }
    return response;
  };

  const httpError = (status: number, code: string | undefined, url: string, detail: string, where: HubWhere): HubError => {
    const at = { ...where, status };
    const repoPage = `${hubUrl}/${where.repo}`;
    if (code === "RevisionNotFound") {
      return new HubError("revision-not-found", at, `revision "${where.revision}" does not exist in ${where.repo} (HTTP ${status} from ${hubUrl}). Name a branch, tag or commit of ${repoPage}, e.g. ${where.repo}@main.`);
    }
    if (code === "EntryNotFound") {
      return new HubError("file-not-found", at, `${label(where)} is missing on ${hubUrl} (HTTP ${status}), although the repository's listing names it. Try again; if it persists the repository is inconsistent.`);
    }
    if (code === "GatedRepo") {
      return new HubError("gated", at, `${where.repo} is a gated repository (HTTP ${status}): accept its conditions at ${repoPage} while logged in, then set HF_TOKEN to a token of that account${token ? " (the token in use has no access yet)" : ""}.`);
    }
    if (code === "RepoNotFound" || (status === 404 && where.file === undefined)) {
      const hint = token
        ? "Check the spelling; if the repository is private, the token in use (HF_TOKEN) cannot read it."
        : "Check the spelling; if the repository is private or gated, set HF_TOKEN to a token that can read it.";
      return new HubError("repo-not-found", at, `Hugging Face repository "${where.repo}" was not found at ${hubUrl} (HTTP ${status}). ${hint}`);
    }
    if (status === 401 || status === 403) {
      const hint = token
        ? "The token in HF_TOKEN was refused or cannot read this repository: check it at https://huggingface.co/settings/tokens."
        : "The repository needs authentication: set HF_TOKEN to an access token (https://huggingface.co/settings/tokens).";
      return new HubError("unauthorized", at, `${hubUrl} refused access to ${label(where)} (HTTP ${status}). ${hint}`);
    }
    if (status === 404) {
      return new HubError("file-not-found", at, `${label(where)} is missing on ${hubUrl} (HTTP 404).`);
    }
    return new HubError("bad-response", at, `${hubUrl} answered HTTP ${status} for ${label(where)} (${url})${detail ? `: ${detail}` : ""}. Try again later.`);
  };

  return {
    hubUrl,
    hasToken: token !== undefined,
    fetch: hubFetch,
    responseError(response, where) {
      return httpError(response.status, response.headers.get("x-error-code") ?? undefined, response.url, "", where);
    },
    toHubError(error, where) {
      if (error instanceof HubError) return error;
      if (error instanceof HubApiError) {
        const detail = error.message.split(". URL:")[0];
        return httpError(error.statusCode, errorCodes.get(error.url), error.url, detail, where);
      }
      if (isNetworkError(error)) {
        return new HubError(
          "network",
          where,
          `cannot reach ${hubUrl} for ${label(where)} (${networkReason(error)}). Check the connection or HF_ENDPOINT; with HF_HUB_OFFLINE=1 smelt uses the cache only.`,
          { cause: error },
        );
      }
      return error;
    },
  };
}
