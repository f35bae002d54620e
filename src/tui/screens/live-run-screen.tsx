import { Box, Text, useInput } from "ink";
import { relative } from "node:path";
import { useMemo, useState } from "react";
import { HeaderLine } from "../components/header-line.js";
import { KeyHints } from "../components/key-hints.js";
import { Line } from "../components/line.js";
import { useNow } from "../hooks/use-now.js";
import { useResources } from "../hooks/use-resources.js";
import { useRunView } from "../hooks/use-run-view.js";
import { exportCandidate } from "../session/export-candidate.js";
import type { LiveRun } from "../session/search-session.js";
import { bestCandidate, paretoPlot, shortTaskNames } from "../state/run-view-selectors.js";
import type { RunView } from "../state/run-view.js";

import { scatterPlot } from "../text/scatter-plot.js";
import { activityLines, bestLines, budgetLine, convergenceLine, recentTable, resourceLine } from "./live-run-lines.js";

/** Lines besides the plot: header, budget, 2 activity, 2 best, titles, legend, convergence, resources, message, keys. */
const FIXED_LINES = 12;

export interface LiveRunScreenProps {
  readonly live: LiveRun;
  readonly width: number;
  readonly height: number;
  /** Shown in the header (the search space's file name). */
  readonly title?: string;
  /** `l`: the run's leaderboard. */
  readonly onLeaderboard: (dir: string) => void;
  /** `q`: the owner stops the search gracefully and quits once it has ended. */
  readonly onQuit: () => void;
  /** A line from the owner (e.g. "Ctrl-C again quits at once"). */
  readonly notice?: string;
}

function status(view: RunView): { text: string; color: string } {
  if (view.crashed !== undefined) return { text: "✖ failed", color: "red" };
  if (view.stage === "finished") return { text: `■ ${view.finished?.reason ?? "finished"}`, color: "green" };
  if (view.stopping) return { text: "■ stopping", color: "yellow" };
  if (view.pause === "paused") return { text: "❚❚ paused", color: "yellow" };
  if (view.pause === "pausing") return { text: "❚❚ pausing", color: "yellow" };
  return { text: `▶ ${view.stage === "starting" ? "starting" : view.stage === "reference" ? "references" : view.stage === "heldout" ? "held-out" : "searching"}`, color: "green" };
}

/**
 * The live run: budget and ETA, the current candidate's phase, best so far per objective, the
 * Pareto plot of two objectives with the reference models, recent candidates, the convergence
 * line, and CPU/memory. Keys act on the search through `live` (pause, stop).
 */
