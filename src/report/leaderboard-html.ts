import { formatScore, type TaskScore } from "../store/index.js";
import { escapeHtml } from "./escape-html.js";
import { methodColor } from "./plot-style.js";
import type { ReportData } from "./report-data.js";

function score(s: TaskScore | undefined): string {
  if (s === undefined) return `<span class="na">–</span>`;
  return `${formatScore(s.value)}${s.stderr === null ? "" : `<span class="se"> ± ${formatScore(s.stderr)}</span>`}`;
}

/** A task cell: the search score, and under it the held-out score when there is one. */
function taskCell(search: TaskScore | undefined, heldout: TaskScore | undefined): string {
  const below = heldout === undefined ? "" : `<div class="test">test ${score(heldout)}</div>`;
  return `<td class="num">${score(search)}${below}</td>`;
}

/**
 * The leaderboard as HTML tables, from src/store's leaderboard (ranked by fitness): rank, id,
 * generation, method, fitness, held-out fitness, each task's score ± stderr (held-out under it),
 * the Pareto mark; the candidate `smelt export` picks is highlighted. References follow in their own table.
 */
export function leaderboardHtml(data: ReportData, methods: readonly string[]): string {
  const { board } = data;
  const picked = data.best?.candidate;
  const taskHeads = board.tasks.map((t) => `<th class="num">${escapeHtml(t)}</th>`).join("");
  const rows = board.candidates.map((r) => {
    const heldout = r.heldout === undefined ? (r.heldoutFailure === undefined ? `<span class="na">–</span>` : `<span class="fail" title="${escapeHtml(r.heldoutFailure)}">failed</span>`) : formatScore(r.heldout.fitness);
    const swatch = `<span class="swatch" style="background:${methodColor(methods, r.method)}"></span>`;
    return `<tr${r.id === picked ? ' class="picked"' : ""}><td class="num">${r.rank}</td><td><code>${escapeHtml(r.id)}</code></td><td class="num">${r.generation}</td><td>${swatch}${escapeHtml(r.method)}</td><td class="num strong">${formatScore(r.fitness)}</td><td class="num">${heldout}</td>${board.tasks.map((t) => taskCell(r.tasks[t], r.heldout?.tasks[t])).join("")}<td class="mark">${r.pareto ? "★" : ""}</td></tr>`;
  });
  const candidates =
    rows.length === 0
      ? `<p class="notice">No candidate has been scored yet.</p>`
      : `<table class="board"><thead><tr><th class="num">#</th><th>candidate</th><th class="num">gen</th><th>method</th><th class="num">fitness</th><th class="num">held-out</th>${taskHeads}<th title="Pareto-optimal across tasks">Pareto</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
  const refRows = board.references.map(
    (r) => `<tr><td>${escapeHtml(r.model)}</td><td>${r.role}</td><td>${r.split}</td><td class="num strong">${r.fitness === undefined ? "–" : formatScore(r.fitness)}</td>${board.tasks.map((t) => `<td class="num">${score(r.tasks[t])}</td>`).join("")}</tr>`,
  );
  const references =
    refRows.length === 0
      ? ""
      : `<h3>Reference models (not merges)</h3><table class="board"><thead><tr><th>model</th><th>role</th><th>split</th><th class="num">fitness</th>${taskHeads}</tr></thead><tbody>${refRows.join("")}</tbody></table>`;
  const c = board.counts;
  const note = `<p class="note">Ranked by fitness on the validation split; ★ = Pareto-optimal across tasks; held-out = the finalists re-scored on each task's test split, which the search never saw${picked === undefined ? "" : `; the highlighted row is the candidate <code>smelt export</code> picks (${escapeHtml(picked)})`}. ${c.proposed} proposed, ${c.scored} scored, ${c.failed} failed, ${c.pending} pending.</p>`;
  return `${note}<div class="scroll">${candidates}</div>${references ? `<div class="scroll">${references}</div>` : ""}`;
}
