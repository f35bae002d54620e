import { paretoFront } from "../../index.js";
import type { ResourceUsage } from "../state/resource-usage.js";
import { bestCandidate, bestPerObjective, convergence, progress, shortTaskNames } from "../state/run-view-selectors.js";
import type { ActivityView, DownloadView, RunView } from "../state/run-view.js";
import { bar } from "../text/bar.js";
import { padEnd, padStart, truncate } from "../text/fit.js";
import { bytes, duration, score, scoreWithError } from "../text/format-number.js";
import { sparkline } from "../text/sparkline.js";

/** The live run screen's text lines, as pure functions of the view (and the clock). */

/** `budget ████████░░░░ 9/16 evaluations · 56% · 1.1 s/candidate · ETA 8s` */
export function budgetLine(view: RunView, now: number, width: number): string {
  const p = progress(view, now);
  const parts: string[] = [];
  if (view.budget.evaluations !== undefined) parts.push(`${view.done}/${view.budget.evaluations} evals`);
  if (view.budget.minutes !== undefined) parts.push(`${view.budget.minutes} min budget`);
  parts.push(`${Math.round(p.fraction * 100)}%`);
  if (p.secondsPerCandidate !== undefined) parts.push(`${duration(p.secondsPerCandidate)}/cand`);
  if (view.stage === "heldout") parts.push("re-scoring finalists");
  else if (view.stage !== "finished") parts.push(`ETA ${p.remainingSeconds === undefined ? "--" : duration(p.remainingSeconds)} + held-out`);
  const text = parts.join(" · ");
  const barWidth = Math.max(5, Math.min(24, width - 8 - text.length));
  return truncate(`budget ${bar(p.fraction, 1, barWidth)} ${text}`, width);
}

function who(a: ActivityView): string {
  if (a.stage === "reference") return `reference ${a.id}`;
  if (a.stage === "heldout") return `held-out ${a.id}`;
  return a.id;
}

function describe(a: ActivityView, width: number): string {
  switch (a.phase) {
    case "merging":
      return `${who(a)} merging`;
    case "merged":
      return `${who(a)} merged, waits to be scored`;
    case "loading":
      return `${who(a)} loading into llama.cpp`;
    case "scoring": {
      const task = a.taskIndex !== undefined && a.taskCount !== undefined ? `${a.task} (task ${a.taskIndex + 1}/${a.taskCount})` : (a.task ?? "");
      const items = a.total !== undefined ? `${a.done ?? 0}/${a.total} items` : "";
      const head = `${who(a)} scoring ${task}`;
      const barWidth = Math.max(0, Math.min(12, width - head.length - items.length - 8));
      return `${head}${barWidth >= 4 ? ` ${bar(a.done ?? 0, a.total ?? 0, barWidth)}` : ""} ${items}`;
    }
    default:
      void (a.phase satisfies never);
      return a.id;
  }
}

/**
 * Two lines: what runs now (the candidate being scored, with task and item progress), and what
 * waits or what the user asked for (a pause: whether the current candidate is still finishing).
 */
export function activityLines(view: RunView, width: number): [string, string] {
  if (view.crashed !== undefined) return [truncate(`the search failed: ${view.crashed}`, width), "the journal holds everything finished; resume the run once fixed"];
  if (view.stage === "finished") {
    const f = view.finished;
    return [truncate(`finished (${f?.reason ?? "?"}) · best ${f?.best ?? "none"}`, width), view.dir ? truncate(`journal: ${view.dir}`, width) : ""];
  }
  const current = view.activity.find((a) => a.phase === "loading" || a.phase === "scoring") ?? view.activity.find((a) => a.phase === "merging");
  const ahead = view.activity.find((a) => a !== current);
  const last = view.candidates.at(-1)?.id;
  const now =
    view.pause === "paused" ? `now   nothing: paused${last ? ` after ${last}` : ""}`
    : current ? `now   ${describe(current, width - 6)}`
    : view.download !== undefined ? `now   ${downloadText(view.download, width - 6)}`
    : view.stage === "starting" ? "now   opening the run" : "now   -";
  const queued = view.queued.find((id) => id !== current?.id);
  // A merge that began while the previous candidate was scored is a merge ahead: a stop drops it
  // (it stays pending) and a pause keeps it waiting; any other current candidate finishes first.
  const finishedAt = view.candidates.at(-1)?.finishedAt;
  const mergedAhead = current !== undefined && (current.phase === "merging" || current.phase === "merged") && finishedAt !== undefined && current.since <= finishedAt;
  let next: string;
  if (view.pause === "paused") next = `PAUSED: nothing runs${view.waiting ? `; ${view.waiting} is merged and waits` : ""}. p resumes`;
  else if (view.stopping) next = mergedAhead ? `STOPPING: the search ends; ${current.id}, merged ahead, stays pending (a resume redoes it)` : current ? `STOPPING: ${current.id} finishes and is journaled, then the search ends` : "STOPPING: the search ends before anything new is scored";
  else if (view.pause === "pausing") next = mergedAhead ? `PAUSING: ${current.id}, merged ahead, will wait; nothing new starts` : current ? `PAUSING: ${current.id} finishes first, then nothing new starts` : "PAUSING: before anything new is scored";
  else next = ahead ? `next  ${describe(ahead, width - 6)}` : queued ? `next  ${queued}` : "";
  return [truncate(now, width), truncate(next, width)];
}

