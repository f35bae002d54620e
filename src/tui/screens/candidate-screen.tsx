import { Box, useInput } from "ink";
import { relative } from "node:path";
import { useState } from "react";
import { candidateId, leaderboard, openRun, recipeToYaml, replayState, type TaskScore } from "../../index.js";
import { HeaderLine } from "../components/header-line.js";
import { KeyHints } from "../components/key-hints.js";
import { Line } from "../components/line.js";
import { useAsync } from "../hooks/use-async.js";
import { exportCandidate } from "../session/export-candidate.js";
import { padEnd } from "../text/fit.js";
import { score, scoreWithError } from "../text/format-number.js";

export interface CandidateScreenProps {
  readonly width: number;
  readonly height: number;
  readonly runDir: string;
  readonly id: string;
  readonly onBack: () => void;
  readonly onQuit: () => void;
}

function taskCell(s: TaskScore | undefined): string {
  return s === undefined ? "-" : `${scoreWithError(s.value, s.stderr)} (n=${s.items}${s.failed > 0 ? `, ${s.failed} failed` : ""})`;
}

/** Everything the journal knows about one candidate: scores per task, held-out scores, the recipe. */
async function loadCandidate(runDir: string, id: string) {
  const run = await openRun(runDir);
  const state = replayState(run.entries);
  const key = candidateId(id);
  const proposal = state.proposed.get(key);
  if (proposal === undefined) throw new Error(`no candidate ${id} in run ${run.id}`);
  const board = leaderboard(run.entries);
  const row = board.candidates.find((r) => r.id === key);
  const failure = state.failed.get(key);
  const merged = state.merged.get(key);
  const scored = state.scored.get(key);
  return { run, proposal, row, board, failure, merged, scored, yaml: recipeToYaml(proposal.recipe).trimEnd().split("\n") };
}

/** A candidate's detail: generation, method, fitness, per-task scores (validation and held-out), its recipe. */
export function CandidateScreen(props: CandidateScreenProps) {
  const { width, height } = props;
  const data = useAsync(() => loadCandidate(props.runDir, props.id), `${props.runDir}:${props.id}`);
  const [scroll, setScroll] = useState(0);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const recipeLines = data.status === "ready" ? data.value.yaml : [];

  useInput((input, key) => {
    if (key.upArrow || input === "k") setScroll((s) => Math.max(0, s - 1));
    else if (key.downArrow || input === "j") setScroll((s) => Math.min(Math.max(0, recipeLines.length - 1), s + 1));
    else if (input === "e") {
      setMessage(`exporting ${props.id}…`);
      exportCandidate(props.runDir, props.id).then(
        (path) => setMessage(`exported ${props.id} → ${relative(process.cwd(), path) || path}`),
        (error: unknown) => setMessage(`export failed: ${error instanceof Error ? error.message : String(error)}`),
      );
    } else if (key.escape || key.backspace || key.delete) props.onBack();
    else if (input === "q") props.onQuit();
  });

  const title = `smelt · candidate ${props.id}${data.status === "ready" ? ` · run ${data.value.run.id}` : ""}`;
  if (data.status !== "ready") {
    return (
      <Box flexDirection="column" width={width}>
        <HeaderLine title={title} width={width} />
        <Line text={data.status === "error" ? data.error.message : "reading the journal…"} width={width} color={data.status === "error" ? "red" : undefined} />
        <KeyHints width={width} keys={[["esc", "back"], ["q", "quit"]]} />
      </Box>
    );
  }
  const { proposal, row, board, failure, merged, scored } = data.value;
  const lines: { text: string; bold?: boolean; color?: string }[] = [];
  const status = row ? `rank ${row.rank} of ${board.candidates.length}${row.pareto ? " · on the Pareto front" : ""}` : failure && failure.phase !== "heldout" ? `failed in ${failure.phase}` : "not scored yet";
  lines.push({ text: `generation ${proposal.generation} · ${proposal.method} · ${status}` });
  if (row) lines.push({ text: `fitness ${score(row.fitness)} (validation)${row.heldout ? ` · held-out ${score(row.heldout.fitness)} (test)` : row.heldoutFailure ? " · held-out failed" : ""}`, color: "green" });
  if (failure) lines.push({ text: `failure (${failure.phase}): ${failure.reason.split("\n")[0]}`, color: "red" });
  if (merged || scored) lines.push({ text: `time: merge ${merged ? merged.seconds.merge.toFixed(2) : "-"}s · load ${scored ? scored.seconds.load.toFixed(2) : "-"}s · score ${scored ? scored.seconds.score.toFixed(2) : "-"}s${merged?.bytes ? ` · ${(merged.bytes / 1e6).toFixed(1)} MB` : ""}` });
  if (row) {
    const nameWidth = Math.max(6, ...board.tasks.map((t) => t.length)) + 2;
    const cell = Math.floor((width - nameWidth) / 2);
    lines.push({ text: `${padEnd("task", nameWidth)}${padEnd("validation", cell)}held-out (test)`, bold: true });
    for (const t of board.tasks) lines.push({ text: `${padEnd(t, nameWidth)}${padEnd(taskCell(row.tasks[t]), cell)}${taskCell(row.heldout?.tasks[t])}` });
  }
  lines.push({ text: "recipe (mergekit YAML; ↑↓ scrolls; e writes it to a file)", bold: true });
  const recipeRows = Math.max(2, height - 1 - 4 - lines.length);
  const top = Math.min(scroll, Math.max(0, recipeLines.length - recipeRows));
  const visible = recipeLines.slice(top, top + recipeRows);
  return (
    <Box flexDirection="column" width={width}>
      <HeaderLine title={title} status={top + recipeRows < recipeLines.length ? `recipe ${top + 1}-${top + recipeRows}/${recipeLines.length}` : ""} width={width} />
      {lines.map((l, i) => (
        <Line key={i} text={l.text} width={width} bold={l.bold} color={l.color} />
      ))}
      {visible.map((l, i) => (
        <Line key={`r${i}`} text={`  ${l}`} width={width} dimColor={false} />
      ))}
      {Array.from({ length: Math.max(0, recipeRows - visible.length) }, (_, i) => (
        <Line key={`pad${i}`} text="" width={width} />
      ))}
      <Line text={message ?? ""} width={width} color="cyan" />
      <Line text="" width={width} />
      <KeyHints width={width} keys={[["↑↓", "scroll recipe"], ["e", "export"], ["esc", "back"], ["q", "quit"]]} />
    </Box>
  );
}
