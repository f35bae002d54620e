import { convergencePlot } from "./convergence-plot.js";
import { parameterPlots } from "./parameter-plots.js";
import { paretoPlots } from "./pareto-plots.js";
import type { Plot } from "./plot.js";
import type { ReportData } from "./report-data.js";

/** Every figure of a report, in page order: Pareto front, convergence, parameters against fitness. */
export function reportPlots(data: ReportData): Plot[] {
  const convergence = convergencePlot(data);
  return [...paretoPlots(data), ...(convergence === undefined ? [] : [convergence]), ...parameterPlots(data)];
}
