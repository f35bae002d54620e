import type { EvalBackend, EvalSplit, LoadedTask, MetricResult, TaskResult } from "../../eval/index.js";
import { evaluateIter } from "../../eval/index.js";
import { SmeltError } from "../../errors.js";
import type { TaskScore } from "../../store/journal-entry.js";
import { taskScoresFromEval } from "../../store/task-scores-from-eval.js";
import { scalarise } from "../scalarise.js";
import type { SearchObjective } from "../search-space.js";
import type { SearchEvent, SearchStage } from "./search-events.js";

export interface ModelScore {
  readonly tasks: Record<string, TaskScore>;
  readonly fitness: number;
  readonly seconds: { readonly load: number; readonly score: number };
}

/** The objective's metric of a task result (by name, any filter), else the task's first metric. */
export function objectiveMetric(objectives: readonly SearchObjective[], task: TaskResult): MetricResult | undefined {
  const objective = objectives.find((o) => o.taskName === task.task);
  return task.metrics.find((m) => m.metric === objective?.metric) ?? task.metrics[0];
}

/** Weighted sum of the objectives' values, each oriented so that higher is better. */
export function fitnessOf(objectives: readonly SearchObjective[], tasks: Readonly<Record<string, TaskScore>>): number {
  const values = objectives.map((o) => {
    const score = tasks[o.taskName];
    if (!score) return Number.NaN;
    return o.direction === "maximize" ? score.value : -score.value;
  });
  return scalarise(values, objectives.map((o) => o.weight));
}

/**
 * Loads a GGUF, scores it on the tasks' `split`, disposes it. Emits phase events as it goes and
 * stops (with a timeout error) when `deadline` (ms on `now`'s clock) passes between batches.
 */
export async function scoreModel(args: {
  backend: EvalBackend;
  path: string;
  tasks: readonly LoadedTask[];
  objectives: readonly SearchObjective[];
  split: EvalSplit;
  limit: number | undefined;
  id: string;
  stage: SearchStage;
  emit: (event: SearchEvent) => void;
  now: () => number;
  deadline?: number;
}): Promise<ModelScore> {
  const { backend, tasks, now } = args;
  const t0 = now();
  args.emit({ type: "phase", id: args.id, stage: args.stage, phase: "loading" });
  const model = await backend.loadModel(args.path);
  const t1 = now();
  try {
    const iterator = evaluateIter(model, tasks, { split: args.split, limit: args.limit, now });
    for (;;) {
      const next = await iterator.next();
      if (next.done) {
        const scores = taskScoresFromEval(next.value, { pick: (t) => objectiveMetric(args.objectives, t) });
        const missing = tasks.filter((t) => !scores[t.name]);
        if (missing.length > 0) {
          const reasons = next.value.tasks.filter((t) => missing.some((m) => m.name === t.task)).map((t) => `${t.task}: ${t.failures[0]?.reason ?? "no items"}`);
          throw new SmeltError("score", `every item failed on ${reasons.join("; ")}`);
        }
        return { tasks: scores, fitness: fitnessOf(args.objectives, scores), seconds: { load: (t1 - t0) / 1000, score: (now() - t1) / 1000 } };
      }
      const e = next.value;
      if (e.type === "task-start" || e.type === "progress") {
        const taskIndex = tasks.findIndex((t) => t.name === e.task);
        args.emit({ type: "phase", id: args.id, stage: args.stage, phase: "scoring", task: e.task, taskIndex, taskCount: tasks.length, done: e.type === "progress" ? e.done : 0, total: e.total });
      }
      if (args.deadline !== undefined && now() > args.deadline) {
        await iterator.return(undefined as never);
        throw new SmeltError("timeout", `scoring took longer than the candidate time limit`);
      }
    }
  } finally {
    await model.dispose();
  }
}
