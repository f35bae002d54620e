import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { OutputError, exportRecipe, openRun, writeFileAtomic } from "../index.js";
import type { StoreCommandDeps } from "./leaderboard-command.js";

export interface ExportCommandArgs {
  run: string;
  candidate?: string;
  output: string;
  force: boolean;
}

/** `smelt export runs/<id> -o best.yaml`: a candidate's recipe as mergekit-compatible YAML. */
export function makeExportCommand(deps: StoreCommandDeps = {}): CommandModule<object, ExportCommandArgs> {
  return {
    command: "export <run>",
    describe: "Write a search run's best (or a chosen) candidate as a mergekit-compatible recipe",
    builder: (yargs: Argv) =>
      yargs
        .positional("run", { type: "string", demandOption: true, describe: "Run folder (runs/<id>)" })
        .option("candidate", {
          type: "string",
          describe: "Candidate id (default: best fitness among Pareto-front finalists with held-out scores, else best fitness)",
        })
        .option("output", { alias: "o", type: "string", demandOption: true, describe: "Recipe file to write ('-' for stdout)" })
        .option("force", { type: "boolean", default: false, describe: "Overwrite the output file if it exists" })
        .example("$0 export runs/20261124-064500-3fa91c -o best.yaml", "Export the run's pick") as unknown as Argv<ExportCommandArgs>,
    handler: (args) => runExport(args, deps),
  };
}

export const exportCommand = makeExportCommand();

async function runExport(args: ArgumentsCamelCase<ExportCommandArgs>, deps: StoreCommandDeps): Promise<void> {
  const stdout = deps.stdout ?? process.stdout;
  const stderr = deps.stderr ?? process.stderr;
  const run = await openRun(args.run);
  const exported = exportRecipe(run.entries, { candidate: args.candidate });
  const higher = exported.higherUnchecked;
  if (higher !== undefined) {
    stderr.write(`note: ${higher.id} has a higher validation fitness (${higher.fitness}) but no held-out score; export it with --candidate ${higher.id}\n`);
  }
  if (args.output === "-") {
    stdout.write(exported.yaml);
    return;
  }
  try {
    await writeFileAtomic(args.output, exported.yaml, { overwrite: args.force });
  } catch (error) {
    if (error instanceof OutputError && !args.force && /already exists/.test(error.message)) {
      throw new OutputError(args.output, "already exists; pass --force to overwrite it", { cause: error });
    }
    throw error;
  }
  stdout.write(`wrote ${args.output}: candidate ${exported.candidate} of run ${run.id} (${exported.choice})\n`);
}
