import { evaluateSetting } from "./evaluate-setting.js";
import type { ParamScalar, Params } from "./param-value.js";

/**
 * The `parameters:` blocks that can set a value for one tensor, highest precedence first:
 * the model's own (its `models:` entry or slice source), the output slice's, the top level's.
 * Global method parameters (t, normalize, lambda...) have no `model` scope.
 */
export interface ParamScopes {
  readonly model?: Params;
  readonly slice?: Params;
  readonly top?: Params;
}

/** Which scope supplied a resolved value. */
export type ParamScopeName = keyof ParamScopes;

/** Like `resolveParameter`, also telling which scope the value came from. */
export function resolveParameterWithScope(
  name: string,
  scopes: ParamScopes,
  tensorName: string,
  t: number,
): { value: ParamScalar; scope: ParamScopeName } | undefined {
  for (const scope of ["model", "slice", "top"] as const) {
    const params = scopes[scope];
    if (params === undefined || !Object.hasOwn(params, name)) continue;
    const value = evaluateSetting(params[name], tensorName, t);
    if (value !== undefined) return { value, scope };
  }
  return undefined;
}

/**
 * Resolves parameter `name` for tensor `tensorName` at layer position `t`: the first scope that
 * both sets the name and yields a value wins. A filter list with no matching entry yields nothing
 * and the lookup falls through to the next scope (mergekit's `ConfigReader.parameter`). Undefined
 * means no scope set it: the caller applies the method default or reports it missing.
 */
export function resolveParameter(name: string, scopes: ParamScopes, tensorName: string, t: number): ParamScalar | undefined {
  return resolveParameterWithScope(name, scopes, tensorName, t)?.value;
}
