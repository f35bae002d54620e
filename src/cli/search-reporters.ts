import type { PullEvent, SearchControl, SearchEvent, TaskScore } from "../index.js";
import { formatBytes } from "./format.js";

/** A reporter turns search events into output: the TUI, plain lines or JSON lines, over one stream. */
export interface SearchReporter {
  event(e: SearchEvent): void;
  /** Called once when the search has ended or thrown; the TUI gives the terminal back here. */
  close?(): Promise<void>;
  /** The reporter handles Ctrl-C itself (the TUI reads it as a key in raw mode). */
  readonly handlesInterrupt?: boolean;
}

/** What a reporter may use besides the events. */
export interface ReporterContext {
  readonly write: (text: string) => void;
  /** Pause/resume of the running search. */
  readonly control: SearchControl;
  /** Stops the search gracefully (the current candidate finishes and is journaled). */
  readonly stop: () => void;
  /** Exits at once (a second Ctrl-C), after the reporter has restored the terminal. */
  readonly forceExit: () => void;
  /** Shown as the TUI's title (the space's file name). */
  readonly title: string;
}

export type ReporterName = "tui" | "plain" | "jsonl";

/** The reporters by name (tap's report() picks an ink component or a stream the same way). */
export const searchReporters: Readonly<Record<ReporterName, (ctx: ReporterContext) => SearchReporter | Promise<SearchReporter>>> = {
  // The TUI (ink, ~0.5 s to load) is imported only when it is the reporter.
  tui: async (ctx) => (await import("../tui/tui-reporter.js")).createTuiReporter(ctx),
  plain: (ctx) => plainReporter(ctx.write),
  jsonl: (ctx) => jsonlReporter(ctx.write),
};

/** Whether `env` says we run in CI, as ink decides it (ink draws only the last frame there). */
export function isCi(env: NodeJS.ProcessEnv): boolean {
  const set = (key: string) => key in env && env[key] !== "0" && env[key] !== "false";
  return set("CI") || set("CONTINUOUS_INTEGRATION");
}

/**
 * The reporter to use: `--plain` wins, then an explicit `--reporter`; the TUI needs an
 * interactive terminal (stdin and stdout TTYs) outside CI and falls back to plain lines otherwise,
 * which is also the default there.
 */
export function chooseReporter(args: { readonly requested: ReporterName | undefined; readonly plain: boolean; readonly stdoutIsTTY: boolean; readonly stdinIsTTY: boolean; readonly env: NodeJS.ProcessEnv }): ReporterName {
  if (args.plain) return "plain";
  const interactive = args.stdoutIsTTY && args.stdinIsTTY && !isCi(args.env);
  const wanted = args.requested ?? (interactive ? "tui" : "plain");
  return wanted === "tui" && !interactive ? "plain" : wanted;
}

export function jsonlReporter(write: (text: string) => void): SearchReporter {
  return { event: (e) => write(`${JSON.stringify(e)}\n`) };
}

/** One line per reference and per candidate: what a log file or a non-TTY terminal wants. */
export function plainReporter(write: (text: string) => void): SearchReporter {
  const download = downloadLines();
  return {
    event(e) {
      switch (e.type) {
        case "run":
          write(`${e.resumed ? "resuming" : "starting"} run ${e.runId} in ${e.dir}; budget ${budgetText(e.budget)}${e.done > 0 ? `; ${e.done} candidates already done` : ""}\n`);
          break;
        case "reference":
          write(`reference ${e.role.padEnd(6)} ${short(e.model)} [${e.split}] fitness ${e.fitness.toFixed(3)}  ${tasksText(e.tasks)}${e.cached ? " (from journal)" : ""}\n`);
          break;
        case "download": {
          const line = download(e.ref, e.pinned, e.pull);
          if (line !== undefined) write(`${line}\n`);
          break;
        }
        case "scored":
          write(`${e.id} gen ${e.generation} ${e.method.padEnd(15)} fitness ${e.fitness.toFixed(3)}  ${tasksText(e.tasks)}  merge ${e.seconds.merge.toFixed(1)}s score ${e.seconds.score.toFixed(1)}s${e.best ? "  * best so far" : ""}\n`);
          break;
        case "failed":
          write(`${e.id} FAILED in ${e.phase}: ${e.reason}\n`);
          break;
        case "heldout":
          write(`held-out ${e.id} fitness ${e.fitness.toFixed(3)}  ${tasksText(e.tasks)}\n`);
          break;
        case "paused":
          write(`paused: nothing new starts until resumed${e.waiting ? ` (${e.waiting} is merged and waits)` : ""}\n`);
          break;
        case "resumed":
          write(e.stopping ? `stopping (was paused ${e.seconds.toFixed(0)}s)\n` : `resumed after ${e.seconds.toFixed(0)}s\n`);
          break;
        case "finished":
          write(`finished (${e.reason}); best candidate ${e.best ?? "none"}\n`);
          break;
        case "proposed":
        case "phase":
          break;
        default:
          void (e satisfies never);
      }
    },
  };
}

