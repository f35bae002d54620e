import { createHash } from "node:crypto";

/**
 * Identity of a dataset item: sha256 of its canonical JSON (object keys sorted at every depth,
 * no whitespace). Two lines holding the same document with keys in another order hash the same,
 * which is what the split-overlap check and few-shot self-exclusion need.
 */
export function itemHash(doc: unknown): string {
  return createHash("sha256").update(canonicalJson(doc)).digest("hex");
}

/** JSON with sorted keys; JSON.stringify's own rules for everything else. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value);
}
