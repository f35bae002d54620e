/**
 * The report's look, shared by every plot and by the HTML legend so that both agree: Tableau 10
 * for merge methods (in the space's order), near-black for reference models, red for failures.
 */
export const METHOD_PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"] as const;
export const REFERENCE_COLOR = "#222222";
export const FAILED_COLOR = "#d62728";
export const BEST_COLOR = "#111111";
export const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif";

/** Reference model roles as point shapes (vega symbol names). */
export const REFERENCE_SHAPES = { base: "square", source: "diamond" } as const;

/** A method's colour: stable for a given list of methods (the space's, then any others seen). */
export function methodColor(methods: readonly string[], method: string): string {
  const i = methods.indexOf(method);
  return METHOD_PALETTE[(i < 0 ? methods.length : i) % METHOD_PALETTE.length];
}

/** The vega-lite color scale for methods: fixed domain and range, so every plot colours alike. */
export function methodScale(methods: readonly string[]): { domain: string[]; range: string[] } {
  return { domain: [...methods], range: methods.map((m) => methodColor(methods, m)) };
}

/** vega-lite `config` shared by every plot: system fonts (nothing to download), quiet axes. */
export const PLOT_CONFIG = {
  font: FONT,
  background: "white",
  view: { stroke: "#ccc" },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 600, gridColor: "#eee", domainColor: "#888", tickColor: "#888" },
  title: { fontSize: 13, fontWeight: 600, anchor: "start" },
  legend: { disable: true },
} as const;
