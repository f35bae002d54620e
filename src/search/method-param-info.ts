import { z } from "zod";
import type { MergeMethod } from "../methods/define-merge-method.js";

/** One parameter a method declares: its zod schema and whether the recipe must set it. */
export interface MethodParam {
  readonly schema: z.ZodType;
  readonly required: boolean;
}

export interface MethodParamInfo {
  readonly global: ReadonlyMap<string, MethodParam>;
  readonly perModel: ReadonlyMap<string, MethodParam>;
}

/**
 * Parameters a method declares but that cannot change its output, so searching them would only
 * add dead dimensions: task_arithmetic reads `density` and ignores it (mergekit does the same),
 * and `int8_mask` only changes how mergekit stores a mask. A search space may still fix them;
 * they are just never searched or written.
 */
const INERT: Readonly<Record<string, readonly string[]>> = { task_arithmetic: ["density"], "*": ["int8_mask"] };

export function isInertParam(method: string, param: string): boolean {
  return (INERT["*"] ?? []).includes(param) || (Object.hasOwn(INERT, method) && INERT[method].includes(param));
}

function shapeOf(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  if (schema instanceof z.ZodObject) return schema.shape as Record<string, z.ZodType>;
  if (schema instanceof z.ZodPipe) return shapeOf(schema.in as z.ZodType);
  return undefined;
}

function params(schema: z.ZodType): Map<string, MethodParam> {
  const shape = shapeOf(schema) ?? {};
  // A key is required when its schema rejects "not set" (no default, not optional).
  return new Map(Object.entries(shape).map(([k, s]) => [k, { schema: s, required: !s.safeParse(undefined).success }]));
}

/** The global and per-model parameters `method` declares, from its zod schemas. */
export function methodParamInfo(method: MergeMethod<unknown, unknown>): MethodParamInfo {
  return { global: params(method.params), perModel: params(method.perModel) };
}
