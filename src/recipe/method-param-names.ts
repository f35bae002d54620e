import { z } from "zod";
import type { MergeMethod } from "../methods/define-merge-method.js";

function objectKeys(schema: z.ZodType): string[] | undefined {
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  // `z.object(...).transform(...)` / `.pipe(...)`: the names are those of the input object.
  if (schema instanceof z.ZodPipe) return objectKeys(schema.in as z.ZodType);
  return undefined;
}

/**
 * Parameter names a method declares: `global` from `params`, `perModel` from `perModel`.
 * Undefined when a schema is not an object schema, in which case names cannot be checked up
 * front and only the schema's own validation applies.
 */
export function methodParamNames(method: MergeMethod<unknown, unknown>): { global?: readonly string[]; perModel?: readonly string[] } {
  return { global: objectKeys(method.params), perModel: objectKeys(method.perModel) };
}
