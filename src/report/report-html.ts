import { escapeHtml } from "./escape-html.js";
import { leaderboardHtml } from "./leaderboard-html.js";
import { reportMethods } from "./pareto-plots.js";
import type { Plot } from "./plot.js";
import { REPORT_CSS } from "./report-css.js";
import type { ReportData } from "./report-data.js";
import { reportLegend } from "./report-legend.js";
import { runSummaryHtml } from "./run-summary-html.js";

/** A plot with its rendered SVG. */
export interface RenderedPlot {
  readonly plot: Plot;
  readonly svg: string;
}

/**
 * Nothing may load: no script, no stylesheet, font, image or frame from anywhere. The page is
 * inline CSS and inline SVG only, and this policy makes a browser refuse anything else.
 */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

function figure(r: RenderedPlot, wide = false): string {
  return `<figure class="plot${wide ? " wide" : ""}" id="${escapeHtml(r.plot.id)}" data-section="${r.plot.section}">${r.svg}<figcaption><strong>${escapeHtml(r.plot.title)}</strong>${escapeHtml(r.plot.caption)}</figcaption></figure>`;
}

/**
 * The report page: one self-contained HTML document (inline CSS, inline SVG, no script) with the
 * run summary, the Pareto-front plots, the convergence curve, each searched parameter against
 * fitness, the leaderboard and the recipe `smelt export` would write.
 */
export function reportHtml(data: ReportData, plots: readonly RenderedPlot[], options: { generatedAt: Date; smeltVersion: string }): string {
  const e = escapeHtml;
  const methods = reportMethods(data);
  const of = (section: Plot["section"]) => plots.filter((p) => p.plot.section === section);
  const legend = reportLegend(methods, { heldout: data.tasks.length > 1 && data.candidates.some((c) => c.heldout !== undefined), failures: data.failures.length > 0 });
  const none = (what: string) => `<p class="notice">${what}</p>`;
  const pareto = of("pareto");
  const convergence = of("convergence");
  const parameters = of("parameters");
  const tasks = data.tasks.map((t) => `<code>${e(t.name)}</code>`).join(", ");
  const paretoIntro =
    data.tasks.length > 1
      ? `Each task against each other (${tasks}), validation scores. A candidate is Pareto-optimal when no other candidate is at least as good on every task and better on one; the front is computed across all tasks, so a ringed point may look dominated in one pair.`
      : `Scores on ${tasks || "the task"} (validation split).`;
  const body = [
    `<header><h1>smelt run <code>${e(data.runId)}</code></h1><p class="sub">${e(data.status)}${data.finished === undefined ? "" : ` (${e(data.finished)})`} · ${data.candidates.length} scored, ${data.failures.length} failed · ${methods.map(e).join(", ")} · ${data.tasks.length} task${data.tasks.length === 1 ? "" : "s"}</p>`,
    `<nav><a href="#summary">Summary</a><a href="#pareto">Pareto front</a><a href="#convergence">Convergence</a><a href="#parameters">Parameters</a><a href="#leaderboard">Leaderboard</a><a href="#recipe">Best recipe</a></nav></header>`,
    `<main>`,
    `<section id="summary"><h2>Summary</h2>${runSummaryHtml(data)}</section>`,
    `<section id="pareto"><h2>Pareto front</h2><p class="note">${paretoIntro}</p>${legend}${pareto.length === 0 ? none("Nothing scored yet.") : `<div class="grid">${pareto.map((p) => figure(p)).join("")}</div>`}</section>`,
    `<section id="convergence"><h2>Convergence</h2>${convergence.length === 0 ? none("No candidate evaluated yet.") : convergence.map((p) => figure(p, true)).join("")}</section>`,
    `<section id="parameters"><h2>Searched parameters against fitness</h2><p class="note">One plot per searched value of the genome (named as the search names it: parameter, model, filter, layer group), every scored candidate that has it.</p>${parameters.length === 0 ? none("No searched parameter to show.") : `<div class="grid">${parameters.map((p) => figure(p)).join("")}</div>`}</section>`,
    `<section id="leaderboard"><h2>Leaderboard</h2>${leaderboardHtml(data, methods)}</section>`,
    `<section id="recipe"><h2>Best recipe</h2>${data.best === undefined ? none("Nothing to export yet.") : `<p class="note">What <code>smelt export ${e(data.dir)} -o best.yaml</code> writes (mergekit-compatible).</p><pre class="recipe">${e(data.best.yaml)}</pre>`}</section>`,
    `</main>`,
    `<footer>Made by smelt ${e(options.smeltVersion)} from ${e(data.dir)}/journal.jsonl at ${e(options.generatedAt.toISOString())}. Self-contained: no script, no network.</footer>`,
  ];
  return [
    "<!doctype html>",
    `<html lang="en"><head><meta charset="utf-8">`,
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<meta name="generator" content="smelt ${e(options.smeltVersion)}">`,
    `<title>smelt report · ${e(data.runId)}</title>`,
    `<style>${REPORT_CSS}</style></head>`,
    `<body>${body.join("\n")}</body></html>`,
    "",
  ].join("\n");
}
