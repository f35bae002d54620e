import { basename, relative } from "node:path";
import type { Argv, CommandModule } from "yargs";
import { createSearchControl, leaderboard, openRun, renderLeaderboard, searchIter, type SearchOptions, type SearchSummary } from "../index.js";
import { chooseReporter, searchReporters, type ReporterName } from "./search-reporters.js";

/** How candidates are merged and scored: shared by `search`, `ui` and `demo`. */
export interface ScoringArgs {
  "runs-dir": string;
  "merge-threads": number;
  "eval-threads"?: number;
  "kv-cache"?: "f16" | "f32";
  keep: number;
  limit?: number;
  timeout?: number;
}

export interface SearchArgs extends ScoringArgs {
  space?: string;
  resume?: string;
  id?: string;
  reporter?: ReporterName;
  plain?: boolean;
}

/** The options of ScoringArgs, for a command's builder. */
export function scoringOptions<T>(y: Argv<T>) {
  return y
    .option("runs-dir", { type: "string", default: "runs", describe: "Folder new runs are created in" })
    .option("merge-threads", { type: "number", default: 1, describe: "Worker threads merging candidates" })
    .option("eval-threads", { type: "number", describe: "llama.cpp threads scoring candidates (default 1, best for tiny models; a resume keeps the run's)" })
    .option("kv-cache", { choices: ["f16", "f32"] as const, describe: "llama.cpp KV cache type for scoring (default f16; recorded, and a resume keeps the run's)" })
    .option("keep", { type: "number", default: 0, describe: "Keep the best N candidate GGUFs in runs/<id>/candidates/" })
    .option("limit", { type: "number", describe: "Score only the first N items of each task split (quick trials; a resume keeps the run's)" })
    .option("timeout", { type: "number", describe: "Per-candidate time limit in seconds; a candidate over it is journaled as failed" });
}

/** The library's SearchOptions for ScoringArgs. */
export function searchOptionsOf(args: ScoringArgs): SearchOptions {
  return {
    runsDir: args["runs-dir"],
    mergeThreads: args["merge-threads"],
    evalThreads: args["eval-threads"],
    kvCache: args["kv-cache"] === undefined ? undefined : args["kv-cache"] === "f32" ? "F32" : "F16",
    keep: args.keep,
    limit: args.limit,
    candidateTimeoutSeconds: args.timeout,
  };
}

export const searchCommand: CommandModule<object, SearchArgs> = {
  command: "search [space]",
  describe: "Search merge methods and coefficients, scoring candidates with llama.cpp (journal in runs/<id>/, resumable)",
  builder: (y) =>
    scoringOptions(
      y
        .positional("space", { type: "string", describe: "Search space YAML (docs/search-spaces.md)" })
        .option("resume", { type: "string", describe: "Continue an interrupted run: runs/<id>" })
        .option("id", { type: "string", describe: "Id (folder name) for a new run; default: start time + random suffix" }),
    )
      .option("reporter", {
        choices: ["tui", "plain", "jsonl"] as const,
        describe: "tui: the live terminal UI (default on an interactive terminal outside CI; keys p pause, s stop, q quit, x/y plot axes, l leaderboard, e export); plain: a line per candidate (default otherwise); jsonl: every event as JSON",
      })
      .option("plain", { type: "boolean", describe: "Same as --reporter plain" })
      .check((a) => {
        if ((a.space === undefined) === (a.resume === undefined)) throw new Error("give either a search space file or --resume runs/<id>");
        return true;
      })
      .example("$0 search search-spaces/toy.yaml", "Search merges of the bundled toy experts")
      .example("$0 search --resume runs/20261124-101500-ab12", "Continue a run after Ctrl-C or a crash")
      .example("HF_HUB_OFFLINE=1 $0 search --resume runs/20261124-101500-ab12", "Resume a search over Hub models from the HF cache, with no network")
      .epilogue(
        "Models may be GGUF files, HF checkpoint folders, or Hugging Face references org/name[@revision]. References are resolved " +
          "once when a run starts (downloaded into the shared HF cache, as smelt pull does; HF_ENDPOINT, HF_TOKEN, HF_HUB_CACHE / HF_HOME, " +
          "HF_HUB_OFFLINE apply) and their commits are journaled: candidates read the cache only and name org/name@<commit> in their recipes, " +
          "and a resume uses the same commits, never a newer revision.",
      ),
  handler: async (args) => {
    const { summary, reporter } = await runSearchCli(args);
    // JSON lines stay parseable: the human summary goes to stderr then.
    const out = reporter === "jsonl" ? process.stderr : process.stdout;
    const run = await openRun(summary.dir);
    out.write(`\n${renderLeaderboard(leaderboard(run.entries, { top: 10 }))}\n`);
    const where = relative(process.cwd(), summary.dir) || summary.dir;
    out.write(`\nexport the best recipe: smelt export ${where} -o best.yaml\n`);
  },
};

/**
 * Runs a search with the chosen reporter. Ctrl-C stops after the current candidate and twice
 * stops now (the TUI reads Ctrl-C as a key and does the same); the journal stays consistent.
 */
export async function runSearchCli(args: SearchArgs): Promise<{ summary: SearchSummary; reporter: ReporterName }> {
  const controller = new AbortController();
  const control = createSearchControl();
  const name = chooseReporter({ requested: args.reporter, plain: args.plain === true, stdoutIsTTY: process.stdout.isTTY === true, stdinIsTTY: process.stdin.isTTY === true, env: process.env });
  let runDir = args.resume;
  const reporter = await searchReporters[name]({
    write: (text) => process.stdout.write(text),
    control,
    stop: () => controller.abort(),
    forceExit: () => {
      const where = runDir === undefined ? "runs/<id>" : relative(process.cwd(), runDir) || runDir;
      process.stderr.write(`stopped at once; the journal is consistent: smelt search --resume ${where} continues\n`);
      process.exit(130);
    },
    title: args.space !== undefined ? basename(args.space) : "resumed",
  });
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write("\nstopping after the current candidate (Ctrl-C again to stop now; the journal stays consistent either way)\n");
      controller.abort();
    } else {
      process.exit(130);
    }
  };
  if (!reporter.handlesInterrupt) process.on("SIGINT", onSigint);
  try {
    const target = args.resume !== undefined ? { resume: args.resume } : { spacePath: args.space! };
    const iterator = searchIter(target, { ...searchOptionsOf(args), runId: args.id, signal: controller.signal, control });
    for (;;) {
      const next = await iterator.next();
      if (next.done) return { summary: next.value, reporter: name };
      if (next.value.type === "run") runDir = next.value.dir;
      reporter.event(next.value);
    }
  } finally {
    process.off("SIGINT", onSigint);
    await reporter.close?.();
  }
}
