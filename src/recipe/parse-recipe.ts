import { LineCounter, isNode, parseDocument, type Document } from "yaml";
import { RecipeError, type Issue } from "../errors.js";
import { checkRecipeRules } from "./check-recipe-rules.js";
import { toRecipeIssues } from "./recipe-issues.js";
import { recipeSchema, type Recipe } from "./recipe-schema.js";

export type RecipeParseResult =
  | { readonly success: true; readonly data: Recipe; readonly error?: never }
  | { readonly success: false; readonly error: RecipeError; readonly data?: never };

/**
 * Bounds alias expansion: a recipe is a few KB, and a "billion laughs" document would otherwise
 * expand into gigabytes before validation sees it.
 */
const MAX_ALIAS_COUNT = 100;

/**
 * Where an issue points in the file: the line of the value at `path`, or, for a missing key, the
 * line of the closest enclosing block (not the whole document: that says nothing).
 */
function locate(doc: Document, counter: LineCounter, path: readonly (string | number)[]): { line: number; text: string } | undefined {
  for (let n = path.length; n >= 1; n--) {
    const node = doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) {
      const line = counter.linePos(node.range[0]).line;
      return { line, text: n === path.length ? `line ${line}` : `in the block at line ${line}` };
    }
  }
  return undefined;
}

/** Deduplicates issues (same path and message) keeping the first. */
function unique(issues: readonly Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path.join(".")}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Like `parseRecipe`, but returns the error instead of throwing. */
export function safeParseRecipe(yamlText: string, sourceName: string): RecipeParseResult {
  const counter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => {
      const pos = counter.linePos(e.pos[0]);
      const where = ` (line ${pos.line}, column ${pos.col})`;
      return { message: `YAML syntax error: ${e.message.split("\n")[0]}${where}`, path: [] };
    });
    return { success: false, error: new RecipeError(sourceName, issues) };
  }
  const raw: unknown = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    const message =
      raw === null || raw === undefined
        ? "the recipe is empty: it needs at least `merge_method` and `models` or `slices`"
        : "a recipe must be a YAML mapping (key: value lines), not a list or a scalar";
    return { success: false, error: new RecipeError(sourceName, [{ message, path: [] }]) };
  }
  const parsed = recipeSchema.safeParse(raw);
  const issues = unique([...(parsed.success ? [] : toRecipeIssues(parsed.error.issues, raw)), ...checkRecipeRules(raw)]);
  if (issues.length > 0 || !parsed.success) {
    // In file order, so the list reads top to bottom like the recipe; issues with no line first.
    const located = issues
      .map((i) => ({ i, where: locate(doc, counter, i.path) }))
      .sort((a, b) => (a.where?.line ?? 0) - (b.where?.line ?? 0))
      .map(({ i, where }) => (where === undefined ? i : { ...i, message: `${i.message} (${where.text})` }));
    return { success: false, error: new RecipeError(sourceName, located) };
  }
  return { success: true, data: parsed.data };
}

/**
 * Parses and validates a mergekit-style YAML recipe. Throws `RecipeError` listing every problem
 * found, each with its path and line; `sourceName` (usually the file path) heads the message.
 * Model references stay strings; relative paths are resolved by the caller against the recipe's
 * folder.
 */
export function parseRecipe(yamlText: string, sourceName: string): Recipe {
  const r = safeParseRecipe(yamlText, sourceName);
  if (!r.success) throw r.error;
  return r.data;
}
