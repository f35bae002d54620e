import type { TopLevelSpec } from "vega-lite";
import { scoreScale, taskAxisTitle } from "./axis-title.js";
import { jitter } from "./jitter.js";
import { MARKS, type Plot } from "./plot.js";
import { PLOT_CONFIG, REFERENCE_COLOR, REFERENCE_SHAPES, methodScale } from "./plot-style.js";
import { candidateLabel, heldoutLabel, referenceLabel } from "./point-labels.js";
import type { ReportData, ReportTask } from "./report-data.js";

/** Pairs are drawn among the first this many tasks (28 plots); more would not be readable. */
export const MAX_PARETO_TASKS = 8;

/** The methods of a run in colour order: the space's, then any others its candidates used. */
export function reportMethods(data: ReportData): string[] {
  return [...new Set([...data.space.methods, ...data.candidates.map((c) => c.method), ...data.failures.map((f) => f.method)])];
}

type Datum = Record<string, string | number | boolean>;

/** One label per position (and role, unless `anyRole`): references that score the same share one ("kind, pick"). */
function coincidentLabels(references: readonly Datum[], anyRole = false): Datum[] {
  const at = new Map<string, Datum>();
  for (const r of references) {
    const key = `${anyRole ? "" : r.role},${r.x},${r.y}`;
    const seen = at.get(key);
    at.set(key, seen === undefined ? { ...r } : { ...seen, model: `${seen.model}, ${r.model}` });
  }
  return [...at.values()];
}

/** The plot size for a run with `k` tasks: three to a row on a wide screen, smaller multiples when there are many pairs. */
function size(k: number): { width: number; height: number } {
  return k <= 4 ? { width: 255, height: 235 } : { width: 190, height: 170 };
}

/**
 * One scatter of task `a` (x) against task `b` (y): every scored candidate coloured by method,
 * a ring around the Pareto-optimal ones (the front across all tasks, as src/store computes it),
 * the finalists' held-out (test split) scores as hollow triangles joined to their validation point,
 * and the reference models (validation split) as labelled black squares (base) and diamonds (sources).
 */
function pairPlot(data: ReportData, a: ReportTask, b: ReportTask): Plot {
  const methods = reportMethods(data);
  const has = (tasks: Readonly<Record<string, { value: number }>>) => tasks[a.name] !== undefined && tasks[b.name] !== undefined;
  const candidates = data.candidates.filter((c) => has(c.tasks));
  const points: Datum[] = candidates.map((c) => ({ id: c.id, method: c.method, x: c.tasks[a.name].value, y: c.tasks[b.name].value, label: candidateLabel(c) }));
  const front = points.filter((_, i) => candidates[i].pareto);
  const finalists = candidates.filter((c) => c.heldout !== undefined && has(c.heldout.tasks));
  const heldout: Datum[] = finalists.map((c) => ({
    id: c.id,
    method: c.method,
    x: c.heldout!.tasks[a.name].value,
    y: c.heldout!.tasks[b.name].value,
    x0: c.tasks[a.name].value,
    y0: c.tasks[b.name].value,
    label: heldoutLabel(c),
  }));
  const refs = data.references.filter((r) => r.split === "validation" && has(r.tasks));
  const references: Datum[] = refs.map((r) => ({ model: r.model, role: r.role, x: r.tasks[a.name].value, y: r.tasks[b.name].value, label: referenceLabel(r) }));
  const labels = coincidentLabels(references);
  const all = [...points, ...heldout, ...references];
  const x = { field: "x", type: "quantitative", title: taskAxisTitle(a), scale: scoreScale(all.map((d) => d.x as number)) } as const;
  const y = { field: "y", type: "quantitative", title: taskAxisTitle(b), scale: scoreScale(all.map((d) => d.y as number)) } as const;
  const color = { field: "method", type: "nominal", scale: methodScale(methods) } as const;
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    ...size(data.tasks.length),
    config: PLOT_CONFIG,
    encoding: { x, y },
    layer: [
      {
        name: MARKS.heldoutLinks,
        data: { values: heldout },
        mark: { type: "rule", color: "#999", strokeDash: [3, 3], strokeWidth: 1 },
        encoding: { x: { field: "x0", type: "quantitative" }, y: { field: "y0", type: "quantitative" }, x2: { field: "x" }, y2: { field: "y" } },
      },
      { name: MARKS.candidates, data: { values: points }, mark: { type: "point", filled: true, size: 45, opacity: 0.6 }, encoding: { color, description: { field: "label" } } },
      { name: MARKS.paretoFront, data: { values: front }, mark: { type: "point", filled: false, size: 130, strokeWidth: 1.6, color: "#111" }, encoding: { description: { field: "label" } } },
      { name: MARKS.heldout, data: { values: heldout }, mark: { type: "point", shape: "triangle-up", filled: false, size: 70, strokeWidth: 1.6 }, encoding: { color, description: { field: "label" } } },
      {
        name: MARKS.references,
        data: { values: references },
        mark: { type: "point", filled: true, size: 90, color: REFERENCE_COLOR, opacity: 0.9 },
        encoding: { shape: { field: "role", type: "nominal", scale: { domain: ["base", "source"], range: [REFERENCE_SHAPES.base, REFERENCE_SHAPES.source] } }, description: { field: "label" } },
      },
      // Sources labelled above their point, the base below: the base usually sits near a weak source.
      {
        name: MARKS.referenceLabels,
        data: { values: labels.filter((l) => l.role === "source") },
        mark: { type: "text", align: "left", dx: 7, dy: -7, fontSize: 11, fontWeight: 600, color: REFERENCE_COLOR },
        encoding: { text: { field: "model" } },
      },
      {
        name: `${MARKS.referenceLabels}_base`,
        data: { values: labels.filter((l) => l.role === "base") },
        mark: { type: "text", align: "left", dx: 7, dy: 9, fontSize: 11, fontWeight: 600, color: REFERENCE_COLOR },
        encoding: { text: { field: "model" } },
      },
    ],
  } as unknown as TopLevelSpec;
  return {
    id: `pareto-${data.tasks.indexOf(a) + 1}-${data.tasks.indexOf(b) + 1}`,
    section: "pareto",
    title: `${b.name} vs ${a.name}`,
    caption: `${points.length} scored candidates (validation split), ${front.length} on the Pareto front across all tasks, ${heldout.length} finalists re-scored on held-out items, ${references.length} reference models.`,
    spec,
  };
}

