// The HTML report in a real browser: Debian's chromium, headless, driven by playwright-core.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPORT_MARKS as M, writeReport } from "../../src/report/index.js";
import { leaderboard, openRun } from "../../src/store/index.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { copyFixture, journalCounts, writeHostileRun, type FixtureRun } from "./fixtures.js";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"];
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const path = useTempDir("report-browser");
const missing = !existsSync(CHROMIUM);
if (missing && !process.env.CI) {
  console.warn(`notice: ${CHROMIUM} is missing, so the HTML report browser test is skipped (apt-get install chromium to run it)`);
}

/**
 * The little of the DOM the page-side functions use (Node's lib has no DOM types, and adding them
 * would leak into the whole program). Casts are erased, so the functions serialise as plain JS.
 */
interface DomElement {
  readonly id: string;
  readonly length: number;
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  getBoundingClientRect(): { width: number; height: number };
}
interface BrowserGlobals {
  document: DomElement & { createElement(tag: "canvas"): Canvas };
  Image: new () => { src: string; naturalWidth: number; naturalHeight: number; decode(): Promise<void> };
}
interface Canvas {
  width: number;
  height: number;
  getContext(kind: "2d"): { drawImage(img: unknown, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
}

interface Figure {
  id: string;
  section: string;
  svgs: number;
  width: number;
  height: number;
  elements: number;
  marks: Record<string, number>;
}

interface Visit {
  figures: Figure[];
  problems: string[];
  requests: string[];
  screenshot: Buffer;
  colours: number;
}

describe.skipIf(missing && !process.env.CI)("the HTML report in headless chromium", () => {
  let browser: Browser | undefined;

  beforeAll(async () => {
    // Only reached without chromium when CI is set: fail there rather than lose the test silently.
    if (missing) throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium (apt-get install chromium) for the HTML report test`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** Opens a report, records every console message, page error, dialog and request, takes a full-page screenshot and reads the figures. */
  async function visit(file: string, shot: string): Promise<Visit> {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      const requests: string[] = [];
      page.on("console", (m) => problems.push(`console ${m.type()}: ${m.text()}`));
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      page.on("dialog", (d) => (problems.push(`dialog: ${d.message()}`), void d.dismiss()));
      page.on("request", (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
      const names = Object.values(M);
      const figures = await page.evaluate((marks) => {
        const { document } = globalThis as unknown as BrowserGlobals;
        return Array.from(document.querySelectorAll("figure.plot")).map((f) => {
          const svg = f.querySelector("svg");
          const box = svg?.getBoundingClientRect();
          return {
            id: f.id,
            section: f.getAttribute("data-section") ?? "",
            svgs: f.querySelectorAll("svg").length,
            width: box?.width ?? 0,
            height: box?.height ?? 0,
            elements: svg?.querySelectorAll("*").length ?? 0,
            marks: Object.fromEntries(marks.map((m) => [m, svg?.querySelectorAll(`g.${m}_marks > *`).length ?? 0])),
          };
        });
      }, names);
      await page.screenshot({ path: shot, fullPage: true });
      const screenshot = await readFile(shot);
      // Decode the PNG in the browser (a fresh blank page) and count its distinct colours.
      const blank = await context.newPage();
      const colours = await blank.evaluate(async (b64) => {
        const { document, Image } = globalThis as unknown as BrowserGlobals;
        const img = new Image();
        img.src = `data:image/png;base64,${b64}`;
        await img.decode();
        const canvas = document.createElement("canvas");
        canvas.width = img.naturalWidth;
        canvas.height = img.naturalHeight;
        const ctx = canvas.getContext("2d")!;
        ctx.drawImage(img, 0, 0);
        const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        const seen = new Set<number>();
        for (let i = 0; i < px.length && seen.size < 256; i += 4) seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
        return seen.size;
      }, screenshot.toString("base64"));
      return { figures, problems, requests, screenshot, colours };
    } finally {
      await context.close();
    }
  }

  // toy-methods: 60 candidates over three methods. toy-timeout with markup in its task, model and
  // failure names: failed candidates, and journal text that must stay text (no script, no load).
  it.each([
    ["toy-methods", false],
    ["toy-timeout", true],
  ] as [FixtureRun, boolean][])("renders every plot of %s with one point per candidate, reference and failure (hostile names: %s)", async (name, hostile) => {
    const dir = hostile ? await writeHostileRun(path(name)) : await copyFixture(name, path(name));
    const written = await writeReport(dir);
    const { entries } = await openRun(dir);
    const counts = journalCounts(entries);
    const front = leaderboard(entries).candidates.filter((r) => r.pareto).length;
    const { figures, problems, requests, screenshot, colours } = await visit(written.output, path(`${name}.png`));

    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(written.output).href]);
    expect(screenshot.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(screenshot.length).toBeGreaterThan(50_000);
    expect(colours).toBeGreaterThan(50);

    const parameterPlots = 3 + (counts.withParameter("density") > 0 ? 3 : 0) + (counts.methods > 1 ? 1 : 0);
    expect(figures.map((f) => f.section)).toEqual([...Array(3).fill("pareto"), "convergence", ...Array(parameterPlots).fill("parameters")]);
    for (const f of figures) {
      expect(f.svgs, f.id).toBe(1);
      expect(f.width, f.id).toBeGreaterThan(150);
      expect(f.height, f.id).toBeGreaterThan(120);
      expect(f.elements, f.id).toBeGreaterThan(50);
      if (f.section === "pareto") {
        expect(f.marks, f.id).toMatchObject({ [M.candidates]: counts.scored, [M.paretoFront]: front, [M.heldout]: counts.heldout, [M.references]: counts.validationReferences });
      } else if (f.section === "convergence") {
        expect(f.marks).toMatchObject({ [M.candidates]: counts.scored, [M.failed]: counts.failed, [M.bestSoFar]: 1 });
      } else {
        expect(f.marks[M.candidates], f.id).toBeGreaterThan(0);
      }
    }
    if (hostile) expect(counts.failed).toBeGreaterThan(0);
  });
});
