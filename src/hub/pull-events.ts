/**
 * Events `pullIter` streams while it resolves a reference and downloads its files (house style
 * §6, §10). Plain, JSON-serialisable data: the CLI draws progress bars from them or prints them
 * as JSON lines.
 */
export type PullEvent =
  | {
      /** The revision was resolved to a commit, and the files to fetch are known. */
      readonly event: "resolved";
      readonly repo: string;
      readonly revision: string;
      readonly commit: string;
      /** Every file the snapshot will hold, with its size and whether the cache already has it. */
      readonly files: readonly { readonly path: string; readonly size: number; readonly cached: boolean }[];
      /** True when the commit came from the cache (offline, or the Hub was unreachable). */
      readonly fromCache: boolean;
    }
  | {
      readonly event: "file-start";
      readonly repo: string;
      readonly path: string;
      readonly size: number;
      /** Bytes already on disk from an interrupted download (the rest is fetched with a Range request). */
      readonly resumeFrom: number;
    }
  | {
      readonly event: "file-progress";
      readonly repo: string;
      readonly path: string;
      /** Bytes of the file on disk so far, including resumed ones. */
      readonly bytes: number;
      readonly size: number;
      /** Bytes fetched by this process for this file, and the seconds it took (for rates). */
      readonly fetchedBytes: number;
      readonly elapsedSeconds: number;
    }
  | {
      readonly event: "file-done";
      readonly repo: string;
      readonly path: string;
      readonly size: number;
      /** "cached": already in the cache and checked; "downloaded": fetched and verified now. */
      readonly status: "cached" | "downloaded";
      /** What the bytes were checked against. */
      readonly verified: "sha256" | "git-sha1" | "size";
      readonly fetchedBytes: number;
      readonly elapsedSeconds: number;
    }
  | { readonly event: "warning"; readonly repo: string; readonly message: string }
  | ({ readonly event: "pulled" } & PullResult);

/** What a pull returns: where the snapshot is, and what it holds. */
export interface PullResult {
  readonly repo: string;
  /** The revision asked for (`main` when none was given). */
  readonly revision: string;
  /** The 40-hex commit the revision resolved to. */
  readonly commit: string;
  /** `snapshots/<commit>` inside the repository's cache folder: a ready HF model folder. */
  readonly folder: string;
  /** "model": weights + config; "adapter": a PEFT adapter (adapter_config.json + adapter_model.safetensors). */
  readonly kind: "model" | "adapter";
  /** Paths (relative to `folder`) of the files the snapshot holds for smelt. */
  readonly files: readonly string[];
  /** Bytes fetched over the network by this pull (0 when everything was cached). */
  readonly downloadedBytes: number;
  readonly fromCache: boolean;
  readonly seconds: number;
}
