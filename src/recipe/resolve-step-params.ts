import type { z } from "zod";
import type { MergeMethod } from "../methods/define-merge-method.js";
import type { IssueCollector } from "./issue-collector.js";
import { methodParamNames } from "./method-param-names.js";
import type { NormalizedSlice, SliceSource } from "./normalize-slices.js";
import type { ParamScalar, Params } from "./param-value.js";
import type { Recipe } from "./recipe-schema.js";
import { resolveParameterWithScope, type ParamScopeName, type ParamScopes } from "./resolve-parameter.js";

type Path = readonly (string | number)[];
type Resolved = Record<string, unknown>;

/** A per-model input of one step: the source it comes from and the tensor name in that model. */
export interface StepInput {
  readonly source: SliceSource;
  readonly tensor: string;
}

function keysOf(...blocks: (Params | undefined)[]): string[] {
  return [...new Set(blocks.flatMap((b) => (b === undefined ? [] : Object.keys(b))))];
}

function scopePath(name: string, block: Path): Path {
  return name === "" ? block : [...block, name];
}

/** Resolves each name, remembering which scope set it (so a bad value is reported where it is written). */
function resolveAll(names: readonly string[], scopes: ParamScopes, tensor: string, t: number) {
  const values: Record<string, ParamScalar | undefined> = {};
  const origins: Record<string, ParamScopeName> = {};
  for (const name of names) {
    const r = resolveParameterWithScope(name, scopes, tensor, t);
    if (r !== undefined) {
      values[name] = r.value;
      origins[name] = r.scope;
    }
  }
  return { values, origins };
}

/**
 * mergekit stores every parameter as a float, so `normalize: 1` means true and `weight: true`
 * means 1.0. Where a method schema wants a boolean and got 0/1, or a number and got a boolean,
 * convert and let the schema try again; anything else is left for the schema to reject.
 */
function coerceLikeMergekit(
  values: Record<string, ParamScalar | undefined>,
  issues: readonly z.core.$ZodIssue[],
): Record<string, ParamScalar | undefined> | undefined {
  let changed = false;
  const out = { ...values };
  for (const issue of issues) {
    if (issue.code !== "invalid_type" || issue.path.length !== 1) continue;
    const name = String(issue.path[0]);
    const v = values[name];
    if (issue.expected === "boolean" && (v === 0 || v === 1)) out[name] = v === 1;
    else if (issue.expected === "number" && typeof v === "boolean") out[name] = v ? 1 : 0;
    else continue;
    changed = true;
  }
  return changed ? out : undefined;
}

/**
 * Validates resolved values with a method schema; reports each failing parameter once per
 * `where` (deduplicated across tensors by the collector).
 */
function validate(
  schema: z.ZodType,
  values: Record<string, ParamScalar | undefined>,
  origins: Record<string, ParamScopeName>,
  where: { path: (name: string, scope: ParamScopeName | undefined) => Path; missingHint: string; tensor: string; key: string },
  collector: IssueCollector,
): Resolved | undefined {
  let r = schema.safeParse(values);
  if (!r.success) {
    const coerced = coerceLikeMergekit(values, r.error.issues);
    if (coerced !== undefined) r = schema.safeParse(coerced);
  }
  if (r.success) return r.data as Resolved;
  for (const issue of r.error.issues) {
    const name = String(issue.path[0] ?? "");
    const value = values[name];
    const path = where.path(name, origins[name]);
    const message =
      value === undefined && name !== ""
        ? `missing required parameter "${name}" ${where.missingHint} (first needed by tensor ${where.tensor})`
        : `${name === "" ? "parameters" : `"${name}" = ${JSON.stringify(value)}`} for tensor ${where.tensor}: ${issue.message}`;
    // A missing value is reported once per model; a bad value once where it is written.
    const key = value === undefined ? `${where.key}\u0000missing` : issue.message;
    collector.add(`${path.join(".")}\u0000${key}`, { message, path });
  }
  return undefined;
}

/**
 * Resolves and validates the parameters of one step. Global parameters are looked up with the
 * output tensor name (slice, then top level); per-model ones with each input's own tensor name
 * (model's own, slice, top level), as mergekit does. Returns undefined when something is invalid
 * (the problems are in `collector`).
 */
export function resolveStepParams(
  method: MergeMethod<unknown, unknown>,
  recipe: Recipe,
  slice: NormalizedSlice,
  output: string,
  t: number,
  inputs: readonly StepInput[],
  collector: IssueCollector,
): { params: Resolved; perModel: Resolved[] } | undefined {
  const names = methodParamNames(method);
  const globalNames = names.global ?? keysOf(slice.params, recipe.parameters);
  const globalScopes: ParamScopes = { slice: slice.params, top: recipe.parameters };
  const global = resolveAll(globalNames, globalScopes, output, t);
  const params = validate(
    method.params,
    global.values,
    global.origins,
    { path: (n, scope) => scopePath(n, scope === "slice" ? [...slice.path, "parameters"] : ["parameters"]), missingHint: `of ${method.name}: add it under the top-level parameters`, tensor: output, key: "global" },
    collector,
  );

  const perModel: Resolved[] = [];
  let ok = params !== undefined;
  for (const input of inputs) {
    const src = input.source;
    const scopes: ParamScopes = { model: src.params, slice: slice.params, top: recipe.parameters };
    const modelNames = names.perModel ?? keysOf(src.params, slice.params, recipe.parameters);
    const { values, origins } = resolveAll(modelNames, scopes, input.tensor, t);
    const hint = src.implicitBase
      ? `for base model "${src.model}", an ordinary input of ${method.name}: list it under models with parameters, or set a top-level value`
      : `for model "${src.model}": set it here or in the top-level parameters`;
    const paramPath = (n: string, scope: ParamScopeName | undefined): Path => {
      if (scope === "top") return scopePath(n, ["parameters"]);
      if (scope === "slice") return scopePath(n, [...slice.path, "parameters"]);
      return src.implicitBase ? ["base_model"] : scopePath(n, [...src.path, "parameters"]);
    };
    const resolved = validate(
      method.perModel,
      values,
      origins,
      { path: paramPath, missingHint: hint, tensor: input.tensor, key: `model:${src.path.join(".")}` },
      collector,
    );
    if (resolved === undefined) ok = false;
    else perModel.push(resolved);
  }
  return ok && params !== undefined ? { params, perModel } : undefined;
}
