import { Box, useInput } from "ink";
import { useState } from "react";
import { listRuns, type RunSummary } from "../../index.js";
import { HeaderLine } from "../components/header-line.js";
import { KeyHints } from "../components/key-hints.js";
import { Line } from "../components/line.js";
import { useAsync } from "../hooks/use-async.js";
import { resumable } from "../state/resumable.js";
import { padEnd, padStart } from "../text/fit.js";
import { score } from "../text/format-number.js";

export interface RunsScreenProps {
  readonly width: number;
  readonly height: number;
  readonly runsDir: string;
  readonly onOpen: (runDir: string) => void;
  readonly onResume: (runDir: string) => void;
  readonly onBack: () => void;
  readonly onQuit: () => void;
}

/** Run ids are 22 characters (start time + suffix). */
const ID = 22;

function row(r: RunSummary, selected: boolean, width: number): string {
  const mark = selected ? "> " : "  ";
  if (!r.ok) return `${mark}${padEnd(r.dir.split("/").pop() ?? r.dir, ID)} unreadable: ${r.error}`;
  const counts = `${r.scored}/${r.failed}/${r.pending}`;
  const status = r.status === "finished" && r.finishedReason === "stopped" ? "stopped" : r.status;
  const best = r.best ? `${score(r.best.fitness)} ${r.best.id}` : "-";
  return `${mark}${padEnd(r.id, ID)} ${padEnd(status, 11)} ${padStart(counts, 12)}  ${padEnd(best, 12)} ${r.startedAt.slice(0, 16).replace("T", " ")}`.slice(0, width);
}

/** Runs: every run in the runs folder with its status; open one's leaderboard, or resume it. */
export function RunsScreen(props: RunsScreenProps) {
  const { width, height } = props;
  const runs = useAsync(() => listRuns(props.runsDir), props.runsDir);
  const [index, setIndex] = useState(0);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const list = runs.status === "ready" ? runs.value : [];
  const current = list[Math.min(index, list.length - 1)];

  useInput((input, key) => {
    if (key.upArrow || input === "k") setIndex((i) => Math.max(0, i - 1));
    else if (key.downArrow || input === "j") setIndex((i) => Math.min(list.length - 1, i + 1));
    else if (key.return && current?.ok) props.onOpen(current.dir);
    else if (input === "r" && current?.ok) {
      if (resumable(current)) props.onResume(current.dir);
      else setMessage(current.status === "running" ? `${current.id} is running in another process` : `${current.id} has finished; nothing to resume`);
    } else if (input === "g") runs.reload();
    else if (key.escape || key.backspace || key.delete || key.tab) props.onBack();
    else if (input === "q") props.onQuit();
  });

  const rows = Math.max(1, height - 1 - 6);
  const first = Math.max(0, Math.min(index - rows + 1, list.length - rows));
  const visible = list.slice(first, first + rows);
  const notes = (runs.status === "error" ? 1 : 0) + (runs.status === "ready" && list.length === 0 ? 1 : 0);
  return (
    <Box flexDirection="column" width={width}>
      <HeaderLine title={`smelt · runs in ${props.runsDir}/`} status={runs.status === "ready" ? `${list.length} run${list.length === 1 ? "" : "s"}` : ""} width={width} />
      <Line text="status: running (in use) · finished · stopped, interrupted (r resumes them)" width={width} dimColor />
      <Line text={`  ${padEnd("run", ID)} ${padEnd("status", 11)} ${padStart("ok/fail/todo", 12)}  ${padEnd("best", 12)} started (UTC)`} width={width} bold />
      {runs.status === "error" ? <Line text={`cannot list runs: ${runs.error.message}`} width={width} color="red" /> : null}
      {runs.status === "ready" && list.length === 0 ? <Line text="no runs yet: start one from the launch screen (esc)" width={width} /> : null}
      {visible.map((r, i) => (
        <Line key={r.dir} text={row(r, first + i === index, width)} width={width} inverse={first + i === index} color={r.ok ? (resumable(r) ? "yellow" : undefined) : "red"} />
      ))}
      {Array.from({ length: Math.max(0, rows - visible.length - notes) }, (_, i) => (
        <Line key={`pad${i}`} text="" width={width} />
      ))}
      <Line text={message ?? ""} width={width} color="cyan" />
      <Line text="" width={width} />
      <KeyHints width={width} keys={[["↑↓", "run"], ["enter", "leaderboard"], ["r", "resume"], ["g", "refresh"], ["esc", "back"], ["q", "quit"]]} />
    </Box>
  );
}
