import { paretoFront, type TaskScore } from "../../index.js";
import type { ScatterPoint } from "../text/scatter-plot.js";
import type { CandidateView, RunView } from "./run-view.js";

/** The scored candidate with the best fitness (the first one on ties). */
export function bestCandidate(view: RunView): CandidateView | undefined {
  let best: CandidateView | undefined;
  for (const c of view.candidates) if (c.fitness !== undefined && (best === undefined || c.fitness > best.fitness!)) best = c;
  return best;
}

/** The best score so far on one objective, with its standard error and who reached it. */
export interface ObjectiveBest {
  readonly task: string;
  readonly direction: "maximize" | "minimize";
  readonly best: { readonly score: TaskScore; readonly id: string } | undefined;
}

export function bestPerObjective(view: RunView): ObjectiveBest[] {
  return view.objectives.map((o) => {
    let best: { score: TaskScore; id: string } | undefined;
    for (const c of view.candidates) {
      const s = c.tasks[o.task];
      if (s === undefined) continue;
      const better = best === undefined || (o.direction === "maximize" ? s.value > best.score.value : s.value < best.score.value);
      if (better) best = { score: s, id: c.id };
    }
    return { task: o.task, direction: o.direction, best };
  });
}

/** Best fitness so far after each finished candidate (NaN before the first scored one). */
export function convergence(view: RunView): number[] {
  let best = Number.NaN;
  return view.candidates.map((c) => {
    if (c.fitness !== undefined && !(c.fitness <= best)) best = c.fitness;
    return best;
  });
}

/** Milliseconds paused so far this session, the current pause included. */
function pausedMs(view: RunView, now: number): number {
  return view.pausedMs + (view.pausedSince === undefined ? 0 : now - view.pausedSince);
}

/** Active (unpaused) seconds of the search stage this session. */
export function activeSearchSeconds(view: RunView, now: number): number {
  if (view.searchStartedAt === undefined) return 0;
  return Math.max(0, now - view.searchStartedAt - pausedMs(view, now)) / 1000;
}

export interface Progress {
  /** Share of the budget used, 0..1 (the larger of evaluations and minutes). */
  readonly fraction: number;
  /** Measured wall seconds per candidate this session (paused time excluded), once one finished. */
  readonly secondsPerCandidate: number | undefined;
  /** Seconds until the budget is used up, when it can be estimated. */
  readonly remainingSeconds: number | undefined;
}

/**
 * Budget progress and ETA. The rate is measured: active search time this session over the
 * candidates finished this session (merges overlap scoring, so this is wall time per candidate,
 * not the sum of phases). Held-out re-scoring comes after and is not included.
 */
export function progress(view: RunView, now: number): Progress {
  const own = view.candidates.filter((c) => c.finishedAt !== undefined);
  let secondsPerCandidate: number | undefined;
  if (own.length > 0 && view.searchStartedAt !== undefined) {
    const last = own[own.length - 1];
    secondsPerCandidate = Math.max(0, last.finishedAt! - last.pausedBefore - view.searchStartedAt) / 1000 / own.length;
  }
  const { evaluations, minutes } = view.budget;
  const fractions: number[] = [];
  const remaining: number[] = [];
  if (evaluations !== undefined) {
    fractions.push(view.done / evaluations);
    if (secondsPerCandidate !== undefined) remaining.push(Math.max(0, evaluations - view.done) * secondsPerCandidate);
  }
  if (minutes !== undefined) {
    const used = view.earlierSeconds + activeSearchSeconds(view, now);
    fractions.push(used / (minutes * 60));
    if (view.searchStartedAt !== undefined) remaining.push(Math.max(0, minutes * 60 - used));
  }
  return {
    fraction: Math.min(1, Math.max(0, ...fractions)),
    secondsPerCandidate,
    remainingSeconds: view.stage === "finished" ? 0 : remaining.length > 0 ? Math.min(...remaining) : undefined,
  };
}

/**
 * Short labels for task names: a prefix all of them share up to a `_`, `-` or `.` is dropped
 * (`toy_max`, `toy_kind` -> `max`, `kind`).
 */
export function shortTaskNames(tasks: readonly string[]): Record<string, string> {
  let prefix = tasks.length > 1 ? tasks[0] : "";
  for (const t of tasks) while (!t.startsWith(prefix)) prefix = prefix.slice(0, -1);
  const cut = Math.max(prefix.lastIndexOf("_"), prefix.lastIndexOf("-"), prefix.lastIndexOf(".")) + 1;
  return Object.fromEntries(tasks.map((t) => [t, t.slice(cut) || t]));
}

/** Glyphs of the Pareto plot. */
export const PLOT_GLYPHS = { candidate: "·", front: "●", selected: "◆", base: "B" } as const;

/**
 * The Pareto plot of two objectives: every scored candidate (the front of these two objectives,
 * oriented by their directions, drawn as ●), the selected one (◆), and the reference models'
 * validation scores (B for the base, 1-9 for the sources). Also returns the legend.
 */
export function paretoPlot(view: RunView, xTask: string, yTask: string, selected: string | undefined): { points: ScatterPoint[]; legend: string } {
  const sign = (task: string) => (view.objectives.find((o) => o.task === task)?.direction === "minimize" ? -1 : 1);
  const scored = view.candidates.filter((c) => c.tasks[xTask] !== undefined && c.tasks[yTask] !== undefined);
  const front = paretoFront(scored.map((c) => [sign(xTask) * c.tasks[xTask].value, sign(yTask) * c.tasks[yTask].value]));
  const points: ScatterPoint[] = scored.map((c, i) => {
    const glyph = c.id === selected ? PLOT_GLYPHS.selected : front[i] ? PLOT_GLYPHS.front : PLOT_GLYPHS.candidate;
    return { x: c.tasks[xTask].value, y: c.tasks[yTask].value, glyph, priority: c.id === selected ? 5 : front[i] ? 3 : 1 };
  });
  const legend: string[] = [];
  let source = 0;
  for (const r of view.references) {
    if (r.split !== "validation" || r.tasks[xTask] === undefined || r.tasks[yTask] === undefined) continue;
    const glyph = r.role === "base" ? PLOT_GLYPHS.base : source < 9 ? String(++source) : "S";
    points.push({ x: r.tasks[xTask].value, y: r.tasks[yTask].value, glyph, priority: 4 });
    legend.push(`${glyph} ${r.model.replace(/\.gguf$/i, "")}`);
  }
  return { points, legend: [`${PLOT_GLYPHS.front} front`, `${PLOT_GLYPHS.selected} selected`, ...legend].join("  ") };
}
