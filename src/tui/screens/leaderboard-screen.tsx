import { Box, useInput } from "ink";
import { relative } from "node:path";
import { useState } from "react";
import { leaderboard, openRun, type Leaderboard, type LeaderboardRow } from "../../index.js";
import { HeaderLine } from "../components/header-line.js";
import { KeyHints } from "../components/key-hints.js";
import { Line } from "../components/line.js";
import { useAsync } from "../hooks/use-async.js";
import { exportCandidate } from "../session/export-candidate.js";
import { shortTaskNames } from "../state/run-view-selectors.js";
import { padEnd, padStart, truncate } from "../text/fit.js";
import { score } from "../text/format-number.js";

export interface LeaderboardScreenProps {
  readonly width: number;
  readonly height: number;
  readonly runDir: string;
  readonly onCandidate: (id: string) => void;
  readonly onBack: () => void;
  readonly onQuit: () => void;
}

/** The table's columns that fit: the fixed ones, then as many tasks as there is room for. */
function columns(board: Leaderboard, width: number): { header: string; line: (r: LeaderboardRow, selected: boolean) => string } {
  const names = shortTaskNames(board.tasks);
  const fixed = 4 + 6 + 4 + 16 + 8 + 9;
  const shown = board.tasks.slice(0, Math.max(0, Math.floor((width - fixed) / 7)));
  const hidden = board.tasks.length - shown.length;
  const header = `  # ${padEnd("id", 6)}${padStart("gen", 3)} ${padEnd("method", 15)} ${padStart("fitness", 7)} ${padStart("held-out", 8)}${shown.map((t) => ` ${padStart(names[t], 6)}`).join("")}${hidden > 0 ? ` +${hidden}` : ""}`;
  const line = (r: LeaderboardRow, selected: boolean) =>
    `${selected ? ">" : " "}${padStart(String(r.rank), 2)}${r.pareto ? "*" : " "}${padEnd(r.id, 6)}${padStart(String(r.generation), 3)} ${padEnd(r.method, 15)} ${padStart(score(r.fitness), 7)} ${padStart(r.heldout ? score(r.heldout.fitness) : r.heldoutFailure ? "failed" : "-", 8)}${shown.map((t) => ` ${padStart(score(r.tasks[t]?.value), 6)}`).join("")}`;
  return { header, line };
}

/**
 * A run's leaderboard (derived from its journal): candidates ranked by fitness or sorted by any
 * objective, held-out scores, the Pareto front (*), the reference models; export or open one.
 */
export function LeaderboardScreen(props: LeaderboardScreenProps) {
  const { width, height } = props;
  const [sortIndex, setSortIndex] = useState(0);
  const [index, setIndex] = useState(0);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const record = useAsync(() => openRun(props.runDir), props.runDir);
  const tasks = record.status === "ready" ? leaderboard(record.value.entries).tasks : [];
  const sort = sortIndex === 0 ? "fitness" : tasks[(sortIndex - 1) % Math.max(1, tasks.length)];
  const board = record.status === "ready" ? leaderboard(record.value.entries, { sort }) : undefined;
  const rows = board?.candidates ?? [];
  const current = rows[Math.min(index, rows.length - 1)];

  useInput((input, key) => {
    if (key.upArrow || input === "k") setIndex((i) => Math.max(0, i - 1));
    else if (key.downArrow || input === "j") setIndex((i) => Math.min(rows.length - 1, i + 1));
    else if (input === "o" || input === "s") setSortIndex((i) => (i + 1) % (tasks.length + 1));
    else if (key.return && current) props.onCandidate(current.id);
    else if (input === "g") record.reload();
    else if (input === "e" && current) {
      setMessage(`exporting ${current.id}…`);
      exportCandidate(props.runDir, current.id).then(
        (path) => setMessage(`exported ${current.id} → ${relative(process.cwd(), path) || path}`),
        (error: unknown) => setMessage(`export failed: ${error instanceof Error ? error.message : String(error)}`),
      );
    } else if (key.escape || key.backspace || key.delete) props.onBack();
    else if (input === "q") props.onQuit();
  });

  const title = `smelt · leaderboard · run ${record.status === "ready" ? record.value.id : "…"}`;
  const status = record.status === "ready" ? `${record.value.status}${board?.finished ? ` (${board.finished})` : ""}` : "";
  if (record.status !== "ready" || board === undefined) {
    return (
      <Box flexDirection="column" width={width}>
        <HeaderLine title={title} width={width} />
        <Line text={record.status === "error" ? `cannot read ${props.runDir}: ${record.error.message}` : "reading the journal…"} width={width} color={record.status === "error" ? "red" : undefined} />
        <KeyHints width={width} keys={[["esc", "back"], ["q", "quit"]]} />
      </Box>
    );
  }
  const names = shortTaskNames(board.tasks);
  const refs = board.references.filter((r) => r.split === "validation");
  const refText = truncate(`references: ${refs.map((r) => `${r.model.replace(/\.gguf$/i, "")} ${score(r.fitness)}`).join(" · ") || "none"}`, width);
  const table = columns(board, width);
  const c = board.counts;
  const listRows = Math.max(1, height - 1 - 8);
  const first = Math.max(0, Math.min(index - listRows + 1, rows.length - listRows));
  const visible = rows.slice(first, first + listRows);
  return (
    <Box flexDirection="column" width={width}>
      <HeaderLine title={title} status={status} width={width} />
      <Line text={`${c.scored} scored · ${c.failed} failed · ${c.pending} pending · sorted by ${sort === "fitness" ? "fitness" : names[sort]} (o) · * Pareto front`} width={width} />
      <Line text="fitness and tasks: validation (search) scores · held-out: test split" width={width} dimColor />
      <Line text={table.header} width={width} bold />
      {visible.map((r, i) => (
        <Line key={r.id} text={table.line(r, first + i === index)} width={width} inverse={first + i === index} />
      ))}
      {rows.length === 0 ? <Line text="nothing scored yet" width={width} /> : null}
      {Array.from({ length: Math.max(0, listRows - visible.length - (rows.length === 0 ? 1 : 0)) }, (_, i) => (
        <Line key={`pad${i}`} text="" width={width} />
      ))}
      <Line text={refText} width={width} dimColor />
      <Line text={message ?? ""} width={width} color="cyan" />
      <Line text="" width={width} />
      <KeyHints width={width} keys={[["↑↓", "candidate"], ["enter", "details"], ["o", "sort"], ["e", "export"], ["g", "refresh"], ["esc", "back"], ["q", "quit"]]} />
    </Box>
  );
}
