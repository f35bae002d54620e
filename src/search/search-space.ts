import type { ParamSpec } from "./param-spec.js";
import type { SearchSpaceFile } from "./search-space-schema.js";

/** One objective with its task file resolved and its defaults filled in from the task. */
export interface SearchObjective {
  /** Absolute path of the task YAML. */
  readonly task: string;
  /** The task's own name (its `task:` key). */
  readonly taskName: string;
  readonly metric: string;
  readonly weight: number;
  readonly direction: "maximize" | "minimize";
}

/**
 * A validated search space, what `loadSearchSpace` returns: the file's keys, with model paths
 * resolved against the file's folder, `methods` always a list, every parameter in normal form
 * and every objective resolved. Plain frozen data: decode, the loop and the report all read it.
 */
export interface SearchSpace
  extends Omit<Readonly<SearchSpaceFile>, "models" | "methods" | "parameters" | "objectives" | "base_model"> {
  /** Where it was loaded from (for messages). */
  readonly source: string;
  readonly models: readonly { readonly model: string; readonly name: string }[];
  readonly base_model?: string;
  readonly methods: readonly string[];
  readonly parameters: {
    readonly per_model: Readonly<Record<string, ParamSpec>>;
    readonly global: Readonly<Record<string, ParamSpec>>;
  };
  readonly objectives: readonly SearchObjective[];
}

/** The space with `num_layers` set, as the loop does once it has read the base model. */
export function withNumLayers(space: SearchSpace, numLayers: number): SearchSpace {
  if (!Number.isInteger(numLayers) || numLayers < 1) throw new RangeError(`num_layers must be a positive integer, got ${numLayers}`);
  return Object.freeze({ ...space, num_layers: numLayers });
}
