import { Box, useApp, useInput } from "ink";
import { basename } from "node:path";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { useInterrupt } from "./hooks/use-interrupt.js";
import { useTerminalSize } from "./hooks/use-terminal-size.js";
import { CandidateScreen } from "./screens/candidate-screen.js";
import { LaunchScreen } from "./screens/launch-screen.js";
import { LeaderboardScreen } from "./screens/leaderboard-screen.js";
import { LiveRunScreen } from "./screens/live-run-screen.js";
import { RunsScreen } from "./screens/runs-screen.js";
import type { LiveRun, SearchTarget } from "./session/search-session.js";

/** A search the app shows live: its view and controls, and a promise settled when it ends. */
export interface AppSearch {
  readonly live: LiveRun;
  readonly done: Promise<unknown>;
  /** Header title (the space's file name). */
  readonly title?: string;
}

/** Where the app is. Detail screens remember where `esc` goes back to. */
export type Screen =
  | { readonly name: "launch" }
  | { readonly name: "runs" }
  | { readonly name: "live" }
  | { readonly name: "leaderboard"; readonly runDir: string; readonly back: Screen }
  | { readonly name: "candidate"; readonly runDir: string; readonly id: string; readonly back: Screen };

export interface SmeltAppProps {
  readonly spacesDir: string;
  readonly runsDir: string;
  /** Item limit of the searches started here (shown on the launch screen). */
  readonly limit?: number;
  /** Starts a search for the launch and runs screens; absent in a search's own TUI reporter. */
  readonly startSearch?: (target: SearchTarget) => AppSearch;
  /** A search already running (the `smelt search` TUI reporter shows only this one). */
  readonly search?: AppSearch;
  /** The first screen. Defaults to live when `search` is given, else launch. */
  readonly initial?: Screen;
  /** Second Ctrl-C: the owner restores the terminal and exits at once. */
  readonly onForceExit: () => void;
}

/**
 * smelt's terminal UI: launch a search, watch it live, browse runs and leaderboards, export.
 * Screens are views over data loaded through hooks; the search runs outside React and is driven
 * through `AppSearch.live`.
 *
 * Quitting (q, or Ctrl-C) while a search runs stops it gracefully first: the current candidate
 * finishes and is journaled, then the app exits. A second Ctrl-C exits at once (`onForceExit`);
 * the journal stays consistent either way, and the run can be resumed.
 */
export function SmeltApp(props: SmeltAppProps) {
  const { exit } = useApp();
  const size = useTerminalSize();
  const [screen, setScreen] = useState<Screen>(props.initial ?? (props.search ? { name: "live" } : { name: "launch" }));
  const [search, setSearch] = useState<AppSearch | undefined>(props.search);
  const [running, setRunning] = useState(props.search !== undefined);
  const [quitting, setQuitting] = useState(false);
  const interrupts = useRef(0);

  useEffect(() => {
    if (search === undefined) return;
    let live = true;
    setRunning(true);
    const settle = () => live && setRunning(false);
    search.done.then(settle, settle);
    return () => {
      live = false;
    };
  }, [search]);

  useEffect(() => {
    if (quitting && !running) exit();
  }, [quitting, running, exit]);

  const quit = () => {
    if (search !== undefined && running) search.live.stop();
    setQuitting(true);
  };
  useInterrupt(() => {
    interrupts.current++;
    if (interrupts.current > 1 || !running) {
      if (running) props.onForceExit();
      else exit();
      return;
    }
    quit();
  });
  // `esc` on the live screen goes back to the launch screen once the search has ended.
  useInput((_input, key) => {
    if (screen.name === "live" && key.escape && !running && props.startSearch) setScreen({ name: "launch" });
  });

  const start = (target: SearchTarget) => {
    if (!props.startSearch) return;
    setSearch(props.startSearch(target));
    interrupts.current = 0;
    setScreen({ name: "live" });
  };
  const notice = quitting && running ? "quitting: the current candidate finishes and is journaled first (Ctrl-C again: quit now)" : undefined;
  const { columns: width, rows: height } = size;

  let body: ReactNode;
  switch (screen.name) {
    case "launch":
      body = (
        <LaunchScreen
          width={width}
          height={height}
          spacesDir={props.spacesDir}
          runsDir={props.runsDir}
          limit={props.limit}
          onStart={(spacePath) => start({ spacePath })}
          onResume={(resume) => start({ resume })}
          onRuns={() => setScreen({ name: "runs" })}
          onQuit={quit}
        />
      );
      break;
    case "runs":
      body = (
        <RunsScreen
          width={width}
          height={height}
          runsDir={props.runsDir}
          onOpen={(runDir) => setScreen({ name: "leaderboard", runDir, back: screen })}
          onResume={(resume) => start({ resume })}
          onBack={() => setScreen({ name: "launch" })}
          onQuit={quit}
        />
      );
      break;
    case "live":
      body = search ? (
        <LiveRunScreen
          live={search.live}
          width={width}
          height={height}
          title={search.title}
          notice={notice}
          onLeaderboard={(runDir) => setScreen({ name: "leaderboard", runDir, back: screen })}
          onQuit={quit}
        />
      ) : null;
      break;
    case "leaderboard":
      body = (
        <LeaderboardScreen
          width={width}
          height={height}
          runDir={screen.runDir}
          onCandidate={(id) => setScreen({ name: "candidate", runDir: screen.runDir, id, back: screen })}
          onBack={() => setScreen(screen.back)}
          onQuit={quit}
        />
      );
      break;
    case "candidate":
      body = <CandidateScreen width={width} height={height} runDir={screen.runDir} id={screen.id} onBack={() => setScreen(screen.back)} onQuit={quit} />;
      break;
    default:
      void (screen satisfies never);
  }
  return (
    <Box flexDirection="column" width={width}>
      {body}
    </Box>
  );
}

/** The header title of a search started from a space file. */
export function spaceTitle(target: SearchTarget): string {
  return "spacePath" in target ? basename(target.spacePath) : "resumed";
}
