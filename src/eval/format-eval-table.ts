import type { EvalResult } from "./eval-result.js";

/**
 * The results as a plain-text table, one row per task metric (lm-eval's `make_table` layout):
 * task, metric (with its filter when there is one), value ± stderr, items scored, items failed,
 * throughput. Tasks where every item failed get one row with "-" for the value.
 */
export function formatEvalTable(result: EvalResult): string {
  const header = ["task", "metric", "value", "", "stderr", "items", "failed", "tokens/s"];
  const rows: string[][] = [];
  for (const task of result.tasks) {
    const common = [String(task.items), String(task.failed), task.tokensPerSecond.toFixed(0)];
    if (task.metrics.length === 0) rows.push([task.task, "-", "-", "", "-", ...common]);
    task.metrics.forEach((m, i) => {
      const name = m.filter === "none" ? m.metric : `${m.metric} (${m.filter})`;
      const arrow = m.higherIsBetter ? "↑" : "↓";
      rows.push([
        i === 0 ? task.task : "",
        `${name} ${arrow}`,
        formatNumber(m.value),
        "±",
        m.stderr === null ? "N/A" : formatNumber(m.stderr),
        ...(i === 0 ? common : ["", "", ""]),
      ]);
    });
  }
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const numeric = new Set([2, 4, 5, 6, 7]);
  const line = (cells: string[]) =>
    `|${cells.map((cell, c) => ` ${numeric.has(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])} `).join("|")}|`;
  const rule = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

/** Four decimals, like lm-eval's table; exponent notation where that would hide the value. */
function formatNumber(x: number): string {
  const size = Math.abs(x);
  return size !== 0 && (size >= 1e6 || size < 1e-4) ? x.toExponential(3) : x.toFixed(4);
}
