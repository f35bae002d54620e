import type { z } from "zod";
import type { Issue } from "../errors.js";
import { didYouMean } from "./closest-name.js";
import { conditionalListSchema } from "./param-value.js";
import { RECIPE_KEYS, UNSUPPORTED_KEYS } from "./recipe-schema.js";

type Path = readonly (string | number)[];

/** The keys allowed where an unknown key was found, inferred from the path's shape. */
function keysAt(path: Path): readonly string[] {
  const p = path.map((s) => (typeof s === "number" ? "#" : s)).join(".");
  if (p === "") return RECIPE_KEYS;
  if (p === "models.#") return ["model", "parameters"];
  if (p === "slices.#") return ["sources", "parameters"];
  if (p === "slices.#.sources.#") return ["model", "layer_range", "parameters"];
  if (p === "tokenizer") return ["source"];
  if (/parameters\.[^.]+\.#$/.test(p)) return ["filter", "value"];
  return [];
}

function valueAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const seg of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** A parameter value rejected by the union: say which shape it resembles and what is wrong with it. */
function paramValueIssues(value: unknown, path: Path): Issue[] {
  if (Array.isArray(value) && value.length > 0 && value.every((e) => e !== null && typeof e === "object" && !Array.isArray(e))) {
    const r = conditionalListSchema.safeParse(value);
    if (!r.success) return toRecipeIssues(r.error.issues, value, path);
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value) && "value" in value) {
    return [{ message: "a {filter, value} entry must be an item of a list (write `- filter: ...`)", path }];
  }
  const inFilterEntry = path[path.length - 1] === "value";
  if (Array.isArray(value)) {
    const what = inFilterEntry ? "all numbers (a gradient)" : "all numbers (a gradient) or all {filter, value} entries";
    return [{ message: `a list must be ${what}`, path }];
  }
  if (inFilterEntry) {
    return [{ message: `expected a number, a boolean or a list of numbers (gradient), got ${describe(value)}`, path }];
  }
  return [
    {
      message: `expected a number, a boolean, a list of numbers (gradient) or a list of {filter, value} entries, got ${describe(value)}`,
      path,
    },
  ];
}

/**
 * zod issues turned into recipe issues: unknown keys get a "did you mean" hint (or the reason a
 * known mergekit key is unsupported), parameter values get a message naming the accepted shapes.
 * `root` is the raw document the issues refer to; `prefix` is prepended to every path.
 */
export function toRecipeIssues(issues: readonly z.core.$ZodIssue[], root: unknown, prefix: Path = []): Issue[] {
  const out: Issue[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((s): s is string | number => typeof s !== "symbol");
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const unsupported = Object.hasOwn(UNSUPPORTED_KEYS, key) ? UNSUPPORTED_KEYS[key] : undefined;
        const message = unsupported ?? `unknown key "${key}"${didYouMean(key, keysAt([...prefix, ...path]))}`;
        out.push({ message, path: [...prefix, ...path, key] });
      }
    } else if (valueAt(root, path) === undefined && (issue.code === "invalid_type" || issue.code === "invalid_union")) {
      const key = path[path.length - 1];
      const what = typeof key === "string" ? `key "${key}"` : "entry";
      out.push({ message: `missing required ${what}`, path: [...prefix, ...path] });
    } else if (issue.code === "invalid_union") {
      out.push(...paramValueIssues(valueAt(root, path), [...prefix, ...path]));
    } else {
      out.push({ message: issue.message, path: [...prefix, ...path] });
    }
  }
  return out;
}
