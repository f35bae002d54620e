import type { TopLevelSpec } from "vega-lite";
import { addSvgTitles } from "./svg-titles.js";

export interface RenderSvgOptions {
  /** Called with each warning vega-lite or vega logs (a spec problem). Defaults to ignoring them. */
  readonly onWarning?: (message: string) => void;
}

/** vega's LoggerInterface, routing warnings and errors to one callback instead of the console. */
function collectingLogger(onWarning: (message: string) => void) {
  let level = 2;
  const logger = {
    level(value?: number) {
      if (value === undefined) return level;
      level = value;
      return logger;
    },
    error: (...args: unknown[]) => (onWarning(args.map(String).join(" ")), logger),
    warn: (...args: unknown[]) => (onWarning(args.map(String).join(" ")), logger),
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}

/**
 * Renders a vega-lite spec to an SVG string headlessly: vega-lite compiles it to vega, a vega View
 * with the "none" renderer runs the dataflow, and `toSVG` writes the scene graph. No canvas, no
 * DOM, no native module; text widths are estimated. Data must be inline (nothing is loaded).
 */
export async function renderSvg(spec: TopLevelSpec, options: RenderSvgOptions = {}): Promise<string> {
  // Imported on first use: vega and vega-lite take ~0.5 s to load, which only `report` needs.
  const [{ View, parse }, { compile }] = await Promise.all([import("vega"), import("vega-lite")]);
  const logger = collectingLogger(options.onWarning ?? (() => undefined));
  const view = new View(parse(compile(spec, { logger }).spec), { renderer: "none", logger });
  try {
    return addSvgTitles(await view.toSVG());
  } finally {
    view.finalize();
  }
}
