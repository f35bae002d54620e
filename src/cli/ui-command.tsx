import { relative } from "node:path";
import type { CommandModule } from "yargs";
import { SmeltError } from "../index.js";
import type { SearchSession } from "../tui/session/search-session.js";
import { scoringOptions, searchOptionsOf, type ScoringArgs } from "./search-command.js";
import { isCi } from "./search-reporters.js";

interface UiArgs extends ScoringArgs {
  spaces: string;
}

/** Whether this process can run the terminal UI: both ends a terminal, and not in CI (ink would draw only its last frame). */
export function canRunTui(): boolean {
  return process.stdin.isTTY === true && process.stdout.isTTY === true && !isCi(process.env);
}

export const uiCommand: CommandModule<object, UiArgs> = {
  command: "ui",
  describe: "The terminal UI: launch a search, watch it live (pause, stop, plot axes, export), browse runs and leaderboards. Also what `smelt` alone opens",
  builder: (y) =>
    scoringOptions(y.option("spaces", { type: "string", default: "search-spaces", describe: "Folder the launch screen lists search spaces from" }))
      .example("$0 ui", "Open the terminal UI")
      .example("$0 ui --limit 20", "Searches started from the UI score 20 items per task (quick trials)"),
  handler: async (args) => {
    if (!canRunTui()) {
      throw new SmeltError("usage", "smelt ui needs an interactive terminal (stdin and stdout a TTY, CI unset); use smelt search SPACE for plain output");
    }
    // The TUI (ink, ~0.5 s to load) is imported only by the commands that show it.
    const [{ SmeltApp, spaceTitle }, { mountTui }, { startSearchSession }] = await Promise.all([import("../tui/app.js"), import("../tui/run-tui.js"), import("../tui/session/search-session.js")]);
    const sessions: SearchSession[] = [];
    const tui = mountTui(
      <SmeltApp
        spacesDir={args.spaces}
        runsDir={args["runs-dir"]}
        limit={args.limit}
        startSearch={(target) => {
          // A resume scores as the run started (its recorded item limit, threads, KV cache), not as
          // this UI was told: scores under other settings would not be comparable.
          const { limit: _limit, evalThreads: _threads, kvCache: _kv, ...resumeOptions } = searchOptionsOf(args);
          const session = startSearchSession(target, { search: "resume" in target ? resumeOptions : searchOptionsOf(args) });
          sessions.push(session);
          return { live: session, done: session.done, title: spaceTitle(target) };
        }}
        onForceExit={() => {
          tui.close();
          const dir = sessions.at(-1)?.store.getState().dir;
          process.stderr.write(`stopped at once; the journal is consistent${dir ? `: smelt search --resume ${relative(process.cwd(), dir) || dir} continues` : ""}\n`);
          process.exit(130);
        }}
      />,
    );
    try {
      await tui.exited;
    } catch (error) {
      // The display failed (the terminal is restored by now): do not leave a search running blind.
      const running = sessions.filter((session) => session.store.getState().stage !== "finished");
      if (running.length > 0) process.stderr.write("smelt: the terminal UI failed; stopping the search after the current candidate\n");
      for (const session of running) session.stop();
      await Promise.all(running.map((session) => session.done));
      throw error;
    }
    const last = sessions.at(-1);
    if (last === undefined) return;
    const summary = await last.done;
    if (summary === undefined) throw last.error();
    const where = relative(process.cwd(), summary.dir) || summary.dir;
    process.stdout.write(`run ${summary.runId}: ${summary.reason} after ${summary.evaluations} evaluations, best ${summary.best ?? "none"}\n`);
    process.stdout.write(summary.reason === "stopped" ? `resume it: smelt search --resume ${where}\n` : `leaderboard: smelt leaderboard ${where}\n`);
  },
};
