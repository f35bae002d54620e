import type { EvalBackend, KvCacheType } from "../../eval/index.js";
import type { HubOptions } from "../../hub/index.js";
import type { MergePool } from "../../merge/index.js";
import type { SearchControl } from "./search-control.js";

export interface SearchOptions {
  /** Folder runs are created in. Defaults to "runs" (relative to the cwd). */
  readonly runsDir?: string;
  /** Id of a new run (its folder name). Defaults to the start time plus a random suffix. */
  readonly runId?: string;
  /** Worker threads merging candidates. Defaults to 1: the other core scores. */
  readonly mergeThreads?: number;
  /** llama.cpp threads scoring candidates. Defaults to 1 (best for tiny models, FIELD-NOTES §4). */
  readonly evalThreads?: number;
  /** KV cache type for scoring. Defaults to "F16", llama.cpp's default. */
  readonly kvCache?: KvCacheType;
  /** Keep the best N candidate GGUFs in runs/<id>/candidates/. Defaults to 0. */
  readonly keep?: number;
  /** Where candidates are written while scored. Defaults to /dev/shm (tmpfs) when usable, else the OS temp folder. */
  readonly tmpDir?: string;
  /** Items per task and split (for quick runs). Defaults to all. */
  readonly limit?: number;
  /** Per-candidate time limit for merge + scoring, in seconds. Defaults to none. */
  readonly candidateTimeoutSeconds?: number;
  /** Let objectives name well-known public benchmarks. Defaults to false (mergekit-evolve's guard). */
  readonly allowPublicBenchmarks?: boolean;
  /**
   * Stop gracefully: the candidate being scored finishes and is journaled, nothing new starts, and
   * the search ends with reason "stopped" (a resume continues it). Also ends a pause.
   */
  readonly signal?: AbortSignal;
  /**
   * Pause and resume (createSearchControl): while paused, the candidate being scored finishes and
   * nothing new starts until resume(); pauses are journaled (run-paused / run-unpaused) and do not
   * count against a `minutes` budget. Defaults to none (never paused).
   */
  readonly control?: SearchControl;
  /**
   * How the space's Hub references (`org/name[@rev]`) are resolved: Hub address, cache folder,
   * token, offline switch, fetch. Defaults follow huggingface_hub's environment variables
   * (HF_ENDPOINT, HF_HUB_CACHE / HF_HOME, HF_TOKEN, HF_HUB_OFFLINE). Only the start of a new run
   * (and a resume whose pinned commit is missing from the cache) asks the Hub; candidates read the
   * cache. Progress arrives as "download" events, not through `onEvent` here.
   */
  readonly hub?: Omit<HubOptions, "onEvent">;
  /** Injected scorer (tests); the default is llama.cpp through node-llama-cpp. */
  readonly backend?: EvalBackend;
  /** Injected merge pool (tests, or a caller that keeps one); defaults to one made here. */
  readonly pool?: MergePool;
  /** Milliseconds clock. Defaults to performance.now. */
  readonly now?: () => number;
  /** Wall clock for journal stamps. Defaults to () => new Date(). */
  readonly clock?: () => Date;
}