/** `best  fitness 1.800 c0009` and one `max 1.000±0.000 c0002` per objective, packed into two lines. */
export function bestLines(view: RunView, width: number): [string, string] {
  const best = bestCandidate(view);
  const names = shortTaskNames(view.objectives.map((o) => o.task));
  const bestSource = view.references.filter((r) => r.split === "validation").sort((a, b) => b.fitness - a.fitness)[0];
  const first = best
    ? `best  fitness ${score(best.fitness)} ${best.id}${best.heldout ? ` (held-out ${score(best.heldout.fitness)})` : ""}${bestSource ? ` · best reference ${score(bestSource.fitness)} ${bestSource.model}` : ""}`
    : `best  -${bestSource ? ` · best reference ${score(bestSource.fitness)} ${bestSource.model}` : ""}`;
  const cells = bestPerObjective(view).map((o) => `${names[o.task]}${o.direction === "minimize" ? "↓" : ""} ${o.best ? `${scoreWithError(o.best.score.value, o.best.score.stderr)} ${o.best.id}` : "-"}`);
  let second = "     ";
  let shown = 0;
  for (const cell of cells) {
    const more = cells.length - shown - 1;
    const reserve = more > 0 ? 10 : 0;
    if (second.length + 1 + cell.length + reserve > width) break;
    second += ` ${cell} `;
    shown++;
  }
  if (shown < cells.length) second += ` +${cells.length - shown} more (l)`;
  return [truncate(first, width), truncate(second.trimEnd(), width)];
}

/**
 * The recent-candidates table: a header and up to `rows` rows ending at the newest, or scrolled
 * to keep `selected` in sight. `>` marks the selected row, `*` the Pareto front over all
 * objectives; failed candidates show their phase.
 */
export function recentTable(view: RunView, selected: string | undefined, scrolled: boolean, width: number, rows: number): { header: string; lines: { text: string; selected: boolean }[] } {
  const tasks = view.objectives.map((o) => o.task);
  const names = shortTaskNames(tasks);
  const cols = Math.max(0, Math.min(tasks.length, Math.floor((width - 15) / 6)));
  const header = `  id     fit ${tasks.slice(0, cols).map((t) => padStart(names[t], 5)).join(" ")}`;
  const scored = view.candidates.filter((c) => c.fitness !== undefined);
  const front = new Set(
    paretoFront(scored.map((c) => view.objectives.map((o) => (c.tasks[o.task] === undefined ? undefined : (o.direction === "minimize" ? -1 : 1) * c.tasks[o.task].value)))).flatMap((f, i) => (f ? [scored[i].id] : [])),
  );
  const all = view.candidates;
  let end = all.length;
  const at = selected === undefined ? -1 : all.findIndex((c) => c.id === selected);
  if (scrolled && at >= 0 && at < end - rows) end = at + rows;
  const window = all.slice(Math.max(0, end - rows), end);
  const lines = window.map((c) => {
    const mark = `${c.id === selected ? ">" : " "}${front.has(c.id) ? "*" : " "}`;
    const body =
      c.status === "failed"
        ? `${padEnd(c.id, 5)} failed (${c.failure?.phase ?? "?"})`
        : `${padEnd(c.id, 5)} ${padStart(score(c.fitness), 5)} ${tasks.slice(0, cols).map((t) => padStart(score(c.tasks[t]?.value), 5)).join(" ")}`;
    return { text: padEnd(`${mark}${body}`, width), selected: c.id === selected };
  });
  return { header: padEnd(header, width), lines };
}

/** `convergence ▁▂▃▅▅▆▇█ best 1.800 after 9` */
export function convergenceLine(view: RunView, width: number): string {
  const series = convergence(view);
  const last = series.length > 0 ? series[series.length - 1] : Number.NaN;
  const tail = Number.isFinite(last) ? ` best ${score(last)} after ${series.length}` : " no score yet";
  const room = Math.max(0, width - "convergence ".length - tail.length);
  return truncate(`convergence ${sparkline(series, room)}${tail}`, width);
}

/** `cpu 182% of 2 cores · rss 412 MB · load 1.92 1.70 1.20` */
export function resourceLine(usage: ResourceUsage, width: number): string {
  const cpu = usage.cpuPercent === undefined ? "--" : `${Math.round(usage.cpuPercent)}%`;
  return truncate(`cpu ${cpu} of ${usage.cores} cores · rss ${bytes(usage.rss)} · load ${usage.load.map((l) => l.toFixed(2)).join(" ")}`, width);
}

/** A Hub download before the run starts: the reference, its file and bytes so far. */
function downloadText(d: DownloadView, width: number): string {
  const what = d.file === undefined ? `resolving ${d.ref} on the Hub` : `downloading ${d.ref} · ${d.file} ${bytes(d.bytes)}/${bytes(d.size)}`;
  return truncate(what, width);
}
