import { describe, expect, it } from "vitest";
import { createMethodPortfolio, restoreMethodPortfolio, type MethodPortfolio, type MethodPortfolioOptions, type PortfolioCandidate } from "../../src/search/method-portfolio.js";
import { OptimiserError } from "../../src/search/optimiser-error.js";

/** Method "b" can reach loss 0, "a" no better than 1, "c" no better than 2. */
const floors: Record<string, number> = { a: 1, b: 0, c: 2, fixed: 0.5 };
const loss = (c: PortfolioCandidate) => floors[c.method] + c.x.reduce((s, v) => s + (v - 0.4) ** 2, 0);

const options: MethodPortfolioOptions = {
  methods: [
    { name: "a", dimension: 3 },
    { name: "b", dimension: 6 },
    { name: "c", dimension: 6 },
  ],
  seed: 7,
};

function step(p: MethodPortfolio): PortfolioCandidate[] {
  const cs = p.ask();
  p.tell(cs, cs.map(loss));
  return cs;
}

const counts = (cs: PortfolioCandidate[]) => cs.reduce<Record<string, number>>((acc, c) => ({ ...acc, [c.method]: (acc[c.method] ?? 0) + 1 }), {});

describe("method portfolio (successive halving over per-method CMA-ES)", () => {
  it("splits the first generation evenly: one generation of every method", () => {
    const p = createMethodPortfolio(options);
    expect(counts(p.ask())).toEqual({ a: 7, b: 9, c: 9 });
  });

  it("shifts later generations to the methods with the best losses", () => {
    const p = createMethodPortfolio(options);
    step(p);
    // Rung 1 (2 generations): the better half, rounded up, of a, b, c survives: b and a.
    expect(p.survivors).toEqual(["a", "b"]);
    expect(counts(step(p))).toEqual({ a: 7, b: 9 });
    step(p);
    // Rung 2: b alone, from then on every generation.
    expect(p.survivors).toEqual(["b"]);
    for (let g = 0; g < 5; g++) expect(counts(step(p))).toEqual({ b: 9 });
    expect(p.best().method).toBe("b");
    expect(p.generation).toBe(8);
    expect(p.evaluations).toBe(25 + 2 * 16 + 5 * 9);
  });

  it("breaks ties by the order the methods are listed", () => {
    const p = createMethodPortfolio(options);
    const cs = p.ask();
    p.tell(cs, cs.map(() => 1));
    expect(p.survivors).toEqual(["a", "b"]);
  });

  it("replays from tell() calls alone and restores from a JSON snapshot", () => {
    const a = createMethodPortfolio(options);
    const journal: { cs: PortfolioCandidate[]; losses: number[] }[] = [];
    for (let g = 0; g < 4; g++) {
      const cs = a.ask();
      const losses = cs.map(loss);
      journal.push(JSON.parse(JSON.stringify({ cs, losses })));
      a.tell(cs, losses);
    }
    const b = createMethodPortfolio(options);
    for (const { cs, losses } of journal) b.tell(cs, losses);
    expect(b.ask()).toEqual(a.ask());
    const c = restoreMethodPortfolio(JSON.parse(JSON.stringify(a.snapshot())));
    for (let g = 0; g < 3; g++) expect(step(c)).toEqual(step(a));
    expect(c.snapshot()).toEqual(a.snapshot());
    expect(c.best()).toEqual(a.best());
  });

  it("is deterministic for a seed, and a method with nothing to search is tried once", () => {
    const withFixed = { ...options, methods: [...options.methods, { name: "fixed", dimension: 0 }] };
    const p = createMethodPortfolio(withFixed);
    const first = step(p);
    expect(counts(first).fixed).toBe(1);
    expect(first.find((c) => c.method === "fixed")?.x).toEqual([]);
    const later = [step(p), step(p)].flat();
    expect(later.some((c) => c.method === "fixed")).toBe(false);
    expect(p.bestByMethod().fixed.loss).toBe(0.5);
    const q = createMethodPortfolio(withFixed);
    expect([step(q), step(q), step(q)].flat()).toEqual([first, later].flat());
  });

  it("a method with nothing to search does not take a survivor's slot, and an all-fixed portfolio ends", () => {
    const p = createMethodPortfolio({ methods: [{ name: "fixed", dimension: 0 }, { name: "a", dimension: 2 }], seed: 1 });
    step(p);
    expect(p.survivors).toEqual(["a"]);
    expect(p.ask().every((c) => c.method === "a")).toBe(true);
    const only = createMethodPortfolio({ methods: [{ name: "fixed", dimension: 0 }], seed: 1 });
    step(only);
    expect(only.ask()).toEqual([]);
    expect(only.best()).toEqual({ method: "fixed", x: [], loss: 0.5 });
  });

  it("a rejected tell leaves the state untouched", () => {
    const p = createMethodPortfolio(options);
    const cs = p.ask();
    const before = JSON.stringify(p.snapshot());
    const tampered = cs.map((c, i) => (i === cs.length - 1 ? { ...c, x: c.x.map((v) => v / 2) } : c));
    expect(() => p.tell(tampered, tampered.map(loss))).toThrow(/candidate 8 told is not the one asked/);
    expect(() => p.tell([...cs.slice(7), ...cs.slice(0, 7)], cs.map(loss))).toThrow(/ask\(\) order/);
    expect(JSON.stringify(p.snapshot())).toBe(before);
  });

  it("supports random search per method and refuses out-of-contract calls", () => {
    const p = createMethodPortfolio({ ...options, optimiser: "random", popsize: 4 });
    expect(counts(p.ask())).toEqual({ a: 4, b: 4, c: 4 });
    const cs = p.ask();
    expect(() => p.tell(cs.slice(0, 5), cs.slice(0, 5).map(loss))).toThrow(OptimiserError);
    expect(() => createMethodPortfolio({ methods: [], seed: 1 })).toThrow(OptimiserError);
    expect(() => createMethodPortfolio({ methods: [{ name: "a", dimension: 1 }, { name: "a", dimension: 1 }], seed: 1 })).toThrow(/twice/);
    expect(() => restoreMethodPortfolio({ kind: "portfolio" })).toThrow(/not a method-portfolio snapshot/);
  });
});
