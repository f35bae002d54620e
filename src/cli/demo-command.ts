import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { CommandModule } from "yargs";
import { exportRecipe, leaderboard, openRun, renderLeaderboard, SmeltError, writeFileAtomic } from "../index.js";
import { runSearchCli } from "./search-command.js";
import type { ReporterName } from "./search-reporters.js";

interface DemoArgs {
  "runs-dir": string;
  reporter?: ReporterName;
  plain?: boolean;
}

/** The toy search space shipped with smelt, found beside the installed package. */
function demoSpace(): string {
  for (const up of ["../../search-spaces/toy-demo.yaml", "../../../search-spaces/toy-demo.yaml"]) {
    const path = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new SmeltError("demo", "search-spaces/toy-demo.yaml is missing from this installation");
}

export const demoCommand: CommandModule<object, DemoArgs> = {
  command: "demo",
  describe: "A short search over the bundled toy experts: references, candidates, leaderboard, exported recipe (a few minutes on 2 cores)",
  builder: (y) =>
    y
      .option("runs-dir", { type: "string", default: "runs", describe: "Folder the run is created in" })
      .option("reporter", { choices: ["tui", "plain", "jsonl"] as const, describe: "tui: the live terminal UI (default on an interactive terminal outside CI); plain: a line per candidate; jsonl: every event as JSON" })
      .option("plain", { type: "boolean", describe: "Same as --reporter plain" }),
  handler: async (args) => {
    const { summary } = await runSearchCli({
      space: demoSpace(), "runs-dir": args["runs-dir"], reporter: args.reporter, plain: args.plain,
      "merge-threads": 1, keep: 0,
    });
    const run = await openRun(summary.dir);
    process.stdout.write(`\n${renderLeaderboard(leaderboard(run.entries, { top: 10 }))}\n`);
    const exported = exportRecipe(run.entries);
    const out = join(summary.dir, "best.yaml");
    await writeFileAtomic(out, exported.yaml, { overwrite: true });
    const where = relative(process.cwd(), out) || out;
    process.stdout.write(`\nbest recipe (${exported.candidate}) exported to ${where}\nbuild it: smelt merge ${where} -o best.gguf\n`);
  },
};
