import nunjucks from "nunjucks";
import { RecipeError, type Issue } from "../errors.js";
import type { TaskSpec } from "./task-spec.js";

/** A problem with one document (template failure, bad target): the item fails, the task goes on. */
export class ItemError extends Error {
  override readonly name = "ItemError";
}

/** The task's doc_to_* fields compiled once, as functions of a document. */
export interface DocTemplates {
  description(doc: Readonly<Record<string, unknown>>): string;
  text(doc: Readonly<Record<string, unknown>>): string;
  /** The raw target: a string, or for multiple_choice possibly a choice index. */
  target(doc: Readonly<Record<string, unknown>>): unknown;
  /** Undefined unless the spec has doc_to_choice. */
  choices: ((doc: Readonly<Record<string, unknown>>) => string[]) | undefined;
}

type Field = (doc: Readonly<Record<string, unknown>>) => unknown;

/** `{{ expr }}` and nothing else: evaluated to a value so lists and numbers survive (lm-eval literal_evals them). */
// No surrounding whitespace allowed: "{{ q }}\n" is text and must keep its newline.
const SINGLE_EXPRESSION = /^\{\{((?:(?!\{\{|\}\}|\{%)[\s\S])*)\}\}$/;
const TEMPLATE_SYNTAX = /\{\{|\{%|\{#/;

/**
 * Compiles doc_to_text / doc_to_target / doc_to_choice / description. lm-eval semantics: a string
 * naming a key of the documents (`features`: every key seen in the task's data) means that field;
 * anything else is a Jinja template (nunjucks here, autoescape off, undefined variables are errors
 * like Jinja's StrictUndefined). Syntax errors are reported at load time as issues of the task file.
 */
export function compileDocTemplates(spec: TaskSpec, source: string, features: ReadonlySet<string>): DocTemplates {
  const issues: Issue[] = [];
  let captured: unknown;
  const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true });
  env.addFilter("__smelt_capture", (value: unknown) => {
    captured = value;
    return "";
  });

  const compile = (key: string, body: string): Field => {
    const name = `${source}#${key}`;
    const single = SINGLE_EXPRESSION.exec(body);
    try {
      if (single) {
        const template = new nunjucks.Template(`{{ (${single[1]}) | __smelt_capture }}`, env, name, true);
        return (doc) => {
          captured = undefined;
          render(template, doc, key);
          if (captured === undefined || captured === null) {
            throw new ItemError(`${key} template ${JSON.stringify(body)} evaluated to ${String(captured)} (a missing field?)`);
          }
          return captured;
        };
      }
      if (features.has(body)) {
        return (doc) => {
          if (!Object.hasOwn(doc, body)) throw new ItemError(`${key} names the field "${body}", which this document lacks`);
          return doc[body];
        };
      }
      if (!TEMPLATE_SYNTAX.test(body)) return () => body;
      const template = new nunjucks.Template(body, env, name, true);
      return (doc) => render(template, doc, key);
    } catch (error) {
      issues.push({ message: `template syntax: ${oneLine(error)}`, path: [key] });
      return () => "";
    }
  };

  const asText = (key: string, field: Field) => (doc: Readonly<Record<string, unknown>>) => {
    const value = field(doc);
    if (typeof value === "string") return value;
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    throw new ItemError(`${key} gave ${describe(value)}, expected text`);
  };

  const description = asText("description", compile("description", spec.description));
  const text = asText("doc_to_text", compile("doc_to_text", spec.doc_to_text));
  const target: Field = typeof spec.doc_to_target === "number" ? () => spec.doc_to_target : compile("doc_to_target", spec.doc_to_target);
  let choices: DocTemplates["choices"];
  const choiceSpec = spec.doc_to_choice;
  if (Array.isArray(choiceSpec)) {
    choices = () => [...choiceSpec];
  } else if (choiceSpec !== undefined) {
    const field = compile("doc_to_choice", choiceSpec);
    choices = (doc) => toChoiceList(field(doc));
  }
  if (issues.length > 0) throw new RecipeError(source, issues);
  return { description, text, target, choices };
}

function render(template: nunjucks.Template, doc: Readonly<Record<string, unknown>>, key: string): string {
  try {
    return template.render(doc as object);
  } catch (error) {
    throw new ItemError(`${key} template failed: ${oneLine(error)}`);
  }
}

function toChoiceList(value: unknown): string[] {
  let list = value;
  if (typeof value === "string" && value.trimStart().startsWith("[")) {
    try {
      list = JSON.parse(value);
    } catch {
      throw new ItemError(`doc_to_choice gave the string ${JSON.stringify(value)}, which is not a JSON list`);
    }
  }
  if (!Array.isArray(list) || list.length === 0) {
    throw new ItemError(`doc_to_choice gave ${describe(value)}, expected a non-empty list (a field holding a list, a YAML list, or "{{ [a, b] }}")`);
  }
  return list.map((c) => (typeof c === "string" ? c : String(c)));
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value === null) return "null";
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)}`;
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, " ").trim();
}
