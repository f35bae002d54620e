import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { leaderboard, openRun, renderLeaderboard } from "../index.js";

export interface LeaderboardCommandArgs {
  run: string;
  json: boolean;
  sort?: string;
  top?: number;
}

/** Where the store commands write; a test passes buffers. */
export interface StoreCommandDeps {
  /** Defaults to process.stdout. */
  readonly stdout?: { write(text: string): unknown };
  /** Defaults to process.stderr. */
  readonly stderr?: { write(text: string): unknown };
}

/** `smelt leaderboard runs/<id>`: the run's candidates ranked, derived from its journal. */
export function makeLeaderboardCommand(deps: StoreCommandDeps = {}): CommandModule<object, LeaderboardCommandArgs> {
  return {
    command: "leaderboard <run>",
    describe: "Rank a search run's candidates by fitness, with held-out scores, the Pareto front and reference models",
    builder: (yargs: Argv) =>
      yargs
        .positional("run", { type: "string", demandOption: true, describe: "Run folder (runs/<id>)" })
        .option("json", { type: "boolean", default: false, describe: "Print one JSON document instead of a table" })
        .option("sort", { type: "string", describe: "Sort by this task's score instead of fitness" })
        .option("top", { type: "number", describe: "Show only the first N candidates" })
        .check((a) => a.top === undefined || (Number.isInteger(a.top) && a.top > 0) || "--top takes a positive whole number")
        .example("$0 leaderboard runs/20261124-064500-3fa91c --top 10", "The ten best candidates") as unknown as Argv<LeaderboardCommandArgs>,
    handler: (args) => runLeaderboard(args, deps),
  };
}

export const leaderboardCommand = makeLeaderboardCommand();

async function runLeaderboard(args: ArgumentsCamelCase<LeaderboardCommandArgs>, deps: StoreCommandDeps): Promise<void> {
  const stdout = deps.stdout ?? process.stdout;
  const stderr = deps.stderr ?? process.stderr;
  const run = await openRun(args.run);
  if (run.torn !== undefined) {
    stderr.write(`note: ${run.files.journal} ends in a torn line ${run.torn.line} (a crash mid-write); it is ignored\n`);
  }
  const board = leaderboard(run.entries, { sort: args.sort, top: args.top });
  if (args.json) {
    stdout.write(`${JSON.stringify({ ...board, status: run.status, dir: run.files.dir }, null, 2)}\n`);
  } else {
    stdout.write(renderLeaderboard(board, { status: run.status }));
  }
}
