import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { paretoPlot, shortTaskNames } from "../../src/tui/state/run-view-selectors.js";
import { bar } from "../../src/tui/text/bar.js";
import { labelled } from "../../src/tui/text/labelled.js";
import { scatterPlot } from "../../src/tui/text/scatter-plot.js";
import { sparkline } from "../../src/tui/text/sparkline.js";
import { viewAfter } from "./fixtures/events.js";

describe("scatterPlot", () => {
  it("is always exactly width x height and places extremes in the corners", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ x: fc.double({ noNaN: true, min: -5, max: 5 }), y: fc.double({ noNaN: true, min: -5, max: 5 }) }), { maxLength: 30 }), fc.integer({ min: 12, max: 60 }), fc.integer({ min: 3, max: 15 }), (pts, w, h) => {
        const lines = scatterPlot(pts.map((p) => ({ ...p, glyph: "o", priority: 1 })), w, h);
        expect(lines).toHaveLength(h);
        for (const l of lines) expect(l.length).toBe(w);
      }),
    );
    const lines = scatterPlot([{ x: 0, y: 0, glyph: "a", priority: 1 }, { x: 1, y: 1, glyph: "b", priority: 1 }], 20, 5);
    expect(lines[0]).toBe(" 1.00│             b");
    expect(lines[3]).toBe(" 0.00│a             ");
    expect(lines[4]).toBe("     └0.00──────1.00");
  });

  it("draws the higher priority glyph where points share a cell", () => {
    const lines = scatterPlot([{ x: 0, y: 0, glyph: "·", priority: 1 }, { x: 0, y: 0, glyph: "B", priority: 4 }, { x: 1, y: 1, glyph: "x", priority: 1 }], 12, 3);
    expect(lines[1]).toContain("B");
    expect(lines[1]).not.toContain("·");
  });
});

describe("sparkline and bar", () => {
  it("sparkline maps min..max onto the eight blocks and buckets long series into the width", () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8)).toBe("▁▂▃▄▅▆▇█");
    expect(sparkline([Number.NaN, 1, 1], 3)).toBe(" ██");
    expect(sparkline(Array.from({ length: 100 }, (_, i) => i), 10)).toHaveLength(10);
    expect(sparkline(Array.from({ length: 100 }, (_, i) => i), 10).at(-1)).toBe("█");
  });

  it("bar fills its width in proportion", () => {
    expect(bar(1, 4, 8)).toBe("██░░░░░░");
    expect(bar(9, 4, 4)).toBe("████");
    expect(bar(0, 0, 3)).toBe("░░░");
  });
});

describe("labelled", () => {
  it("wraps long values at their separators under the first line, never past the width", () => {
    const lines = labelled([["objectives", "toy_max exact_match (200 items) · toy_kind exact_match (200 items) · toy_pick exact_match (200 items)"]], 60);
    expect(lines).toEqual(["objectives toy_max exact_match (200 items)", "           toy_kind exact_match (200 items)", "           toy_pick exact_match (200 items)"]);
    for (const l of labelled([["x", "a ".repeat(100)]], 40)) expect(l.length).toBeLessThanOrEqual(40);
  });
});

describe("plot selectors", () => {
  it("shortens task names by their shared prefix", () => {
    expect(shortTaskNames(["toy_max", "toy_kind", "toy_pick"])).toEqual({ toy_max: "max", toy_kind: "kind", toy_pick: "pick" });
    expect(shortTaskNames(["arc", "hellaswag"])).toEqual({ arc: "arc", hellaswag: "hellaswag" });
    expect(shortTaskNames(["only_one"])).toEqual({ only_one: "only_one" });
  });

  it("marks the two-objective front, the selected candidate and the reference models", () => {
    const view = viewAfter("toy-run");
    const { points, legend } = paretoPlot(view, "toy_max", "toy_kind", "c0001");
    const glyphs = points.map((p) => p.glyph);
    expect(glyphs.filter((g) => g === "◆")).toHaveLength(1);
    // c0002 and c0006 (0.6, 0.4) dominate every other candidate on max x kind.
    expect(glyphs.filter((g) => g === "●")).toHaveLength(2);
    expect(glyphs).toContain("B");
    expect(legend).toBe("● front  ◆ selected  B base  1 max  2 kind  3 pick");
    expect(points.filter((p) => /^[B1-3]$/.test(p.glyph))).toHaveLength(4);
  });
});
