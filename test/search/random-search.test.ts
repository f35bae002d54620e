import { describe, expect, it } from "vitest";
import { createCmaEs } from "../../src/search/cma-es.js";
import type { Optimiser } from "../../src/search/optimiser.js";
import { createRandomSearch } from "../../src/search/random-search.js";
import { restoreOptimiser } from "../../src/search/restore-optimiser.js";

const shiftedSphere = (x: readonly number[]) => x.reduce((a, v) => a + (v - 0.3) ** 2, 0);

function run(opt: Optimiser, evaluations: number): number {
  while (opt.evaluations < evaluations) {
    const xs = opt.ask();
    opt.tell(xs, xs.map(shiftedSphere));
  }
  return opt.best().loss;
}

describe("random search", () => {
  it("samples the unit cube uniformly, popsize like CMA-ES by default", () => {
    const rs = createRandomSearch({ dimension: 4, seed: 3 });
    const all: number[][] = [];
    for (let g = 0; g < 200; g++) {
      const xs = rs.ask();
      expect(xs).toHaveLength(8);
      all.push(...xs);
      rs.tell(xs, xs.map(() => 0));
    }
    const flat = all.flat();
    expect(flat.every((v) => v >= 0 && v < 1)).toBe(true);
    const mean = flat.reduce((a, b) => a + b, 0) / flat.length;
    const variance = flat.reduce((a, b) => a + (b - mean) ** 2, 0) / flat.length;
    // 6,400 draws: the mean's standard error is 0.0036, so 0.02 is more than 5 of them.
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.02);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.005);
  });

  it("is deterministic, replayable and restorable", () => {
    const a = createRandomSearch({ dimension: 3, seed: 9 });
    const journal: { xs: number[][]; losses: number[] }[] = [];
    for (let g = 0; g < 5; g++) {
      const xs = a.ask();
      const losses = xs.map(shiftedSphere);
      journal.push({ xs, losses });
      a.tell(xs, losses);
    }
    const b = createRandomSearch({ dimension: 3, seed: 9 });
    for (const { xs, losses } of journal) b.tell(xs, losses);
    expect(b.ask()).toEqual(a.ask());
    const c = restoreOptimiser(JSON.parse(JSON.stringify(a.snapshot())));
    expect(c.ask()).toEqual(a.ask());
    expect(c.best()).toEqual(a.best());
  });

  it("is the baseline CMA-ES beats on a smooth landscape at equal budget", () => {
    const budget = 300;
    const seeds = [1, 2, 3, 4, 5];
    const rs = seeds.map((seed) => run(createRandomSearch({ dimension: 6, seed }), budget));
    const es = seeds.map((seed) => run(createCmaEs({ dimension: 6, seed }), budget));
    for (let i = 0; i < seeds.length; i++) expect(es[i]).toBeLessThan(rs[i]);
  });
});
