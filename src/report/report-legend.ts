import { escapeHtml } from "./escape-html.js";
import { FAILED_COLOR, REFERENCE_COLOR, methodColor } from "./plot-style.js";

/** A small inline SVG of a plot symbol, so the legend draws exactly what the plots draw. */
function symbol(kind: "dot" | "ring" | "triangle" | "square" | "diamond" | "cross" | "step", color: string): string {
  const body = {
    dot: `<circle cx="8" cy="8" r="4" fill="${color}" opacity="0.7"/>`,
    ring: `<circle cx="8" cy="8" r="6" fill="none" stroke="${color}" stroke-width="1.6"/>`,
    triangle: `<path d="M8,2.5 L13.5,12.5 L2.5,12.5 Z" fill="none" stroke="${color}" stroke-width="1.6"/>`,
    square: `<rect x="3.5" y="3.5" width="9" height="9" fill="${color}"/>`,
    diamond: `<path d="M8,1.5 L14.5,8 L8,14.5 L1.5,8 Z" fill="${color}"/>`,
    cross: `<path d="M6,2h4v4h4v4h-4v4h-4v-4h-4v-4h4z" fill="${color}"/>`,
    step: `<path d="M1,12 H6 V7 H11 V3 H15" fill="none" stroke="${color}" stroke-width="2"/>`,
  }[kind];
  return `<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">${body}</svg>`;
}

/**
 * The legend shared by every plot (vega's own legends are off so that each small plot keeps its
 * room): a colour per merge method, then the marks.
 */
export function reportLegend(methods: readonly string[], options: { heldout: boolean; failures: boolean }): string {
  const items = [
    ...methods.map((m) => `<span>${symbol("dot", methodColor(methods, m))}${escapeHtml(m)}</span>`),
    `<span>${symbol("ring", "#111")}Pareto-optimal across tasks</span>`,
    ...(options.heldout ? [`<span>${symbol("triangle", "#555")}held-out (test) score of a finalist, dashed to its validation score</span>`] : []),
    `<span>${symbol("square", REFERENCE_COLOR)}base model</span>`,
    `<span>${symbol("diamond", REFERENCE_COLOR)}source model</span>`,
    `<span>${symbol("step", "#111")}best so far</span>`,
    ...(options.failures ? [`<span>${symbol("cross", FAILED_COLOR)}failed candidate</span>`] : []),
  ];
  return `<div class="legend">${items.join("")}</div>`;
}
