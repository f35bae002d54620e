import { describe, expect, it } from "vitest";
import { REPORT_MARKS as M, renderReport, renderSvg, reportData, reportPlots } from "../../src/report/index.js";
import { openRun } from "../../src/store/index.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { FIXTURE_RUNS, HOSTILE, journalCounts, openFixture, writeHostileRun } from "./fixtures.js";
import { countMarks } from "./svg-marks.js";

const path = useTempDir("report-plots");

describe.each(FIXTURE_RUNS)("the plots of the real run %s", (name) => {
  it("render to SVG without warnings, with one mark per candidate, reference and failure", async () => {
    const run = await openFixture(name);
    const data = reportData(run);
    const counts = journalCounts(run.entries);
    const front = data.board.candidates.filter((r) => r.pareto).length;
    const warnings: string[] = [];
    const plots = reportPlots(data);
    const svgs = new Map<string, string>();
    for (const p of plots) svgs.set(p.id, await renderSvg(p.spec, { onWarning: (w) => warnings.push(`${p.id}: ${w}`) }));
    expect(warnings).toEqual([]);

    const pareto = plots.filter((p) => p.section === "pareto");
    expect(pareto.map((p) => p.title)).toEqual(["toy_kind vs toy_max", "toy_pick vs toy_max", "toy_pick vs toy_kind"]);
    for (const p of pareto) {
      const svg = svgs.get(p.id)!;
      expect(countMarks(svg, M.candidates)).toBe(counts.scored);
      expect(countMarks(svg, M.paretoFront)).toBe(front);
      expect(countMarks(svg, M.heldout)).toBe(counts.heldout);
      expect(countMarks(svg, M.references)).toBe(counts.validationReferences);
      expect(svg).toMatch(/>toy_max \(exact_match\)<|>toy_kind \(exact_match\)</);
    }

    const convergence = svgs.get("convergence")!;
    expect(countMarks(convergence, M.candidates)).toBe(counts.scored);
    expect(countMarks(convergence, M.failed)).toBe(counts.failed);
    expect(countMarks(convergence, M.bestSoFar)).toBe(1);
    expect(countMarks(convergence, M.references)).toBe(counts.validationReferences);

    const parameters = plots.filter((p) => p.section === "parameters");
    expect(parameters.map((p) => p.title)).toEqual(data.dimensions.map((d) => d.name));
    for (const p of parameters) {
      const expected = p.title === "method" ? counts.scored : counts.withParameter(p.title.split(".")[0]);
      expect(countMarks(svgs.get(p.id)!, M.candidates)).toBe(expected);
    }
  });
});

describe("plots of other runs", () => {
  it("draws a strip per method for a single-task run; the front is its best score", async () => {
    const run = await openFixture("toy-demo");
    const only = <T extends { tasks: Record<string, unknown> }>(e: T): T => ({ ...e, tasks: { toy_pick: e.tasks.toy_pick } });
    const entries = run.entries.map((e) => (e.kind === "candidate-scored" || e.kind === "heldout-scored" || e.kind === "reference-scored" ? only(e) : e));
    const data = reportData({ ...run, entries });
    expect(data.tasks.map((t) => t.name)).toEqual(["toy_pick"]);
    const best = Math.max(...data.candidates.map((c) => c.tasks.toy_pick.value));
    expect(data.candidates.filter((c) => c.pareto).map((c) => c.tasks.toy_pick.value)).toEqual(data.candidates.filter((c) => c.tasks.toy_pick.value === best).map(() => best));
    const [strip, ...others] = reportPlots(data).filter((p) => p.section === "pareto");
    expect(others).toEqual([]);
    const svg = await renderSvg(strip.spec);
    expect(countMarks(svg, M.candidates)).toBe(data.candidates.length);
    expect(countMarks(svg, M.paretoFront)).toBe(data.candidates.filter((c) => c.pareto).length);
    expect(countMarks(svg, M.references)).toBe(4);
  });

  it("gives every point its candidate as a tooltip (an SVG title)", async () => {
    const data = reportData(await openFixture("toy-demo"));
    const svg = await renderSvg(reportPlots(data)[0].spec);
    const best = data.candidates.find((c) => c.rank === 1)!;
    expect(svg).toMatch(new RegExp(`<path aria-label="${best.id} · task_arithmetic · gen ${best.generation} · rank 1 · Pareto · fitness 1.450 · toy_max 0.800±0.092[^"]*"[^>]*><title>${best.id} · `));
    expect((svg.match(/<title>/g) ?? []).length).toBeGreaterThanOrEqual(data.candidates.length);
  });
});

describe("renderReport", () => {
  it("writes one self-contained page: inline SVG and CSS, no script, no external reference", async () => {
    const html = await renderReport(await openFixture("toy-methods"), { clock: () => new Date("2026-12-05T00:00:00Z") });
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html.match(/\b(?:src|href)="(?!#)[^"]*"/g) ?? []).toEqual([]);
    expect(html).toContain("Content-Security-Policy");
    expect((html.match(/<svg xmlns/g) ?? []).length).toBe(3 + 1 + 7);
    expect(html).toContain("2026-12-05T00:00:00.000Z");
    expect(html).toMatch(/<pre class="recipe"># Exported by smelt from run toy-methods: candidate c0044/);
  });

  it("escapes task names, model names and failure reasons taken from the journal", async () => {
    const dir = await writeHostileRun(path("hostile"));
    const html = await renderReport(await openRun(dir));
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain("toy_&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("&lt;img src=x onerror=alert(2)&gt;");
    expect(html).toContain("&lt;/pre&gt;&lt;script&gt;alert(3)&lt;/script&gt;");
  });

  it("shows a run with nothing scored yet without plots", async () => {
    const run = await openFixture("toy-demo");
    const started = { ...run, entries: run.entries.filter((e) => e.kind === "run-started" || e.kind === "reference-scored") };
    const data = reportData(started);
    expect(data.candidates).toEqual([]);
    expect(data.best).toBeUndefined();
    const html = await renderReport(started);
    expect(html).toContain("No candidate has been scored yet.");
    expect(html).toContain("Nothing to export yet.");
    expect(reportPlots(data).filter((p) => p.section !== "pareto")).toEqual([]);
  });
});
