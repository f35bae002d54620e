import { relative } from "node:path";
import type { CommandModule } from "yargs";
import { leaderboard, openRun, renderLeaderboard, searchIter, type SearchSummary } from "../index.js";
import { jsonlReporter, plainReporter } from "./search-reporters.js";

interface SearchArgs {
  space?: string;
  resume?: string;
  "runs-dir": string;
  id?: string;
  reporter: "plain" | "jsonl";
  "merge-threads": number;
  "eval-threads"?: number;
  "kv-cache"?: "f16" | "f32";
  keep: number;
  limit?: number;
  timeout?: number;
}

export const searchCommand: CommandModule<object, SearchArgs> = {
  command: "search [space]",
  describe: "Search merge methods and coefficients, scoring candidates with llama.cpp (journal in runs/<id>/, resumable)",
  builder: (y) =>
    y
      .positional("space", { type: "string", describe: "Search space YAML (docs/search-spaces.md)" })
      .option("resume", { type: "string", describe: "Continue an interrupted run: runs/<id>" })
      .option("runs-dir", { type: "string", default: "runs", describe: "Folder new runs are created in" })
      .option("id", { type: "string", describe: "Id (folder name) for a new run; default: start time + random suffix" })
      .option("reporter", { choices: ["plain", "jsonl"] as const, default: "plain" as const, describe: "plain: a line per candidate; jsonl: every event as JSON" })
      .option("merge-threads", { type: "number", default: 1, describe: "Worker threads merging candidates" })
      .option("eval-threads", { type: "number", describe: "llama.cpp threads scoring candidates (default 1, best for tiny models; a resume keeps the run's)" })
      .option("kv-cache", { choices: ["f16", "f32"] as const, describe: "llama.cpp KV cache type for scoring (default f16; recorded, and a resume keeps the run's)" })
      .option("keep", { type: "number", default: 0, describe: "Keep the best N candidate GGUFs in runs/<id>/candidates/" })
      .option("limit", { type: "number", describe: "Score only the first N items of each task split (quick trials; a resume keeps the run's)" })
      .option("timeout", { type: "number", describe: "Per-candidate time limit in seconds; a candidate over it is journaled as failed" })
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
    const summary = await runSearchCli(args);
    const run = await openRun(summary.dir);
    process.stdout.write(`\n${renderLeaderboard(leaderboard(run.entries, { top: 10 }))}\n`);
    const where = relative(process.cwd(), summary.dir) || summary.dir;
    process.stdout.write(`\nexport the best recipe: smelt export ${where} -o best.yaml\n`);
  },
};

/** Runs a search with the chosen reporter; Ctrl-C stops after the current candidate, twice stops now. */
export async function runSearchCli(args: SearchArgs): Promise<SearchSummary> {
  const controller = new AbortController();
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
  process.on("SIGINT", onSigint);
  const write = (text: string) => process.stdout.write(text);
  const reporter = args.reporter === "jsonl" ? jsonlReporter(write) : plainReporter(write);
  try {
    const target = args.resume !== undefined ? { resume: args.resume } : { spacePath: args.space! };
    const iterator = searchIter(target, {
      runsDir: args["runs-dir"],
      runId: args.id,
      mergeThreads: args["merge-threads"],
      evalThreads: args["eval-threads"],
      kvCache: args["kv-cache"] === undefined ? undefined : args["kv-cache"] === "f32" ? "F32" : "F16",
      keep: args.keep,
      limit: args.limit,
      candidateTimeoutSeconds: args.timeout,
      signal: controller.signal,
    });
    for (;;) {
      const next = await iterator.next();
      if (next.done) return next.value;
      reporter.event(next.value);
    }
  } finally {
    process.off("SIGINT", onSigint);
  }
}
