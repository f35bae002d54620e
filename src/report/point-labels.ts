import { formatScore, type ReferenceRow, type TaskScore } from "../store/index.js";
import type { ReportCandidate } from "./report-data.js";

function taskText(tasks: Readonly<Record<string, TaskScore>>): string {
  return Object.entries(tasks)
    .map(([t, s]) => `${t} ${formatScore(s.value)}${s.stderr === null ? "" : `±${formatScore(s.stderr)}`}`)
    .join(", ");
}

/** The tooltip of a candidate's point: id, method, rank, fitness and every task score. */
export function candidateLabel(c: ReportCandidate): string {
  return `${c.id} · ${c.method} · gen ${c.generation} · rank ${c.rank}${c.pareto ? " · Pareto" : ""} · fitness ${formatScore(c.fitness)} · ${taskText(c.tasks)}`;
}

/** The tooltip of a finalist's held-out point. */
export function heldoutLabel(c: ReportCandidate): string {
  return c.heldout === undefined ? c.id : `${c.id} held-out (test split) · fitness ${formatScore(c.heldout.fitness)} · ${taskText(c.heldout.tasks)}`;
}

/** The tooltip of a reference model's point. */
export function referenceLabel(r: ReferenceRow): string {
  return `${r.model} (${r.role} model, ${r.split})${r.fitness === undefined ? "" : ` · fitness ${formatScore(r.fitness)}`} · ${taskText(r.tasks)}`;
}