function budgetText(b: { evaluations?: number; minutes?: number }): string {
  return [b.evaluations !== undefined ? `${b.evaluations} evaluations` : undefined, b.minutes !== undefined ? `${b.minutes} minutes` : undefined].filter(Boolean).join(" or ");
}

function tasksText(tasks: Readonly<Record<string, TaskScore>>): string {
  return Object.entries(tasks)
    .map(([name, t]) => `${name} ${t.value.toFixed(3)}${t.stderr === null ? "" : `±${t.stderr.toFixed(3)}`}`)
    .join("  ");
}

function short(path: string): string {
  const parts = path.split("/");
  return parts.slice(-2).join("/");
}

/** Quarters of a file's download reported by a plain reporter, for files at least this big. */
const QUARTERS_FROM_BYTES = 64e6;

/**
 * Plain lines for the resolution of a space's Hub reference: the commit it resolved to (or the
 * commit the run pinned), each file downloaded and verified, a line per quarter of a big file,
 * resumed downloads and warnings. Cached files print nothing.
 */
function downloadLines(): (ref: string, pinned: boolean, e: PullEvent) => string | undefined {
  const quarters = new Map<string, number>();
  return (ref, pinned, e) => {
    switch (e.event) {
      case "resolved": {
        const toFetch = e.files.filter((f) => !f.cached);
        const what = toFetch.length === 0 ? (e.fromCache ? "from the cache" : "all files cached") : `${toFetch.length} of ${e.files.length} files to fetch, ${formatBytes(toFetch.reduce((sum, f) => sum + f.size, 0))}`;
        return pinned ? `model ${ref}: commit ${e.commit.slice(0, 12)} as pinned when the run started (${what})` : `model ${ref}: ${e.revision} → commit ${e.commit.slice(0, 12)} (${what})`;
      }
      case "file-start":
        return e.resumeFrom > 0 ? `  resuming ${e.path} from ${formatBytes(e.resumeFrom)} of ${formatBytes(e.size)}` : undefined;
      case "file-progress": {
        if (e.size < QUARTERS_FROM_BYTES) return undefined;
        const key = `${e.repo}/${e.path}`;
        const quarter = Math.floor((4 * e.bytes) / e.size);
        if (quarter <= (quarters.get(key) ?? 0) || quarter >= 4) return undefined;
        quarters.set(key, quarter);
        const rate = e.elapsedSeconds > 0 ? ` at ${formatBytes(e.fetchedBytes / e.elapsedSeconds)}/s` : "";
        return `  ${e.path} ${quarter * 25}% of ${formatBytes(e.size)}${rate}`;
      }
      case "file-done":
        return e.status === "downloaded" ? `  downloaded ${e.path} (${formatBytes(e.size)}, ${e.verified === "size" ? "size checked" : `${e.verified} verified`})` : undefined;
      case "warning":
        return `warning: ${ref}: ${e.message}`;
      case "pulled":
        return undefined;
      default:
        void (e satisfies never);
        return undefined;
    }
  };
}
