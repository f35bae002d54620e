import type { TopLevelSpec } from "vega-lite";

/** Marks every plot names its layers with, so tests and the page can find them in the SVG (`<name>_marks`). */
export const MARKS = {
  candidates: "candidates",
  paretoFront: "pareto_front",
  heldout: "heldout",
  heldoutLinks: "heldout_links",
  references: "references",
  referenceLabels: "reference_labels",
  bestSoFar: "best_so_far",
  failed: "failed",
} as const;

/** One figure of the report: a vega-lite spec and the words around it. */
export interface Plot {
  /** Unique within the report; used as the figure's element id. */
  readonly id: string;
  /** Which section it belongs to. */
  readonly section: "pareto" | "convergence" | "parameters";
  readonly title: string;
  /** A sentence under the figure (plain text; escaped when written). */
  readonly caption: string;
  readonly spec: TopLevelSpec;
}
