/** Writes the short task_arithmetic search space the search benchmark runs (docs/search-spaces.md). */
import { writeFile } from "node:fs/promises";
import { stringify } from "yaml";

export interface BenchSpace {
  readonly base: string;
  readonly experts: readonly { readonly name: string; readonly path: string }[];
  readonly tasks: readonly string[];
  /** Candidates to run: one CMA-ES generation when it equals the default popsize. */
  readonly evaluations: number;
  readonly outType: "f16" | "q8_0";
}

export async function writeSearchSpace(path: string, space: BenchSpace): Promise<void> {
  const doc = {
    models: space.experts.map((e) => ({ model: e.path, name: e.name })),
    base_model: space.base,
    methods: ["task_arithmetic"],
    parameters: { per_model: { weight: [0, 1.5] } },
    objectives: space.tasks.map((task) => ({ task })),
    // The schema's minimum: one finalist re-scored on the test split, timed apart from the loop.
    heldout: { finalists: 1 },
    budget: { evaluations: space.evaluations },
    optimiser: { name: "cma-es" },
    seed: 1,
    out_type: space.outType,
  };
  await writeFile(path, stringify(doc));
}
