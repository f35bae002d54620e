import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import type { PullEvent } from "./pull-events.js";

/**
 * How smelt reaches the Hugging Face Hub and its cache. Every field is optional; the defaults
 * follow huggingface_hub's environment variables, so Python tools and smelt share one cache,
 * one token and one offline switch.
 */
export interface HubOptions {
  /** The Hub's address. Defaults to `HF_ENDPOINT`, else https://huggingface.co. */
  readonly hubUrl?: string;
  /**
   * The cache folder (the one holding `models--org--name/`). Defaults to `HF_HUB_CACHE`, else
   * `HUGGINGFACE_HUB_CACHE`, else `HF_HOME/hub`, else `$XDG_CACHE_HOME/huggingface/hub`, else
   * `~/.cache/huggingface/hub`.
   */
  readonly cacheDir?: string;
  /**
   * Access token sent as `Authorization: Bearer …`. Defaults to `HF_TOKEN`, else
   * `HUGGING_FACE_HUB_TOKEN`, else the file `HF_TOKEN_PATH` or `HF_HOME/token` (what
   * `hf auth login` writes). Pass `null` to send no token at all.
   */
  readonly token?: string | null;
  /** Use the cache only, never the network. Defaults to `HF_HUB_OFFLINE` (1/true/yes/on). */
  readonly offline?: boolean;
  /** Custom fetch function to use instead of the global one (tests, proxies). */
  readonly fetch?: typeof fetch;
  /**
   * How much to check blobs already in the cache before using them: `"hash"` re-hashes each one
   * (sha256 for LFS files, git's sha1 for the others: detects any corruption, costs a read of the
   * whole model), `"size"` compares sizes only. Downloads are always hashed. Defaults to `"hash"`
   * for `pull`; `resolveModel` (merge, inspect, convert) defaults to `"size"`.
   */
  readonly verify?: "hash" | "size";
  /** Attempts per file when the connection drops mid-download (each resumes). Defaults to 3. */
  readonly attempts?: number;
  /** Receives progress events while references are resolved and downloaded. */
  readonly onEvent?: (event: PullEvent) => void;
  /** Environment the defaults are read from. Defaults to `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Clock in milliseconds, for rates and ETAs. Defaults to `performance.now`. */
  readonly now?: () => number;
}

/** HubOptions with every default filled in. */
export interface ResolvedHubOptions {
  readonly hubUrl: string;
  readonly cacheDir: string;
  readonly token: string | undefined;
  readonly offline: boolean;
  readonly fetch: typeof fetch;
  readonly verify: "hash" | "size";
  readonly attempts: number;
  readonly onEvent: (event: PullEvent) => void;
  readonly now: () => number;
}

export const DEFAULT_HUB_URL = "https://huggingface.co";

/** huggingface_hub's truthy spellings for boolean environment variables. */
function isTrue(value: string | undefined): boolean {
  return value !== undefined && ["1", "on", "yes", "true"].includes(value.trim().toLowerCase());
}

function expandHome(path: string): string {
  return path === "~" || path.startsWith("~/") ? join(homedir(), path.slice(1)) : path;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/** `HF_HOME`, else `$XDG_CACHE_HOME/huggingface`, else `~/.cache/huggingface`. */
export function hfHome(env: NodeJS.ProcessEnv = process.env): string {
  const home = nonEmpty(env.HF_HOME);
  if (home) return resolve(expandHome(home));
  const xdg = nonEmpty(env.XDG_CACHE_HOME);
  return resolve(xdg ? expandHome(xdg) : join(homedir(), ".cache"), "huggingface");
}

/** The Hub cache folder huggingface_hub would use with this environment. */
export function defaultHubCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = nonEmpty(env.HF_HUB_CACHE) ?? nonEmpty(env.HUGGINGFACE_HUB_CACHE);
  return explicit ? resolve(expandHome(explicit)) : join(hfHome(env), "hub");
}

function defaultToken(env: NodeJS.ProcessEnv): string | undefined {
  const fromEnv = nonEmpty(env.HF_TOKEN) ?? nonEmpty(env.HUGGING_FACE_HUB_TOKEN);
  if (fromEnv) return fromEnv;
  const file = nonEmpty(env.HF_TOKEN_PATH) ? expandHome(env.HF_TOKEN_PATH!.trim()) : join(hfHome(env), "token");
  try {
    return nonEmpty(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

/** Fills in every default of `options` (see HubOptions for each one). */
export function resolveHubOptions(options: HubOptions = {}): ResolvedHubOptions {
  const env = options.env ?? process.env;
  const hubUrl = (options.hubUrl ?? nonEmpty(env.HF_ENDPOINT) ?? DEFAULT_HUB_URL).replace(/\/+$/, "");
  return {
    hubUrl,
    cacheDir: resolve(options.cacheDir ?? defaultHubCacheDir(env)),
    token: options.token === null ? undefined : (options.token ?? defaultToken(env)),
    offline: options.offline ?? isTrue(env.HF_HUB_OFFLINE),
    fetch: options.fetch ?? globalThis.fetch,
    verify: options.verify ?? "hash",
    attempts: Math.max(1, options.attempts ?? 3),
    onEvent: options.onEvent ?? (() => {}),
    now: options.now ?? (() => performance.now()),
  };
}
