import type { TaskScore } from "./journal-entry.js";
import type { Leaderboard } from "./leaderboard.js";

/** Terminal width the table must fit; wider boards drop trailing columns and say so. */
export const LEADERBOARD_WIDTH = 100;
const MAX_NAME = 24;
const GAP = "  ";

interface Column {
  readonly header: string;
  readonly cells: readonly string[];
  readonly right: boolean;
}

/** Three decimals for scores in [-10, 10] (accuracies), fewer for large values (perplexities). */
export function formatScore(v: number): string {
  const a = Math.abs(v);
  return a < 10 ? v.toFixed(3) : a < 10_000 ? v.toFixed(1) : v.toExponential(2);
}

function formatTask(score: TaskScore | undefined): string {
  if (score === undefined) return "-";
  return score.stderr === null ? formatScore(score.value) : `${formatScore(score.value)}±${formatScore(score.stderr)}`;
}

function hiddenNote(hidden: number, width: number): string {
  return `(${hidden} more column${hidden === 1 ? " does" : "s do"} not fit in ${width}: use --json)`;
}

function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

/**
 * Lays columns out left to right while they fit in `width`; the first `keep` columns always stay.
 * Returns the lines and how many columns were left out.
 */
function layout(columns: readonly Column[], keep: number, width: number): { lines: string[]; hidden: number } {
  const widths = columns.map((c) => Math.max(c.header.length, ...c.cells.map((s) => s.length)));
  let used = 0;
  let shown = 0;
  for (let i = 0; i < columns.length; i++) {
    const extra = widths[i] + (i === 0 ? 0 : GAP.length);
    if (i >= keep && used + extra > width) break;
    used += extra;
    shown++;
  }
  const visible = columns.slice(0, shown);
  const row = (cell: (c: Column, i: number) => string) =>
    visible.map((c, i) => (c.right ? cell(c, i).padStart(widths[i]) : cell(c, i).padEnd(widths[i]))).join(GAP).trimEnd();
  const rows = visible[0]?.cells.length ?? 0;
  const lines = [row((c) => c.header), row((_, i) => "-".repeat(widths[i]))];
  for (let r = 0; r < rows; r++) lines.push(row((c) => c.cells[r]));
  return { lines, hidden: columns.length - shown };
}

export interface RenderLeaderboardOptions {
  /** Defaults to LEADERBOARD_WIDTH (100). */
  readonly width?: number;
  /** Shown for an unfinished run (e.g. "running" or "interrupted" from openRun); defaults to "not finished". */
  readonly status?: string;
}

/**
 * The leaderboard as a fixed-width text table of at most `width` (100) columns: candidates ranked
 * (`*` marks the Pareto front), per-task `value±stderr` on the search split, held-out fitness and
 * per-task held-out values (no stderr, for room) when any candidate has them, then the reference models apart. Task
 * columns that do not fit are left out with a note pointing at `--json`.
 */
export function renderLeaderboard(board: Leaderboard, options: RenderLeaderboardOptions = {}): string {
  const width = options.width ?? LEADERBOARD_WIDTH;
  const out: string[] = [];
  const c = board.counts;
  const status = board.finished !== undefined ? `finished (${board.finished})` : (options.status ?? "not finished");
  out.push(`run ${board.runId} · ${status} · ${c.proposed} proposed, ${c.scored} scored, ${c.failed} failed, ${c.pending} pending`);
  const rows = board.candidates;
  const anyHeldout = rows.some((r) => r.heldout !== undefined || r.heldoutFailure !== undefined);
  if (rows.length === 0) {
    out.push("no candidate has been scored yet");
  } else {
    const split = rows[0].split;
    out.push(`sorted by ${board.sortedBy} · * = Pareto front · tasks on ${split}${anyHeldout ? " · held-out = test split" : ""}`);
    out.push("");
    const columns: Column[] = [
      { header: "#", cells: rows.map((r) => `${r.rank}${r.pareto ? "*" : " "}`), right: true },
      { header: "candidate", cells: rows.map((r) => clip(r.id, MAX_NAME)), right: false },
      { header: "gen", cells: rows.map((r) => String(r.generation)), right: true },
      { header: "method", cells: rows.map((r) => clip(r.method, 16)), right: false },
      { header: "fitness", cells: rows.map((r) => formatScore(r.fitness)), right: true },
    ];
    if (anyHeldout) {
      columns.push({ header: "held-out", cells: rows.map((r) => (r.heldout ? formatScore(r.heldout.fitness) : r.heldoutFailure ? "failed" : "-")), right: true });
    }
    const keep = columns.length;
    for (const task of board.tasks) columns.push({ header: clip(task, 20), cells: rows.map((r) => formatTask(r.tasks[task])), right: true });
    if (anyHeldout) {
      for (const task of board.tasks) {
        // Values only: with their stderrs two tasks side by side would already overflow 100 columns.
        const cell = (v: number | undefined) => (v === undefined ? "-" : formatScore(v));
        columns.push({ header: clip(`${task}:test`, 20), cells: rows.map((r) => cell(r.heldout?.tasks[task]?.value)), right: true });
      }
    }
    const { lines, hidden } = layout(columns, keep, width);
    out.push(...lines);
    if (hidden > 0) out.push(hiddenNote(hidden, width));
  }
  if (board.references.length > 0) {
    out.push("");
    out.push("references (not merges):");
    const refs = board.references;
    const columns: Column[] = [
      { header: "model", cells: refs.map((r) => clip(r.model, 32)), right: false },
      { header: "role", cells: refs.map((r) => r.role), right: false },
      { header: "split", cells: refs.map((r) => r.split), right: false },
      { header: "fitness", cells: refs.map((r) => (r.fitness === undefined ? "-" : formatScore(r.fitness))), right: true },
    ];
    const keep = columns.length;
    for (const task of board.tasks) columns.push({ header: clip(task, 20), cells: refs.map((r) => formatTask(r.tasks[task])), right: true });
    const { lines, hidden } = layout(columns, keep, width);
    out.push(...lines);
    if (hidden > 0) out.push(hiddenNote(hidden, width));
  }
  return `${out.join("\n")}\n`;
}
