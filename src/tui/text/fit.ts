/**
 * Text fitting for fixed-width terminal layouts. Widths count UTF-16 code units, which equals
 * terminal cells for the text smelt draws (ASCII, box and block characters; no wide CJK).
 */

/** Cuts `text` to `width` cells, ending with `…` when something was cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return "";
  if (text.length <= width) return text;
  return width === 1 ? "…" : `${text.slice(0, width - 1)}…`;
}

/** Truncates or pads on the right to exactly `width` cells. */
export function padEnd(text: string, width: number): string {
  return truncate(text, width).padEnd(Math.max(0, width));
}

/** Truncates or pads on the left to exactly `width` cells (numbers). */
export function padStart(text: string, width: number): string {
  return truncate(text, width).padStart(Math.max(0, width));
}

/** Cuts a long name in the middle (`toy-me…yaml`), keeping both ends readable. */
export function middle(text: string, width: number): string {
  if (text.length <= width) return text;
  if (width <= 3) return truncate(text, width);
  const head = Math.ceil((width - 1) / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (width - 1 - head))}`;
}
