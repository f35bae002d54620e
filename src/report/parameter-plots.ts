import type { TopLevelSpec } from "vega-lite";
import { formatScore } from "../store/index.js";
import { jitter } from "./jitter.js";
import type { ParameterDimension } from "./parameter-dimensions.js";
import { reportMethods } from "./pareto-plots.js";
import { MARKS, type Plot } from "./plot.js";
import { PLOT_CONFIG, REFERENCE_COLOR, methodScale } from "./plot-style.js";
import type { ReportData } from "./report-data.js";

const WIDTH = 230;
const HEIGHT = 170;

/** What a dimension's name means, for its caption. */
function describe(dim: ParameterDimension): string {
  if (dim.name === "method") return "the merge method (points spread sideways within each method)";
  const parts = dim.name.split(".");
  const group = parts.find((p) => /^L\d+-\d+$/.test(p));
  return `${parts[0]}${parts.length > 1 && parts[1] !== group ? ` of ${parts[1]}` : ""}${parts.length > 2 && parts[2] !== group ? ` (${parts[2]} tensors)` : ""}${group ? ` in layers ${group.slice(1)}` : ""}`;
}

/**
 * One small scatter per searched dimension: its value (x) against fitness (y) for every scored
 * candidate that has it, coloured by method, with a ring around the Pareto-optimal candidates and
 * a dashed rule at the best reference model's fitness. Categorical dimensions (the method, flags,
 * choices) spread points sideways within their category.
 */
function parameterPlot(data: ReportData, dim: ParameterDimension, bestReference: { model: string; fitness: number } | undefined, n: number): Plot {
  const methods = reportMethods(data);
  const points = dim.points.map((p) => ({
    ...p,
    j: jitter(p.id),
    label: `${p.id} · ${p.method} · ${dim.name} = ${typeof p.value === "number" ? formatScore(p.value) : p.value} · fitness ${formatScore(p.fitness)}${p.pareto ? " · Pareto" : ""}`,
  }));
  const front = points.filter((p) => p.pareto);
  const x =
    dim.kind === "quantitative"
      ? ({ field: "value", type: "quantitative", title: dim.name, scale: { domain: [...dim.domain], nice: false } } as const)
      : ({ field: "value", type: "nominal", title: dim.name, scale: { domain: [...dim.categories] }, axis: { labelAngle: 0 } } as const);
  const xOffset = dim.kind === "nominal" ? { xOffset: { field: "j", type: "quantitative", scale: { domain: [-1.6, 1.6] } } } : {};
  const y = { field: "fitness", type: "quantitative", title: "fitness", scale: { zero: false } } as const;
  const rule = bestReference === undefined ? [] : [{ fitness: bestReference.fitness, text: `best reference: ${bestReference.model} ${formatScore(bestReference.fitness)}` }];
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: WIDTH,
    height: HEIGHT,
    config: PLOT_CONFIG,
    layer: [
      { name: MARKS.references, data: { values: rule }, mark: { type: "rule", color: REFERENCE_COLOR, strokeDash: [5, 4], opacity: 0.55 }, encoding: { y } },
      { name: MARKS.referenceLabels, data: { values: rule }, mark: { type: "text", fontSize: 9, color: REFERENCE_COLOR, dy: -5, align: "right" }, encoding: { y: { field: "fitness", type: "quantitative" }, x: { value: WIDTH - 2 }, text: { field: "text" } } },
      { name: MARKS.candidates, data: { values: points }, mark: { type: "point", filled: true, size: 38, opacity: 0.65 }, encoding: { x, y, ...xOffset, color: { field: "method", type: "nominal", scale: methodScale(methods) }, description: { field: "label" } } },
      { name: MARKS.paretoFront, data: { values: front }, mark: { type: "point", filled: false, size: 110, strokeWidth: 1.4, color: "#111" }, encoding: { x, y, ...xOffset, description: { field: "label" } } },
    ],
  } as unknown as TopLevelSpec;
  return {
    id: `parameter-${n}`,
    section: "parameters",
    title: dim.name,
    caption: `${describe(dim)}: ${points.length} scored candidates.`,
    spec,
  };
}

/** One plot per searched dimension (the method first when it is searched). */
export function parameterPlots(data: ReportData): Plot[] {
  const refs = data.references.filter((r) => r.split === "validation" && r.fitness !== undefined);
  const top = refs.sort((a, b) => b.fitness! - a.fitness!)[0];
  const best = top === undefined ? undefined : { model: top.model, fitness: top.fitness! };
  return data.dimensions.filter((d) => d.points.length > 0).map((d, i) => parameterPlot(data, d, best, i + 1));
}
