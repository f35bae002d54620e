import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { OutputError, writeReport } from "../index.js";
import type { StoreCommandDeps } from "./leaderboard-command.js";

export interface ReportCommandArgs {
  run: string;
  output?: string;
  force: boolean;
}

/** `smelt report runs/<id> -o report.html`: the run as one self-contained HTML page with plots. */
export function makeReportCommand(deps: StoreCommandDeps = {}): CommandModule<object, ReportCommandArgs> {
  return {
    command: "report <run>",
    describe: "Write a search run's HTML report: Pareto front, convergence, parameters vs score, leaderboard, best recipe",
    builder: (yargs: Argv) =>
      yargs
        .positional("run", { type: "string", demandOption: true, describe: "Run folder (runs/<id>)" })
        .option("output", { alias: "o", type: "string", describe: "HTML file to write (default: report.html in the run folder)" })
        .option("force", { type: "boolean", default: false, describe: "Overwrite the output file if it exists" })
        .example("$0 report runs/20261124-064500-3fa91c", "Write the run's report.html in its folder")
        .example("$0 report runs/<id> -o r.html --force", "Write ./r.html, replacing it") as unknown as Argv<ReportCommandArgs>,
    handler: (args) => runReport(args, deps),
  };
}

export const reportCommand = makeReportCommand();

async function runReport(args: ArgumentsCamelCase<ReportCommandArgs>, deps: StoreCommandDeps): Promise<void> {
  const stdout = deps.stdout ?? process.stdout;
  const stderr = deps.stderr ?? process.stderr;
  let written;
  try {
    written = await writeReport(args.run, { output: args.output, force: args.force });
  } catch (error) {
    if (error instanceof OutputError && !args.force && /already exists/.test(error.message)) {
      throw new OutputError(error.output, "already exists; pass --force to overwrite it", { cause: error });
    }
    throw error;
  }
  const { run } = written;
  if (run.torn !== undefined) {
    stderr.write(`note: ${run.files.journal} ends in a torn line ${run.torn.line} (a crash mid-write); it is ignored\n`);
  }
  stdout.write(`wrote ${written.output}: report of run ${run.id} (${run.status}), ${(written.bytes / 1000).toFixed(0)} KB in ${(written.renderMs / 1000).toFixed(1)} s\n`);
}
