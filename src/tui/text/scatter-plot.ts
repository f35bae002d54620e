/** One point of a scatter plot: where it goes, the character drawn, and which wins a shared cell. */
export interface ScatterPoint {
  readonly x: number;
  readonly y: number;
  /** One terminal cell wide. */
  readonly glyph: string;
  /** A higher priority is drawn over a lower one in the same cell. */
  readonly priority: number;
}

/** Width of the y-axis labels (`-1.25`), before the axis line. */
const LABEL = 5;

/** Axis label: two decimals for ordinary scores, three significant digits beyond. */
function label(v: number): string {
  return Math.abs(v) < 100 ? v.toFixed(2) : v.toPrecision(3);
}

function range(values: readonly number[]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  return lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
}

/**
 * A scatter plot as exactly `height` lines of exactly `width` cells: y-axis labels (top and
 * bottom values) and line on the left, the x-axis with its end values at the bottom. Axes span
 * the points' range. Points with non-finite coordinates are left out.
 */
export function scatterPlot(points: readonly ScatterPoint[], width: number, height: number): string[] {
  const plotWidth = Math.max(1, width - LABEL - 1);
  const plotHeight = Math.max(1, height - 1);
  const shown = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const [x0, x1] = range(shown.map((p) => p.x));
  const [y0, y1] = range(shown.map((p) => p.y));
  const grid: { glyph: string; priority: number }[][] = Array.from({ length: plotHeight }, () => Array.from({ length: plotWidth }, () => ({ glyph: " ", priority: -Infinity })));
  for (const p of shown) {
    const col = Math.round(((p.x - x0) / (x1 - x0)) * (plotWidth - 1));
    const row = plotHeight - 1 - Math.round(((p.y - y0) / (y1 - y0)) * (plotHeight - 1));
    const cell = grid[row][col];
    if (p.priority > cell.priority) grid[row][col] = { glyph: p.glyph, priority: p.priority };
  }
  const lines = grid.map((cells, r) => {
    const yLabel = r === 0 ? label(y1) : r === plotHeight - 1 ? label(y0) : "";
    return `${yLabel.slice(0, LABEL).padStart(LABEL)}│${cells.map((c) => c.glyph).join("")}`;
  });
  const lo = label(x0);
  const hi = label(x1);
  const fill = Math.max(0, plotWidth - lo.length - hi.length);
  const axis = `${" ".repeat(LABEL)}└${`${lo}${"─".repeat(fill)}${hi}`.slice(0, plotWidth)}`;
  return [...lines, axis].map((l) => l.slice(0, width).padEnd(width));
}
