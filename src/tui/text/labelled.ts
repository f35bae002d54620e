import { truncate } from "./fit.js";

/** Width of the label column. */
const LABEL = 11;

/**
 * `label      value` lines for a `width`-wide screen. A long value is wrapped at its ` · `
 * separators (else at spaces) onto lines indented under the first, and a single piece too long
 * for a line is cut.
 */
export function labelled(rows: readonly (readonly [string, string])[], width: number): string[] {
  const room = Math.max(10, width - LABEL);
  const out: string[] = [];
  for (const [label, value] of rows) {
    const pieces = value.split(" · ");
    const lines: string[] = [];
    let line = "";
    for (const piece of pieces) {
      const next = line === "" ? piece : `${line} · ${piece}`;
      if (next.length <= room) {
        line = next;
        continue;
      }
      if (line !== "") lines.push(line);
      line = piece;
      while (line.length > room) {
        const cut = line.lastIndexOf(" ", room);
        if (cut <= 0) break;
        lines.push(line.slice(0, cut));
        line = line.slice(cut + 1);
      }
    }
    if (line !== "") lines.push(line);
    lines.forEach((l, i) => out.push(`${(i === 0 ? label : "").padEnd(LABEL)}${truncate(l, room)}`));
  }
  return out;
}
