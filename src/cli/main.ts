import yargs from "yargs";
import { SmeltError } from "../index.js";
import { commands } from "./commands.js";
import { canRunTui } from "./ui-command.js";

/**
 * Entry point of the `smelt` binary. Returns the process exit code: 0 success, 1 a smelt error
 * (bad input, typed), 2 usage errors, 70 an unexpected internal error.
 */
export async function main(argv: readonly string[]): Promise<number> {
  // `smelt ... | head` closes stdout early: that is the reader's choice, not a failure.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
  let exitCode = 0;
  // `smelt` alone opens the terminal UI on an interactive terminal; elsewhere it stays a usage error.
  const args = argv.length === 0 && canRunTui() ? ["ui"] : [...argv];
  const parser = yargs(args)
    .scriptName("smelt")
    .usage("$0 <command> [options]\n\nFinds good model merges by itself: merge, evaluate, search, export.\n`smelt` alone (on an interactive terminal) opens the terminal UI, as `smelt ui` does.")
    .strict()
    .demandCommand(1, "Pick a command: smelt --help lists them.")
    .recommendCommands()
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .fail((message, error) => {
      if (error) throw error;
      process.stderr.write(`smelt: ${message}\nRun with --help for usage.\n`);
      exitCode = 2;
    })
    .help()
    .version();
  for (const command of commands) parser.command(command);
  try {
    await parser.parseAsync();
  } catch (error) {
    if (error instanceof SmeltError) {
      process.stderr.write(`smelt: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(`smelt: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 70;
  }
  return process.exitCode === undefined ? exitCode : Number(process.exitCode) || exitCode;
}
