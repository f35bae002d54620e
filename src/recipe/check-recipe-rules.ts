import type { Issue } from "../errors.js";
import { DTYPE_NAME_LIST, dtypeFromName } from "./dtype-name.js";
import { parseModelRef } from "./model-ref.js";

type Raw = Record<string, unknown>;

function isObject(v: unknown): v is Raw {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function listDuplicates(entries: unknown, path: readonly (string | number)[], what: string): Issue[] {
  if (!Array.isArray(entries)) return [];
  const seen = new Map<string, number>();
  const issues: Issue[] = [];
  entries.forEach((e, i) => {
    if (!isObject(e) || typeof e.model !== "string") return;
    const first = seen.get(e.model);
    if (first === undefined) seen.set(e.model, i);
    else
      issues.push({
        message: `model "${e.model}" is listed twice in ${what} (also at ${[...path, first].join(".")}); list it once`,
        path: [...path, i, "model"],
      });
  });
  return issues;
}

function checkTokenizerSource(source: unknown, path: readonly (string | number)[], hasBase: boolean): Issue[] {
  if (typeof source !== "string") return [];
  if (source === "union") {
    return [{ message: 'tokenizer_source "union" is not supported: use "base" or the model whose tokenizer the output should keep', path }];
  }
  if (source === "base") {
    return hasBase ? [] : [{ message: 'tokenizer_source "base" needs a base_model', path }];
  }
  try {
    parseModelRef(source);
    return [];
  } catch (e) {
    return [{ message: `tokenizer_source must be "base" or a model reference: ${(e as Error).message}`, path }];
  }
}

/**
 * Rules that involve several keys or look inside values, checked on the raw document so they are
 * reported even when the schema rejects something else (all issues at once, not one per run).
 */
export function checkRecipeRules(raw: unknown): Issue[] {
  if (!isObject(raw)) return [];
  const issues: Issue[] = [];
  const hasModels = raw.models !== undefined && raw.models !== null;
  const hasSlices = raw.slices !== undefined && raw.slices !== null;
  if (hasModels && hasSlices) {
    issues.push({ message: "give either `models` (whole models) or `slices` (layer ranges), not both", path: ["slices"] });
  } else if (!hasModels && !hasSlices) {
    issues.push({ message: "a recipe needs `models` (whole models) or `slices` (layer ranges)", path: [] });
  }
  issues.push(...listDuplicates(raw.models, ["models"], "models"));
  if (Array.isArray(raw.slices)) {
    raw.slices.forEach((s, i) => {
      if (isObject(s)) issues.push(...listDuplicates(s.sources, ["slices", i, "sources"], "one slice's sources"));
    });
  }
  for (const key of ["dtype", "out_dtype"] as const) {
    const v = raw[key];
    if (typeof v === "string" && dtypeFromName(v) === undefined) {
      issues.push({ message: `unknown dtype "${v}"; use one of ${DTYPE_NAME_LIST.join(", ")}`, path: [key] });
    }
  }
  const hasBase = typeof raw.base_model === "string";
  if (raw.tokenizer_source !== undefined && raw.tokenizer !== undefined) {
    issues.push({ message: "give either `tokenizer_source` or a `tokenizer` block, not both", path: ["tokenizer"] });
  }
  issues.push(...checkTokenizerSource(raw.tokenizer_source, ["tokenizer_source"], hasBase));
  if (isObject(raw.tokenizer)) issues.push(...checkTokenizerSource(raw.tokenizer.source, ["tokenizer", "source"], hasBase));
  return issues;
}
