const BLOCKS = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];

/**
 * A one-line chart of `values` in at most `width` cells: each cell is one value, or, when there
 * are more values than cells, the last value of its bucket (for a best-so-far curve, the best at
 * that point). Non-finite values are blanks. Scaled between the finite minimum and maximum.
 */
export function sparkline(values: readonly number[], width: number): string {
  if (width <= 0 || values.length === 0) return "";
  const cells: number[] = [];
  if (values.length <= width) cells.push(...values);
  else for (let c = 0; c < width; c++) cells.push(values[Math.min(values.length - 1, Math.floor(((c + 1) * values.length) / width) - 1)]);
  const finite = cells.filter(Number.isFinite);
  if (finite.length === 0) return " ".repeat(cells.length);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  return cells
    .map((v) => {
      if (!Number.isFinite(v)) return " ";
      if (hi === lo) return BLOCKS[BLOCKS.length - 1];
      return BLOCKS[Math.round(((v - lo) / (hi - lo)) * (BLOCKS.length - 1))];
    })
    .join("");
}
