/** The HTML report of a run: plots (vega-lite -> SVG), leaderboard, metadata and best recipe in one page. */
export { renderReport, type RenderReportOptions } from "./render-report.js";
export { writeReport, type WriteReportOptions, type WrittenReport } from "./write-report.js";
export { reportData, type ReportData, type ReportCandidate, type ReportFailure, type ReportTask } from "./report-data.js";
export { reportPlots } from "./report-plots.js";
export { MARKS as REPORT_MARKS, type Plot as ReportPlot } from "./plot.js";
export { renderSvg, type RenderSvgOptions } from "./render-svg.js";
export { candidateParameters, type CandidateParameter } from "./candidate-parameters.js";
export { parameterDimensions, type ParameterDimension, type ParameterPoint } from "./parameter-dimensions.js";
export { spaceSummary, type SpaceSummary, type SpaceParameter } from "./space-summary.js";
export { runTiming, type RunTiming } from "./run-timing.js";
export { escapeHtml } from "./escape-html.js";
