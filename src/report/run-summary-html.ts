import { formatScore } from "../store/index.js";
import type { ParamSpec } from "../search/index.js";
import { escapeHtml } from "./escape-html.js";
import type { ReportData } from "./report-data.js";

/** Seconds as `42.0 s`, `12 min 05 s` or `3 h 20 min`. */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ${String(Math.round(seconds % 60)).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

function specText(spec: ParamSpec): string {
  switch (spec.kind) {
    case "fixed":
      return `fixed ${spec.value}`;
    case "range":
      return `[${spec.lo}, ${spec.hi}]${spec.init === undefined ? "" : ` from ${spec.init}`}`;
    case "choice":
      return `one of ${spec.choices.join(", ")}`;
    default:
      void (spec satisfies never);
      throw new Error("unreachable");
  }
}

const row = (label: string, html: string) => `<tr><th>${escapeHtml(label)}</th><td>${html}</td></tr>`;

/**
 * The run's metadata as a two-column table: status and timing, budget and optimiser, the search
 * space (models, methods, parameters, objectives), and how candidates were scored. Everything
 * that came from the journal or space.yaml is escaped.
 */
export function runSummaryHtml(data: ReportData): string {
  const { space, timing, board } = data;
  const e = escapeHtml;
  const status = `${e(data.status)}${data.finished === undefined ? "" : ` (${e(data.finished)})`}`;
  const budget = space.budget === undefined ? "?" : [space.budget.evaluations === undefined ? "" : `${space.budget.evaluations} evaluations`, space.budget.minutes === undefined ? "" : `${space.budget.minutes} minutes`].filter(Boolean).join(" or ");
  const evaluated = board.counts.scored + board.counts.failed;
  const opt = space.optimiser;
  const optimiser = opt === undefined ? "?" : `${e(opt.name)}${opt.sigma0 === undefined ? "" : `, sigma0 ${opt.sigma0}`}${opt.popsize === undefined ? "" : `, popsize ${opt.popsize}`}`;
  const models = space.models.map((m) => `<code>${e(m.name)}</code> <span class="path">${e(m.model)}</span>`).join("<br>");
  const parameters = space.parameters.map((p) => `<code>${e(p.name)}</code> (${p.scope === "per_model" ? "per model" : "global"}) ${e(specText(p.spec))}`).join("<br>");
  const objectives = data.tasks
    .map((t) => `<code>${e(t.name)}</code> ${e(t.metric)}, ${t.higherIsBetter ? "higher" : "lower"} is better${t.weight === undefined ? "" : `, weight ${t.weight}`}`)
    .join("<br>");
  const scoring = ["kvCache", "evalThreads", "limit"]
    .filter((k) => data.settings[k] !== undefined)
    .map((k) => `${k} ${e(String(data.settings[k] ?? "all items"))}`)
    .join(", ");
  const perCandidate = evaluated === 0 ? "" : `; ${formatSeconds(timing.wallSeconds / evaluated)} per candidate on average`;
  const best = data.best === undefined ? "none yet" : `<code>${e(data.best.candidate)}</code>${(() => {
    const r = board.candidates.find((c) => c.id === data.best?.candidate);
    return r === undefined ? "" : ` fitness ${formatScore(r.fitness)}${r.heldout === undefined ? "" : `, held-out ${formatScore(r.heldout.fitness)}`}`;
  })()}`;
  const rows = [
    row("run", `<code>${e(data.runId)}</code> <span class="path">${e(data.dir)}</span>`),
    row("status", status),
    row("started", `${e(timing.startedAt)} (last entry ${e(timing.lastAt)})`),
    row("wall time", `${formatSeconds(timing.wallSeconds)} over ${timing.sessions} session${timing.sessions === 1 ? "" : "s"}${perCandidate}`),
    row("time in candidates", `merge ${formatSeconds(timing.merge)}, write ${formatSeconds(timing.write)}, load ${formatSeconds(timing.load)}, score ${formatSeconds(timing.score)}`),
    row("evaluations", `${evaluated} of ${budget}: ${board.counts.scored} scored, ${board.counts.failed} failed, ${board.counts.pending} pending`),
    row("best", best),
    row("optimiser", `${optimiser}; seed ${data.seed}`),
    row("methods", space.methods.map((m) => `<code>${e(m)}</code>`).join(", ")),
    row("models", models),
    ...(space.baseModel === undefined ? [] : [row("base model", `<span class="path">${e(space.baseModel)}</span>`)]),
    row("parameters", parameters || "none searched"),
    ...(space.layerGranularity === undefined ? [] : [row("layer groups", `${space.layerGranularity} layers per group`)]),
    ...(space.filters.length === 0 ? [] : [row("filters", space.filters.map((f) => `<code>${e(f)}</code>`).join(", "))]),
    row("objectives", objectives || "none scored yet"),
    ...(space.finalists === undefined ? [] : [row("held-out finalists", `${space.finalists} best by fitness plus the Pareto front`)]),
    ...(scoring === "" ? [] : [row("scoring", scoring)]),
    row("smelt", e(data.smeltVersion)),
  ];
  const issue = space.issue === undefined ? "" : `<p class="notice">${e(space.issue)}</p>`;
  const torn = data.tornLine === undefined ? "" : `<p class="notice">The journal ends in a torn line ${data.tornLine} (a crash mid-write); it is ignored.</p>`;
  return `${issue}${torn}<table class="meta">${rows.join("")}</table>`;
}
