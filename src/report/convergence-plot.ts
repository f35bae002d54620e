import type { TopLevelSpec } from "vega-lite";
import { formatScore } from "../store/index.js";
import { reportMethods } from "./pareto-plots.js";
import { MARKS, type Plot } from "./plot.js";
import { BEST_COLOR, FAILED_COLOR, PLOT_CONFIG, REFERENCE_COLOR, methodScale } from "./plot-style.js";
import { candidateLabel } from "./point-labels.js";
import type { ReportData } from "./report-data.js";

const WIDTH = 760;
const HEIGHT = 270;

/**
 * Fitness against evaluation order: each scored candidate coloured by method, the best-so-far as a
 * step line, the reference models' fitness as dashed rules labelled at alternate ends, and every
 * failed candidate as a red cross on the x axis at its place in the order.
 */
export function convergencePlot(data: ReportData): Plot | undefined {
  const total = data.candidates.length + data.failures.length;
  if (total === 0) return undefined;
  const methods = reportMethods(data);
  const points = data.candidates.map((c) => ({ index: c.index, fitness: c.fitness, method: c.method, label: candidateLabel(c) }));
  const best = data.bestSoFar.map((b) => ({ index: b.index, fitness: b.fitness }));
  // Carry the line to the last evaluation when it ended in failures.
  if (best.length > 0 && best[best.length - 1].index < total) best.push({ index: total, fitness: best[best.length - 1].fitness });
  const references = data.references
    .filter((r) => r.split === "validation" && r.fitness !== undefined)
    .sort((a, b) => (b.fitness ?? 0) - (a.fitness ?? 0))
    .map((r, i) => ({ fitness: r.fitness!, text: `${r.model} ${formatScore(r.fitness!)}`, right: i % 2 === 0, label: `${r.model} (${r.role} model) fitness ${formatScore(r.fitness!)}` }));
  const failed = data.failures.map((f) => ({ index: f.index, label: `${f.id} failed (${f.phase}): ${f.reason.split("\n")[0]}` }));
  const x = { field: "index", type: "quantitative", title: "evaluation (candidates in the order they finished)", scale: { domain: [0, total + 1], nice: false }, axis: { tickMinStep: 1, format: "d" } } as const;
  const y = { field: "fitness", type: "quantitative", title: "fitness (weighted sum)", scale: { zero: false } } as const;
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: WIDTH,
    height: HEIGHT,
    config: PLOT_CONFIG,
    layer: [
      { name: MARKS.references, data: { values: references }, mark: { type: "rule", color: REFERENCE_COLOR, strokeDash: [5, 4], opacity: 0.55 }, encoding: { y, description: { field: "label" } } },
      // Labels at alternate ends, so references with close fitness do not overprint each other.
      {
        name: MARKS.referenceLabels,
        data: { values: references.filter((r) => r.right) },
        mark: { type: "text", fontSize: 10, color: REFERENCE_COLOR, dy: -6, align: "right" },
        encoding: { y: { field: "fitness", type: "quantitative" }, x: { value: WIDTH - 4 }, text: { field: "text" } },
      },
      {
        name: `${MARKS.referenceLabels}_left`,
        data: { values: references.filter((r) => !r.right) },
        mark: { type: "text", fontSize: 10, color: REFERENCE_COLOR, dy: -6, align: "left" },
        encoding: { y: { field: "fitness", type: "quantitative" }, x: { value: 4 }, text: { field: "text" } },
      },
      { name: MARKS.bestSoFar, data: { values: best }, mark: { type: "line", interpolate: "step-after", color: BEST_COLOR, strokeWidth: 2 }, encoding: { x, y } },
      { name: MARKS.candidates, data: { values: points }, mark: { type: "point", filled: true, size: 45, opacity: 0.75 }, encoding: { x, y, color: { field: "method", type: "nominal", scale: methodScale(methods) }, description: { field: "label" } } },
      { name: MARKS.failed, data: { values: failed }, mark: { type: "point", shape: "cross", filled: true, size: 70, color: FAILED_COLOR }, encoding: { x, y: { value: HEIGHT }, description: { field: "label" } } },
    ],
  } as unknown as TopLevelSpec;
  const failures = data.failures.length === 0 ? "none failed" : `${data.failures.length} failed (red crosses on the axis)`;
  return {
    id: "convergence",
    section: "convergence",
    title: "Convergence",
    caption: `${total} candidates evaluated: ${data.candidates.length} scored, ${failures}. The black step line is the best fitness so far; dashed lines are the reference models.`,
    spec,
  };
}