export function LiveRunScreen(props: LiveRunScreenProps) {
  const { live, width } = props;
  const view = useRunView(live.store);
  const now = useNow(1000);
  const usage = useResources(1000);
  const [axes, setAxes] = useState<[number, number]>([0, 1]);
  const [picked, setPicked] = useState<string | undefined>(undefined);
  const [message, setMessage] = useState<string | undefined>(undefined);

  const best = bestCandidate(view);
  const selected = picked ?? best?.id ?? view.candidates.at(-1)?.id;
  const tasks = view.objectives.map((o) => o.task);
  const names = shortTaskNames(tasks);
  const xTask = tasks[axes[0] % Math.max(1, tasks.length)];
  const yTask = tasks[axes[1] % Math.max(1, tasks.length)];
  const cycle = (which: 0 | 1) => {
    if (tasks.length < 2) return;
    setAxes(([x, y]) => {
      const other = which === 0 ? y : x;
      let next = ((which === 0 ? x : y) + 1) % tasks.length;
      if (next === other) next = (next + 1) % tasks.length;
      return which === 0 ? [next, y] : [x, next];
    });
  };
  const move = (delta: number) => {
    const ids = view.candidates.map((c) => c.id);
    if (ids.length === 0) return;
    const at = selected === undefined ? ids.length - 1 : ids.indexOf(selected);
    setPicked(ids[Math.max(0, Math.min(ids.length - 1, at + delta))]);
  };

  useInput((input, key) => {
    if (input === "p") live.togglePause();
    else if (input === "s") live.stop();
    else if (input === "q") props.onQuit();
    else if (input === "x") cycle(0);
    else if (input === "y") cycle(1);
    else if (key.upArrow || input === "k") move(-1);
    else if (key.downArrow || input === "j") move(1);
    else if (input === "b") setPicked(undefined);
    else if (input === "l" && view.dir) props.onLeaderboard(view.dir);
    else if (input === "e") {
      if (!view.dir || selected === undefined) setMessage("nothing to export yet");
      else {
        setMessage(`exporting ${selected}…`);
        exportCandidate(view.dir, selected).then(
          (path) => setMessage(`exported ${selected} → ${relative(process.cwd(), path) || path}`),
          (error: unknown) => setMessage(`export failed: ${error instanceof Error ? error.message : String(error)}`),
        );
      }
    }
  });

  const plotHeight = Math.max(4, props.height - 1 - FIXED_LINES);
  const left = Math.floor((width - 1) / 2);
  const right = width - left - 1;
  const [nowLine, nextLine] = activityLines(view, width);
  const [best1, best2] = bestLines(view, width);
  // The Pareto fronts are quadratic in the candidates: recompute them only when those change,
  // not on every progress event or clock tick.
  const { candidates, references, objectives } = view;
  const plot = useMemo(
    () => (xTask !== undefined && yTask !== undefined && xTask !== yTask ? paretoPlot({ ...view, candidates, references, objectives }, xTask, yTask, selected) : undefined),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [candidates, references, objectives, xTask, yTask, selected],
  );
  const plotLines = plot ? scatterPlot(plot.points, left, plotHeight) : Array.from({ length: plotHeight }, (_, i) => (i === 0 && tasks.length === 1 ? "  one objective: see the convergence line" : ""));
  const table = useMemo(
    () => recentTable({ ...view, candidates, objectives }, selected, picked !== undefined, right, plotHeight - 1),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [candidates, objectives, selected, picked, right, plotHeight],
  );
  const st = status(view);
  const pausedNow = view.pause !== "running" || view.stopping;
  return (
    <Box flexDirection="column" width={width}>
      <HeaderLine title={`smelt · run ${view.runId ?? "…"}${props.title ? ` · ${props.title}` : ""}`} status={st.text} statusColor={st.color} width={width} />
      <Line text={budgetLine(view, now, width)} width={width} />
      <Line text={nowLine} width={width} />
      <Line text={nextLine} width={width} color={pausedNow ? "yellow" : undefined} bold={pausedNow} />
      <Line text={best1} width={width} color="green" />
      <Line text={best2} width={width} />
      <Box width={width}>
        <Line text={plot ? `Pareto · x ${names[xTask]} · y ${names[yTask]}` : "Pareto"} width={left} bold />
        <Text> </Text>
        <Line text={`recent · selected ${selected ?? "-"}`} width={right} bold />
      </Box>
      <Box width={width}>
        <Box flexDirection="column" width={left}>
          {plotLines.map((l, i) => (
            <Line key={i} text={l} width={left} />
          ))}
        </Box>
        <Text> </Text>
        <Box flexDirection="column" width={right}>
          <Line text={table.header} width={right} dimColor />
          {table.lines.map((l, i) => (
            <Line key={i} text={l.text} width={right} inverse={l.selected} />
          ))}
        </Box>
      </Box>
      <Line text={plot?.legend ?? ""} width={width} dimColor />
      <Line text={convergenceLine(view, width)} width={width} />
      <Line text={resourceLine(usage, width)} width={width} dimColor />
      <Line text={props.notice ?? message ?? ""} width={width} color="cyan" />
      <KeyHints
        width={width}
        keys={[
          ["p", view.pause === "running" ? "pause" : "resume"],
          ["s", "stop"],
          ["q", "quit"],
          ["x/y", "axes"],
          ["↑↓", "select"],
          ["l", "leaderboard"],
          ["e", "export"],
          ["b", "best"],
        ]}
      />
    </Box>
  );
}
