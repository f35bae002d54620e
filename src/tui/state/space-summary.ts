import { defaultPopsize, mergeMethods, searchDimensions, type ParamSpec, type SearchSpace } from "../../index.js";
import { basename } from "node:path";

/** What the launch screen says about a search space, as label/value lines. */
export interface SpaceSummary {
  readonly lines: readonly (readonly [label: string, value: string])[];
  /** Validation items one candidate is scored on (all objectives, with the item limit). */
  readonly itemsPerCandidate: number;
}

function specText(spec: ParamSpec): string {
  switch (spec.kind) {
    case "fixed":
      return `=${spec.value}`;
    case "range":
      return `[${spec.lo}, ${spec.hi}]${spec.init !== undefined ? ` from ${spec.init}` : ""}`;
    case "choice":
      return `{${spec.choices.join(", ")}}`;
    default:
      void (spec satisfies never);
      return "?";
  }
}

function label(model: string): string {
  return basename(model);
}

/**
 * Summarises a loaded search space: models (with the base and the file size), methods and their
 * genome sizes, each parameter with its bounds, objectives (with validation item counts), budget,
 * optimiser. `validationItems` maps a task name to its validation split's size; `limit` is the
 * item limit the search will run with.
 */
export function summariseSpace(space: SearchSpace, facts: { readonly modelBytes: number | undefined; readonly validationItems: Readonly<Record<string, number>>; readonly limit: number | undefined }): SpaceSummary {
  const lines: [string, string][] = [];
  const size = facts.modelBytes === undefined ? "" : ` · ${(facts.modelBytes / 1e6).toFixed(1)} MB each`;
  lines.push(["models", `${space.models.map((m) => m.name).join(", ")}${space.base_model ? ` · base ${label(space.base_model)}` : ""}${size}`]);
  const dims = space.methods.map((name) => {
    const method = (mergeMethods as Record<string, Parameters<typeof searchDimensions>[1]>)[name];
    try {
      return method ? searchDimensions(space, method).length : undefined;
    } catch {
      // layer_granularity without num_layers: the loop reads the layer count from the base model.
      return undefined;
    }
  });
  lines.push(["methods", space.methods.map((m, i) => `${m} (${dims[i] ?? "?"} dims)`).join(", ")]);
  const params = [
    ...Object.entries(space.parameters.per_model).map(([k, v]) => `${k} per model ${specText(v)}`),
    ...Object.entries(space.parameters.global).map(([k, v]) => `${k} ${specText(v)}`),
  ];
  const layers = space.layer_granularity ? ` · per ${space.layer_granularity} layers` : "";
  const filters = space.filters.length > 0 ? ` · filters ${space.filters.join(", ")}` : "";
  lines.push(["searched", `${params.join(" · ") || "nothing (all fixed)"}${layers}${filters}`]);
  let items = 0;
  const objectives = space.objectives.map((o) => {
    const total = facts.validationItems[o.taskName];
    const used = total === undefined ? undefined : facts.limit === undefined ? total : Math.min(total, facts.limit);
    items += used ?? 0;
    return `${o.taskName} ${o.metric}${o.direction === "minimize" ? "↓" : "↑"}${o.weight !== 1 ? ` ×${o.weight}` : ""}${used === undefined ? "" : ` (${used} items)`}`;
  });
  lines.push(["objectives", objectives.join(" · ")]);
  const budget = [space.budget.evaluations !== undefined ? `${space.budget.evaluations} evaluations` : undefined, space.budget.minutes !== undefined ? `${space.budget.minutes} minutes` : undefined].filter(Boolean).join(" or ");
  lines.push(["budget", `${budget} · ${space.heldout.finalists} finalists re-scored on held-out items`]);
  const known = dims.filter((d): d is number => d !== undefined);
  const popsize = space.optimiser.popsize ?? (known.length > 0 ? defaultPopsize(Math.max(1, Math.max(...known))) : undefined);
  const optimiser =
    space.optimiser.name === "cma-es"
      ? `cma-es · sigma0 ${space.optimiser.sigma0 ?? "1/6"} · popsize ${popsize ?? "auto"} · seed ${space.seed}`
      : `random search · seed ${space.seed}`;
  lines.push(["optimiser", `${optimiser}${space.methods.length > 1 ? " · successive halving over methods" : ""}`]);
  return { lines, itemsPerCandidate: items };
}
