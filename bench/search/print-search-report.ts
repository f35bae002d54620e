/** Prints one search benchmark result: a per-candidate table, then the run's phases. */
import type { CandidateRow, SearchChildResult, Window } from "./child.js";

const f = (x: number, digits = 2) => x.toFixed(digits);
const pct = (x: number) => `${(100 * x).toFixed(0)}%`;

export function printSearchReport(label: string, r: SearchChildResult): void {
  const busy = (w: Window) => (w.wall > 0 ? w.cpu / (w.wall * r.cores) : Number.NaN);
  console.log(`\n## ${label}`);
  console.log("| candidate | merge s | write s | load s | score s | phases s | wall s | overhead share | CPU busy |");
  console.log("|---|---|---|---|---|---|---|---|---|");
  const phases = (c: CandidateRow) => c.merge + c.write + c.load + c.score;
  const overhead = (c: CandidateRow) => c.merge + c.write + c.load;
  for (const c of r.candidates) {
    console.log(`| ${c.id} | ${f(c.merge)} | ${f(c.write)} | ${f(c.load)} | ${f(c.score)} | ${f(phases(c))} | ${f(c.wall)} | ${pct(overhead(c) / phases(c))} | ${pct(busy(c))} |`);
  }
  const n = r.candidates.length;
  if (n > 0) {
    const sum = (g: (c: CandidateRow) => number) => r.candidates.reduce((s, c) => s + g(c), 0);
    const mean = (g: (c: CandidateRow) => number) => f(sum(g) / n);
    console.log(`| mean of ${n} | ${mean((c) => c.merge)} | ${mean((c) => c.write)} | ${mean((c) => c.load)} | ${mean((c) => c.score)} | ${mean(phases)} | ${mean((c) => c.wall)} | ${pct(sum(overhead) / sum(phases))} | ${pct(busy(r.loop))} |`);
    console.log(`overhead (merge + write + load) = ${pct(sum(overhead) / sum(phases))} of the summed phases; wall per candidate ${f(r.loop.wall / n)} s vs ${f(sum(phases) / n)} s of phases (overlap saves ${pct(1 - r.loop.wall / sum(phases))})`);
    console.log(`time not spent scoring: ${pct(1 - sum((c) => c.score) / r.loop.wall)} of the loop's wall time`);
  }
  for (const x of r.failed) console.log(`FAILED ${x.id} in ${x.phase}: ${x.reason}`);
  console.log(`run phases: setup ${f(r.setup.wall)} s; references (${r.references.count} scorings) ${f(r.references.wall)} s, CPU busy ${pct(busy(r.references))}; candidate loop ${f(r.loop.wall)} s, CPU busy ${pct(busy(r.loop))}; held-out finalist + close ${f(r.heldout.wall)} s`);
  console.log(`peak RSS ${(r.maxRssBytes / 2 ** 20).toFixed(0)} MiB (${r.cores} cores)`);
}
