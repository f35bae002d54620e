import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { paretoFront } from "../../src/search/pareto-front.js";
import { scalarise } from "../../src/search/scalarise.js";

/** Independent oracle: a dominates b when at least as good everywhere and better somewhere. */
function dominates(a: readonly number[], b: readonly number[]): boolean {
  return a.every((v, i) => v >= b[i]) && a.some((v, i) => v > b[i]);
}

describe("paretoFront", () => {
  it("keeps exactly the non-dominated points (higher is better)", () => {
    const points = [
      { id: "a", objectives: [0.9, 0.1] },
      { id: "b", objectives: [0.5, 0.5] },
      { id: "c", objectives: [0.4, 0.4] }, // dominated by b
      { id: "d", objectives: [0.1, 0.9] },
      { id: "e", objectives: [0.5, 0.5] }, // equal to b: neither dominates
      { id: "f", objectives: [Number.NaN, 0.9] }, // failed task = worst: dominated by d
      { id: "g", objectives: [Number.NaN, 1] }, // failed task, but nobody is as good on the other
    ];
    expect(paretoFront(points)).toEqual(["a", "b", "d", "e", "g"]);
    expect(paretoFront([])).toEqual([]);
  });

  it("property: no front member is dominated, every other point is dominated by some point", () => {
    const pts = fc.array(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 3, maxLength: 3 }), { maxLength: 40 });
    fc.assert(
      fc.property(pts, (objs) => {
        const points = objs.map((objectives, id) => ({ id, objectives }));
        const front = new Set(paretoFront(points));
        for (const p of points) {
          const dominated = points.some((q) => dominates(q.objectives, p.objectives));
          expect(front.has(p.id)).toBe(!dominated);
        }
      }),
    );
  });
});

describe("scalarise", () => {
  it("is the weighted sum and checks lengths", () => {
    expect(scalarise([0.5, 0.25], [1, 2])).toBe(1);
    expect(scalarise([], [])).toBe(0);
    expect(Number.isNaN(scalarise([Number.NaN, 1], [1, 1]))).toBe(true);
    expect(() => scalarise([1], [1, 1])).toThrow(/one weight per objective/);
  });
});
