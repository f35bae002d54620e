import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dominates, paretoFront } from "../../src/search/pareto-front.js";
import { scalarise } from "../../src/search/scalarise.js";

describe("paretoFront", () => {
  it("keeps exactly the non-dominated points (higher is better)", () => {
    const points = [
      { id: "a", objectives: [0.9, 0.1] },
      { id: "b", objectives: [0.5, 0.5] },
      { id: "c", objectives: [0.4, 0.4] }, // dominated by b
      { id: "d", objectives: [0.1, 0.9] },
      { id: "e", objectives: [0.5, 0.5] }, // equal to b: neither dominates
      { id: "f", objectives: [Number.NaN, 1] }, // failed to score
    ];
    expect(paretoFront(points)).toEqual(["a", "b", "d", "e"]);
    expect(paretoFront([])).toEqual([]);
    expect(() => paretoFront([{ id: 1, objectives: [1] }, { id: 2, objectives: [1, 2] }])).toThrow(RangeError);
  });

  it("property: no front member is dominated, every other point is dominated by a front member", () => {
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
