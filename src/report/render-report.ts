import { SMELT_VERSION } from "../search/index.js";
import type { RunRecord } from "../store/index.js";
import { renderSvg } from "./render-svg.js";
import { reportData } from "./report-data.js";
import { reportHtml, type RenderedPlot } from "./report-html.js";
import { reportPlots } from "./report-plots.js";

export interface RenderReportOptions {
  /** The time written in the footer. Defaults to () => new Date(). */
  readonly clock?: () => Date;
  /** Receives vega and vega-lite warnings (a plot problem). Defaults to ignoring them. */
  readonly onWarning?: (message: string) => void;
}

/**
 * The HTML report of a run (opened with openRun): one self-contained page with the Pareto front,
 * the convergence curve, each searched parameter against fitness, the leaderboard, the run's
 * metadata and the best recipe. Plots are SVG rendered by vega-lite + vega without a browser.
 */
export async function renderReport(run: RunRecord, options: RenderReportOptions = {}): Promise<string> {
  const data = reportData(run);
  const rendered: RenderedPlot[] = [];
  for (const plot of reportPlots(data)) rendered.push({ plot, svg: await renderSvg(plot.spec, { onWarning: options.onWarning }) });
  return reportHtml(data, rendered, { generatedAt: (options.clock ?? (() => new Date()))(), smeltVersion: SMELT_VERSION });
}
