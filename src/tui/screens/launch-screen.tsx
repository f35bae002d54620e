import { Box, useInput } from "ink";
import { basename, relative, resolve } from "node:path";
import { useRef, useState } from "react";
import { listRuns } from "../../index.js";
import { HeaderLine } from "../components/header-line.js";
import { KeyHints } from "../components/key-hints.js";
import { Line } from "../components/line.js";
import { listSpaces } from "../data/list-spaces.js";
import { loadPastRuns } from "../data/load-past-runs.js";
import { loadSpaceSummary, type LaunchSpace } from "../data/load-space-summary.js";
import { useAsync } from "../hooks/use-async.js";
import { duration } from "../text/format-number.js";
import { labelled } from "../text/labelled.js";
import { resumable } from "../state/resumable.js";

export interface LaunchScreenProps {
  readonly width: number;
  readonly height: number;
  readonly spacesDir: string;
  readonly runsDir: string;
  /** The item limit searches started here run with (shown in the summary). */
  readonly limit: number | undefined;
  readonly onStart: (spacePath: string) => void;
  readonly onResume: (runDir: string) => void;
  readonly onRuns: () => void;
  readonly onQuit: () => void;
}

/** The estimate's lines: per candidate, for the budget, and what it was measured on. */
function estimateText(space: LaunchSpace): string {
  const e = space.estimate;
  if (e === undefined) return "none yet: no earlier run of this space or of same-size models here; the live screen measures it from the first candidate";
  const total = space.evaluations === undefined ? "" : ` · ~${duration(e.perCandidate * space.evaluations)} for ${space.evaluations} evaluations`;
  return `~${duration(e.perCandidate)} per candidate (merge+load ${duration(e.fixedSeconds)} + ${space.summary.itemsPerCandidate} items × ${(e.secondsPerItem * 1000).toFixed(1)} ms)${total} · ${e.basis}`;
}

/**
 * Launch: pick a search space from the spaces folder (or type a path), read its summary and the
 * estimated time per candidate, start it; or resume the latest unfinished run.
 */
export function LaunchScreen(props: LaunchScreenProps) {
  const { width, height } = props;
  const spaces = useAsync(() => listSpaces(props.spacesDir), props.spacesDir);
  const past = useAsync(() => loadPastRuns(props.runsDir), props.runsDir);
  const runs = useAsync(() => listRuns(props.runsDir), props.runsDir);
  const [index, setIndex] = useState(0);
  const [typed, setTyped] = useState<string | undefined>(undefined);
  // The typed path lives in a ref too: keys can arrive faster than React re-renders (a paste).
  const [typing, setTypingState] = useState<string | undefined>(undefined);
  const typingRef = useRef<string | undefined>(undefined);
  const setTyping = (value: string | undefined) => {
    typingRef.current = value;
    setTypingState(value);
  };

  const files = spaces.status === "ready" ? spaces.value : [];
  const entries = [...files, ...(typed ? [resolve(typed)] : [])];
  const at = Math.max(0, Math.min(index, entries.length - 1));
  const current = entries[at];
  const pastRuns = past.status === "ready" ? past.value : undefined;
  const summary = useAsync(
    () => (current === undefined || pastRuns === undefined ? Promise.resolve(undefined) : loadSpaceSummary(current, { limit: props.limit, pastRuns })),
    `${current}:${pastRuns === undefined}`,
  );
  const unfinished = runs.status === "ready" ? runs.value.filter(resumable) : [];
  const latest = unfinished[0];

  useInput((input, key) => {
    const typing = typingRef.current;
    if (typing !== undefined) {
      if (key.return) {
        if (typing.trim() !== "") {
          setTyped(typing.trim());
          setIndex(files.length);
        }
        setTyping(undefined);
      } else if (key.escape) setTyping(undefined);
      else if (key.backspace || key.delete) setTyping(typing.slice(0, -1));
      else if (!key.ctrl && !key.meta && input) setTyping(typing + input);
      return;
    }
    if (key.upArrow || input === "k") setIndex(Math.max(0, at - 1));
    else if (key.downArrow || input === "j") setIndex(Math.max(0, Math.min(entries.length - 1, at + 1)));
    else if (input === "/") setTyping("");
    else if (key.return && current !== undefined && summary.status === "ready") props.onStart(current);
    else if (input === "r" && latest?.ok) props.onResume(latest.dir);
    else if (key.tab || input === "u") props.onRuns();
    else if (input === "q" || key.escape) props.onQuit();
  });

  const shown = (p: string) => (p.startsWith(resolve(props.spacesDir)) || !p.startsWith("/") ? basename(p) : relative(process.cwd(), p) || p);
  const listRows = Math.max(3, Math.min(entries.length + 1, Math.floor((height - 8) / 3)));
  const first = Math.max(0, Math.min(at - listRows + 2, entries.length + 1 - listRows));
  const rows: { text: string; selected: boolean }[] = [];
  for (let i = first; i < first + listRows; i++) {
    if (i < entries.length) rows.push({ text: `${i === at ? ">" : " "} ${shown(entries[i])}`, selected: i === at });
    else if (i === entries.length) rows.push({ text: typing !== undefined ? `  path: ${typing}▏` : "  / type a path…", selected: typing !== undefined });
  }

  // header, title, separator, unfinished-run line, keys: 5 lines besides the list and the details.
  const detailRows = height - 1 - 5 - rows.length;
  let details: string[];
  if (spaces.status === "error") details = [`cannot read ${props.spacesDir}: ${spaces.error.message}`];
  else if (entries.length === 0) details = spaces.status === "loading" ? ["loading…"] : [`no search spaces in ${props.spacesDir}: press / to type a path`];
  else if (summary.status === "loading" || summary.status === "ready" && summary.value === undefined) details = ["reading the space…"];
  else if (summary.status === "error") details = ["this space cannot be searched:", ...summary.error.message.split("\n")];
  else details = labelled([...summary.value!.summary.lines, ["estimate", estimateText(summary.value!)]], width);
  details = details.slice(0, Math.max(1, detailRows));

  const runLine = latest?.ok
    ? `unfinished: ${latest.id} (${latest.status === "finished" ? "stopped" : latest.status}, ${latest.scored + latest.failed} done) · r resumes it${unfinished.length > 1 ? ` · ${unfinished.length - 1} more (tab)` : ""}`
    : runs.status === "ready" ? `runs in ${props.runsDir}: ${runs.value.length} (tab lists them)` : "";
  return (
    <Box flexDirection="column" width={width}>
      <HeaderLine title="smelt · launch a search" status={`limit ${props.limit ?? "none"}`} width={width} />
      <Line text={`search spaces in ${props.spacesDir}/`} width={width} bold />
      {rows.map((r, i) => (
        <Line key={i} text={r.text} width={width} inverse={r.selected} />
      ))}
      <Line text={`─ ${current ? shown(current) : ""} ${"─".repeat(width)}`.slice(0, width)} width={width} dimColor />
      {details.map((d, i) => (
        <Line key={i} text={d} width={width} color={summary.status === "error" ? "red" : undefined} />
      ))}
      {Array.from({ length: Math.max(0, detailRows - details.length) }, (_, i) => (
        <Line key={`pad${i}`} text="" width={width} />
      ))}
      <Line text={runLine} width={width} color="yellow" />
      <KeyHints
        width={width}
        keys={
          typing !== undefined
            ? [["enter", "use this path"], ["esc", "cancel"]]
            : [["↑↓", "space"], ["enter", "start"], ["/", "path"], ["r", "resume"], ["tab", "runs"], ["q", "quit"]]
        }
      />
    </Box>
  );
}
