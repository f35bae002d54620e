import { fileURLToPath } from "node:url";

/** The repository's root folder (ends with "/"). */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface ToySpaceOptions {
  /** The sources as the space names them (paths or Hub references), each with an optional label. */
  readonly models: readonly { readonly model: string; readonly name?: string }[];
  readonly base: string;
  readonly budget: number;
  readonly seed: number;
  /** CMA-ES step size; the optimiser section is left out (defaults) when undefined. */
  readonly sigma0?: number;
}

/**
 * A task-arithmetic search space (one weight per model in [0, 1.5]) scored on the three toy tasks,
 * one held-out finalist, F16 candidates: the shape the search tests over the toy experts share.
 */
export function toySpaceYaml(o: ToySpaceOptions): string {
  const models = o.models.map((m) => `  - model: ${m.model}\n${m.name === undefined ? "" : `    name: ${m.name}\n`}`).join("");
  const optimiser = o.sigma0 === undefined ? "" : `optimiser:\n  name: cma-es\n  sigma0: ${o.sigma0}\n`;
  return `models:
${models}base_model: ${o.base}
methods: [task_arithmetic]
parameters:
  per_model:
    weight: [0, 1.5]
objectives:
  - task: ${ROOT}evals/toy-max.yaml
  - task: ${ROOT}evals/toy-kind.yaml
  - task: ${ROOT}evals/toy-pick.yaml
heldout:
  finalists: 1
budget:
  evaluations: ${o.budget}
${optimiser}seed: ${o.seed}
out_type: f16
`;
}