/** With one task there is no trade-off: the candidates' scores per method, references beside them. */
function stripPlot(data: ReportData, task: ReportTask): Plot {
  const methods = reportMethods(data);
  const rows = [...methods, "reference models"];
  const candidates = data.candidates.filter((c) => c.tasks[task.name] !== undefined);
  const points: Datum[] = candidates.map((c) => ({ id: c.id, method: c.method, row: c.method, x: c.tasks[task.name].value, j: jitter(c.id), label: candidateLabel(c) }));
  const front = points.filter((_, i) => candidates[i].pareto);
  const refs = data.references.filter((r) => r.split === "validation" && r.tasks[task.name] !== undefined);
  const references: Datum[] = refs.map((r) => ({ model: r.model, role: r.role, row: "reference models", x: r.tasks[task.name].value, j: 0, label: referenceLabel(r) }));
  const x = { field: "x", type: "quantitative", title: taskAxisTitle(task), scale: scoreScale([...points, ...references].map((d) => d.x as number)) } as const;
  const y = { field: "row", type: "nominal", title: null, scale: { domain: rows } } as const;
  const yOffset = { field: "j", type: "quantitative", scale: { domain: [-1.3, 1.3] } } as const;
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: 560,
    height: { step: 40 },
    config: PLOT_CONFIG,
    encoding: { x, y, yOffset },
    layer: [
      { name: MARKS.candidates, data: { values: points }, mark: { type: "point", filled: true, size: 45, opacity: 0.6 }, encoding: { color: { field: "method", type: "nominal", scale: methodScale(methods) }, description: { field: "label" } } },
      { name: MARKS.paretoFront, data: { values: front }, mark: { type: "point", filled: false, size: 130, strokeWidth: 1.6, color: "#111" }, encoding: { description: { field: "label" } } },
      {
        name: MARKS.references,
        data: { values: references },
        mark: { type: "point", filled: true, size: 90, color: REFERENCE_COLOR },
        encoding: { shape: { field: "role", type: "nominal", scale: { domain: ["base", "source"], range: [REFERENCE_SHAPES.base, REFERENCE_SHAPES.source] } }, description: { field: "label" } },
      },
      { name: MARKS.referenceLabels, data: { values: coincidentLabels(references, true) }, mark: { type: "text", dy: -10, fontSize: 11, fontWeight: 600, color: REFERENCE_COLOR }, encoding: { text: { field: "model" } } },
    ],
  } as unknown as TopLevelSpec;
  return { id: "pareto-1", section: "pareto", title: `${task.name} by method`, caption: `${points.length} scored candidates; with a single task the best score is the whole front (${front.length}).`, spec };
}

/** The Pareto-front figures: every pair of tasks (among the first MAX_PARETO_TASKS), or a strip plot for one task. */
export function paretoPlots(data: ReportData): Plot[] {
  const tasks = data.tasks.slice(0, MAX_PARETO_TASKS);
  if (tasks.length === 0 || (data.candidates.length === 0 && data.references.length === 0)) return [];
  if (tasks.length === 1) return [stripPlot(data, tasks[0])];
  const plots: Plot[] = [];
  for (let i = 0; i < tasks.length; i++) {
    for (let j = i + 1; j < tasks.length; j++) plots.push(pairPlot(data, tasks[i], tasks[j]));
  }
  return plots;
}
