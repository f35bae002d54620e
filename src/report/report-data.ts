import {
  exportRecipe,
  leaderboard,
  replayState,
  type ExportedRecipe,
  type FailurePhase,
  type Leaderboard,
  type ReferenceRow,
  type RunRecord,
  type TaskScore,
} from "../store/index.js";
import { candidateParameters, type CandidateParameter } from "./candidate-parameters.js";
import { parameterDimensions, type ParameterDimension } from "./parameter-dimensions.js";
import { runTiming, type RunTiming } from "./run-timing.js";
import { spaceSummary, type SpaceSummary } from "./space-summary.js";

/** An objective: a task's headline metric, its direction, and its weight in the fitness. */
export interface ReportTask {
  readonly name: string;
  readonly metric: string;
  readonly higherIsBetter: boolean;
  /** From the run's recorded objectives; undefined for a journal that did not record them. */
  readonly weight: number | undefined;
}

/** A scored candidate. `index` is its 1-based evaluation order (scored and failed candidates alike). */
export interface ReportCandidate {
  readonly id: string;
  readonly index: number;
  readonly generation: number;
  readonly method: string;
  /** 1 = best fitness. */
  readonly rank: number;
  readonly fitness: number;
  readonly tasks: Readonly<Record<string, TaskScore>>;
  /** On the Pareto front of the per-task search scores (src/store's leaderboard). */
  readonly pareto: boolean;
  readonly heldout: { readonly fitness: number; readonly tasks: Readonly<Record<string, TaskScore>> } | undefined;
  readonly parameters: readonly CandidateParameter[];
}

/** A candidate that could not be merged, loaded or scored. */
export interface ReportFailure {
  readonly id: string;
  readonly index: number;
  readonly method: string;
  readonly phase: FailurePhase;
  readonly reason: string;
}

/** Everything the report shows, derived from the run's journal and space (plain data: unit-testable). */
export interface ReportData {
  readonly runId: string;
  readonly dir: string;
  readonly status: RunRecord["status"];
  readonly finished: string | undefined;
  readonly smeltVersion: string;
  readonly seed: number;
  /** Free-form settings the search recorded (kvCache, evalThreads, limit, ...). */
  readonly settings: Readonly<Record<string, unknown>>;
  /** Line number of a torn last journal line (ignored), if any. */
  readonly tornLine: number | undefined;
  readonly tasks: readonly ReportTask[];
  /** Scored candidates in evaluation order. */
  readonly candidates: readonly ReportCandidate[];
  readonly failures: readonly ReportFailure[];
  /** Base and source models, every split they were scored on. */
  readonly references: readonly ReferenceRow[];
  /** Best fitness after each scored candidate, in evaluation order. */
  readonly bestSoFar: readonly { readonly index: number; readonly id: string; readonly fitness: number }[];
  readonly dimensions: readonly ParameterDimension[];
  readonly board: Leaderboard;
  readonly space: SpaceSummary;
  readonly timing: RunTiming;
  /** The recipe `smelt export` would write by default; undefined when nothing is scored. */
  readonly best: ExportedRecipe | undefined;
}

/** Derives the report's data from an opened run (see ReportData). */
export function reportData(run: RunRecord): ReportData {
  const { entries } = run;
  const state = replayState(entries, run.files.journal);
  const board = leaderboard(entries);
  const space = spaceSummary(run.spaceText);
  const rows = new Map(board.candidates.map((r) => [r.id as string, r]));

  const recorded = Array.isArray(run.started.settings?.objectives) ? (run.started.settings.objectives as unknown[]) : [];
  const weightOf = (task: string): number | undefined => {
    const o = recorded.find((x): x is { task: string; weight: number } => typeof x === "object" && x !== null && (x as { task?: unknown }).task === task);
    return typeof o?.weight === "number" ? o.weight : undefined;
  };
  const scoreOf = (task: string): TaskScore | undefined =>
    [...state.scored.values()].find((s) => s.tasks[task] !== undefined)?.tasks[task] ?? [...state.references.values()].find((r) => r.tasks[task] !== undefined)?.tasks[task];
  const tasks: ReportTask[] = board.tasks.map((name) => {
    const score = scoreOf(name);
    return { name, metric: score?.metric ?? "?", higherIsBetter: score?.higherIsBetter ?? true, weight: weightOf(name) };
  });

  const candidates: ReportCandidate[] = [];
  const failures: ReportFailure[] = [];
  const bestSoFar: { index: number; id: string; fitness: number }[] = [];
  let index = 0;
  for (const entry of entries) {
    if (entry.kind === "candidate-scored") {
      index++;
      const row = rows.get(entry.id);
      const proposal = state.proposed.get(entry.id);
      if (row === undefined || proposal === undefined) throw new Error(`unreachable: ${entry.id} scored but not on the leaderboard`);
      candidates.push({
        id: entry.id,
        index,
        generation: row.generation,
        method: row.method,
        rank: row.rank,
        fitness: row.fitness,
        tasks: row.tasks,
        pareto: row.pareto,
        heldout: row.heldout,
        parameters: candidateParameters(proposal.recipe, space),
      });
      const previous = bestSoFar.at(-1);
      bestSoFar.push(previous === undefined || entry.fitness > previous.fitness ? { index, id: entry.id, fitness: entry.fitness } : { ...previous, index });
    } else if (entry.kind === "candidate-failed" && entry.phase !== "heldout") {
      index++;
      failures.push({ id: entry.id, index, method: state.proposed.get(entry.id)?.method ?? "?", phase: entry.phase, reason: entry.reason });
    }
  }

  return {
    runId: run.id,
    dir: run.files.dir,
    status: run.status,
    finished: board.finished,
    smeltVersion: run.started.smeltVersion,
    seed: run.started.seed,
    settings: run.started.settings ?? {},
    tornLine: run.torn?.line,
    tasks,
    candidates,
    failures,
    references: board.references,
    bestSoFar,
    dimensions: parameterDimensions(candidates, space.methods),
    board,
    space,
    timing: runTiming(entries),
    best: candidates.length > 0 ? exportRecipe(entries) : undefined,
  };
}
