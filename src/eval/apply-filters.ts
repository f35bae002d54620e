import type { FilterStep } from "./task-spec.js";

/**
 * Runs one lm-eval filter pipeline over a single response (smelt generates one response per item,
 * so take_first is the identity). Semantics follow lm-eval's filters:
 * - regex: all matches of regex_pattern (Python findall); keep match number group_select (negative
 *   counts from the end); with capture groups, the first non-empty group; the result is stripped;
 *   no match (or group_select out of range) gives `fallback`.
 * - remove_whitespace: drops one leading space. strip: trims both ends. lowercase / uppercase.
 */
export function applyFilters(response: string, steps: readonly FilterStep[]): string {
  let value = response;
  for (const step of steps) {
    switch (step.function) {
      case "take_first":
        break;
      case "regex":
        value = regexSelect(value, step.regex_pattern, step.group_select, step.fallback);
        break;
      case "remove_whitespace":
        if (value.startsWith(" ")) value = value.slice(1);
        break;
      case "strip":
        value = value.trim();
        break;
      case "lowercase":
        value = value.toLowerCase();
        break;
      case "uppercase":
        value = value.toUpperCase();
        break;
      default:
        void (step satisfies never);
        throw new Error(`unknown filter ${JSON.stringify(step)}`);
    }
  }
  return value;
}

function regexSelect(text: string, pattern: string, groupSelect: number, fallback: string): string {
  const matches = [...text.matchAll(new RegExp(pattern, "g"))];
  if (matches.length === 0) return fallback;
  const match = matches[groupSelect < 0 ? matches.length + groupSelect : groupSelect];
  if (match === undefined) return fallback;
  // Python's findall returns the whole match without groups, the group with one, a tuple with more.
  const groups = match.slice(1);
  let selected: string;
  if (groups.length === 0) selected = match[0];
  else if (groups.length === 1) selected = groups[0] ?? "";
  else {
    const nonEmpty = groups.find((g) => g !== undefined && g !== "");
    if (nonEmpty === undefined) return fallback;
    selected = nonEmpty;
  }
  return selected.trim();
}
