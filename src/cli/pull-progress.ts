import type { PullEvent } from "../index.js";
import { formatBytes, formatDuration, progressBar } from "./format.js";

export interface PullProgressOptions {
  /** Print every event as a JSON line on stdout instead of drawing progress on stderr. */
  readonly json: boolean;
  /**
   * Report every file, cached ones too (`smelt pull`). Otherwise (merge, inspect, convert) only
   * downloads and warnings are reported, so a fully cached model prints nothing. Defaults to true.
   */
  readonly verbose?: boolean;
  /** Draw a live bar (stderr is a terminal). Defaults to stderr.isTTY outside CI. */
  readonly tty?: boolean;
  readonly stderr?: NodeJS.WritableStream;
  readonly stdout?: NodeJS.WritableStream;
}

/**
 * Renders pull events for the CLI: on a terminal a live bar for the file being downloaded
 * (bytes, MB/s, ETA) and a line per finished file; otherwise one plain line per file; with
 * `json`, the events themselves. Returns the handler and a `clear` for the live line.
 */
export function pullProgress(options: PullProgressOptions): { onEvent: (event: PullEvent) => void; clear: () => void } {
  const stderr = options.stderr ?? process.stderr;
  const stdout = options.stdout ?? process.stdout;
  const tty = options.tty ?? ((process.stderr.isTTY === true) && !process.env.CI);
  const verbose = options.verbose ?? true;
  let live = false;
  const clear = () => {
    if (live) stderr.write("\r\x1b[K");
    live = false;
  };
  const line = (text: string) => {
    clear();
    stderr.write(`${text}\n`);
  };
  const onEvent = (e: PullEvent) => {
    if (options.json) {
      stdout.write(`${JSON.stringify(e)}\n`);
      return;
    }
    switch (e.event) {
      case "resolved": {
        const toFetch = e.files.filter((f) => !f.cached);
        const bytes = toFetch.reduce((sum, f) => sum + f.size, 0);
        if (!verbose && (e.fromCache || toFetch.length === 0)) return;
        const what = e.fromCache ? "from the cache" : toFetch.length === 0 ? "all files cached" : `${toFetch.length} of ${e.files.length} files to fetch, ${formatBytes(bytes)}`;
        line(`${e.repo}@${e.revision} → ${e.commit.slice(0, 12)} (${what})`);
        return;
      }
      case "file-start":
        if (e.resumeFrom > 0) line(`  resuming ${e.path} from ${formatBytes(e.resumeFrom)} of ${formatBytes(e.size)}`);
        return;
      case "file-progress": {
        if (!tty) return;
        const rate = e.elapsedSeconds > 0 ? e.fetchedBytes / e.elapsedSeconds : 0;
        const eta = rate > 0 ? (e.size - e.bytes) / rate : Number.NaN;
        stderr.write(`\r\x1b[K${progressBar(e.bytes, e.size, `${e.path} ${formatBytes(e.bytes)}/${formatBytes(e.size)} · ${formatBytes(rate)}/s · ETA ${formatDuration(eta)}`)}`);
        live = true;
        return;
      }
      case "file-done": {
        if (!verbose && e.status === "cached") return;
        // A rate means little for a small file (connection set-up dominates).
        const rate = e.elapsedSeconds > 0 && e.fetchedBytes >= 1e6 ? ` at ${formatBytes(e.fetchedBytes / e.elapsedSeconds)}/s` : "";
        const check = e.verified === "size" ? "size checked" : `${e.verified} verified`;
        line(`  ${e.status === "cached" ? "cached    " : "downloaded"} ${e.path} (${formatBytes(e.size)}${rate}, ${check})`);
        return;
      }
      case "warning":
        line(`warning: ${e.repo}: ${e.message}`);
        return;
      case "pulled":
        clear();
        return;
      default:
        void (e satisfies never);
    }
  };
  return { onEvent, clear };
}
