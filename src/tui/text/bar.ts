/** A progress bar of exactly `width` cells: `█` done, `░` to go. */
export function bar(done: number, total: number, width: number): string {
  if (width <= 0) return "";
  const fraction = total > 0 ? Math.max(0, Math.min(1, done / total)) : 0;
  const filled = Math.round(fraction * width);
  return "█".repeat(filled) + "░".repeat(width - filled);
}
