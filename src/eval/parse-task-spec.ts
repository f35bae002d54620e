import { LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { RecipeError, type Issue } from "../errors.js";
import { taskSpecSchema, type TaskSpec } from "./task-spec.js";

/**
 * Parses and validates task YAML text. Throws a RecipeError listing every problem (YAML syntax,
 * unknown keys, wrong types, inconsistent settings) with the path of each, so one run shows them all.
 * `source` names the file in messages.
 */
export function parseTaskSpec(text: string, source: string): TaskSpec {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, lineCounter });
  if (document.errors.length > 0) {
    throw new RecipeError(
      source,
      document.errors.map((e) => {
        const at = lineCounter.linePos(e.pos[0]);
        return { message: `YAML syntax: ${e.message.split("\n")[0]} (line ${at.line}, column ${at.col})`, path: [] };
      }),
    );
  }
  const raw: unknown = document.toJS();
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new RecipeError(source, [{ message: "a task file must be a YAML mapping (task:, dataset_path:, ...)", path: [] }]);
  }
  const parsed = taskSpecSchema.safeParse(raw);
  if (!parsed.success) throw new RecipeError(source, zodIssuesToIssues(parsed.error.issues));
  return parsed.data;
}

/** Turns zod issues into smelt issues; unknown keys become one issue each, pointing at the key. */
export function zodIssuesToIssues(issues: readonly z.core.$ZodIssue[]): Issue[] {
  const out: Issue[] = [];
  for (const issue of issues) {
    const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        out.push({ message: `unknown key "${key}": not in smelt's lm-eval subset (see docs/eval-tasks.md)`, path: [...path, key] });
      }
    } else {
      out.push({ message: issue.message, path });
    }
  }
  return out;
}
