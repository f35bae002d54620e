import { basename } from "node:path";
import { parse as parseYaml } from "yaml";
import { normalizeParamSpec, searchSpaceSchema, type ParamSpec } from "../search/index.js";

/** One parameter of the space as the report shows it. */
export interface SpaceParameter {
  readonly name: string;
  readonly scope: "per_model" | "global";
  readonly spec: ParamSpec;
}

/**
 * What the report needs of a run's space.yaml, read from its text alone: no task file or model is
 * opened, so a report can be made anywhere the run folder is (the run already validated the space
 * when it started, and openRun checked the file is unchanged since). `issue` is set, and the rest
 * left empty, when this smelt cannot read the file (written by another version).
 */
export interface SpaceSummary {
  /** Model labels in recipe order: the space's `name`, else derived from the reference. */
  readonly models: readonly { readonly name: string; readonly model: string }[];
  readonly baseModel: string | undefined;
  readonly methods: readonly string[];
  readonly parameters: readonly SpaceParameter[];
  readonly layerGranularity: number | undefined;
  readonly filters: readonly string[];
  readonly budget: { readonly evaluations?: number; readonly minutes?: number } | undefined;
  readonly optimiser: { readonly name: string; readonly sigma0?: number; readonly popsize?: number } | undefined;
  readonly finalists: number | undefined;
  readonly outType: string | undefined;
  readonly issue: string | undefined;
}

/** The label the search loop gives an unnamed model: its file or folder name without the extension. */
export function modelLabel(ref: string): string {
  const own = basename(ref.replace(/[\\/]+$/, "")).replace(/\.(gguf|safetensors)$/i, "");
  return own.replace(/[^A-Za-z0-9_.-]/g, "_") || "model";
}

const EMPTY: Omit<SpaceSummary, "issue"> = {
  models: [],
  baseModel: undefined,
  methods: [],
  parameters: [],
  layerGranularity: undefined,
  filters: [],
  budget: undefined,
  optimiser: undefined,
  finalists: undefined,
  outType: undefined,
};

/** Reads a run's space.yaml text (see SpaceSummary). Never throws: a problem goes in `issue`. */
export function spaceSummary(spaceText: string): SpaceSummary {
  let raw: unknown;
  try {
    raw = parseYaml(spaceText);
  } catch (error) {
    return { ...EMPTY, issue: `space.yaml is not YAML: ${(error as Error).message.split("\n")[0]}` };
  }
  const parsed = searchSpaceSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return { ...EMPTY, issue: `space.yaml does not match this smelt's search-space format (${first?.path.join(".") ?? ""}: ${first?.message ?? "invalid"})` };
  }
  const file = parsed.data;
  const scope = (name: "per_model" | "global") =>
    Object.entries(file.parameters[name]).map(([param, spec]): SpaceParameter => ({ name: param, scope: name, spec: normalizeParamSpec(spec) }));
  return {
    models: file.models.map((m) => ({ name: m.name ?? modelLabel(m.model), model: m.model })),
    baseModel: file.base_model,
    methods: typeof file.methods === "string" ? [file.methods] : file.methods,
    parameters: [...scope("per_model"), ...scope("global")],
    layerGranularity: file.layer_granularity,
    filters: file.filters,
    budget: file.budget,
    optimiser: file.optimiser,
    finalists: file.heldout.finalists,
    outType: file.out_type,
    issue: undefined,
  };
}
