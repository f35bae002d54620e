import type { ReportTask } from "./report-data.js";

/**
 * An axis title for a task: its name, its metric without lm-eval's filter suffix
 * (`exact_match,strip` -> `exact_match`; the summary lists it whole), and the direction when lower is better.
 */
export function taskAxisTitle(task: ReportTask): string {
  return `${task.name} (${task.metric.split(",")[0]})${task.higherIsBetter ? "" : " ↓ better"}`;
}

/** Scale of a score axis: [0, 1] when every value lies in it (accuracies), else vega's own, not forced to include 0. */
export function scoreScale(values: readonly number[]): { zero: false; domain?: [number, number] } {
  return values.length > 0 && values.every((v) => v >= 0 && v <= 1) ? { zero: false, domain: [0, 1] } : { zero: false };
}
