import { ItemError, type DocTemplates } from "./doc-templates.js";

/** A document of a multiple_choice task, resolved: its choices and the index of the right one. */
export interface ResolvedChoices {
  readonly choices: readonly string[];
  readonly gold: number;
}

/**
 * lm-eval's gold for multiple_choice: doc_to_target is either an index into the choices (a number,
 * or text of digits) or the text of one choice.
 */
export function resolveChoices(templates: DocTemplates, doc: Readonly<Record<string, unknown>>): ResolvedChoices {
  if (!templates.choices) throw new ItemError("this task has no doc_to_choice");
  const choices = templates.choices(doc);
  const target = templates.target(doc);
  let gold: number;
  if (typeof target === "number") gold = target;
  else if (typeof target === "string" && /^\d+$/.test(target.trim())) gold = Number(target.trim());
  else if (typeof target === "string") {
    gold = choices.indexOf(target);
    if (gold < 0) throw new ItemError(`doc_to_target ${JSON.stringify(target)} is not one of the choices ${JSON.stringify(choices)}`);
  } else throw new ItemError(`doc_to_target gave ${Array.isArray(target) ? "a list (several gold answers are not supported)" : typeof target}, expected an index or a choice`);
  if (!Number.isInteger(gold) || gold < 0 || gold >= choices.length) {
    throw new ItemError(`doc_to_target index ${gold} is out of range for ${choices.length} choices`);
  }
  return { choices, gold };
}

/** The answer as text: what follows the target delimiter in few-shot examples and what exact_match compares to. */
export function targetText(templates: DocTemplates, doc: Readonly<Record<string, unknown>>): string {
  if (templates.choices) {
    const { choices, gold } = resolveChoices(templates, doc);
    return choices[gold];
  }
  const target = templates.target(doc);
  if (typeof target === "string") return target;
  if (typeof target === "number" || typeof target === "boolean") return String(target);
  throw new ItemError(`doc_to_target gave ${Array.isArray(target) ? "a list (several references are not supported)" : typeof target}, expected text`);
}
