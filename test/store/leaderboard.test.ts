import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LEADERBOARD_WIDTH, RunStoreError, leaderboard, paretoFront, renderLeaderboard, type JournalEntryInput } from "../../src/store/index.js";
import { failed, heldout, proposed, reference, score, scored, started, stamp } from "./fixtures.js";

/**
 * Hand-checked board. Tasks arith and copy (higher is better):
 *   A (0.8, 0.2) fitness 0.50    B (0.5, 0.6) fitness 0.55    C (0.4, 0.5) fitness 0.45
 *   D (0.8, 0.2) fitness 0.50 (ties A)    E failed    F pending
 * B dominates C; A and D tie with each other and nobody beats them on arith, so front = A, B, D.
 * Ranks by fitness: B 1, A 2, D 3 (A first: proposed earlier), C 4.
 */
const both = (a: number, c: number) => ({ arith: score(a, 0.04), copy: score(c, 0.05) });
const JOURNAL: JournalEntryInput[] = [
  started("board-run"),
  reference("./base", "base", both(0.3, 0.1), 0.2),
  reference("./expert-a", "source", both(0.9, 0.05), 0.475),
  proposed("A", 0),
  proposed("B", 0),
  proposed("C", 1),
  proposed("D", 1),
  proposed("E", 1),
  proposed("F", 2),
  scored("A", both(0.8, 0.2), 0.5),
  scored("B", both(0.5, 0.6), 0.55),
  scored("C", both(0.4, 0.5), 0.45),
  scored("D", both(0.8, 0.2), 0.5),
  failed("E", "load", "bad file"),
  heldout("B", both(0.45, 0.58), 0.515),
  failed("A", "heldout", "timeout"),
];
const entries = stamp(JOURNAL);

describe("leaderboard", () => {
  it("ranks by fitness, marks the Pareto front, and lists references apart", () => {
    const board = leaderboard(entries);
    expect(board.runId).toBe("board-run");
    expect(board.tasks).toEqual(["arith", "copy"]);
    expect(board.candidates.map((r) => `${r.rank}:${r.id}:${r.pareto ? "front" : "-"}`)).toEqual(["1:B:front", "2:A:front", "3:D:front", "4:C:-"]);
    expect(board.candidates[0]).toMatchObject({ generation: 0, method: "dare_ties", fitness: 0.55, split: "validation", heldout: { fitness: 0.515 } });
    expect(board.candidates[0].tasks.copy).toMatchObject({ value: 0.6, stderr: 0.05 });
    expect(board.candidates[1]).toMatchObject({ heldout: undefined, heldoutFailure: "timeout" });
    expect(board.references.map((r) => `${r.role}:${r.model}:${r.fitness}`)).toEqual(["base:./base:0.2", "source:./expert-a:0.475"]);
    expect(board.counts).toEqual({ proposed: 6, scored: 4, failed: 1, pending: 1 });
    expect(board.finished).toBeUndefined();
  });

  it("sorts by one task (keeping fitness ranks) and cuts to the top N", () => {
    const board = leaderboard(entries, { sort: "copy", top: 2 });
    expect(board.sortedBy).toBe("copy");
    expect(board.candidates.map((r) => `${r.rank}:${r.id}`)).toEqual(["1:B", "4:C"]);
    expect(leaderboard(entries, { sort: "arith" }).candidates.map((r) => r.id)).toEqual(["A", "D", "B", "C"]);
  });

  it("respects lower-is-better tasks in sorting and the front", () => {
    const ppl = (a: number, p: number) => ({ arith: score(a), ppl: score(p, 0.1, 100, false) });
    const board = leaderboard(
      stamp([started(), proposed("x"), proposed("y"), proposed("z"), scored("x", ppl(0.5, 9), 0.1), scored("y", ppl(0.5, 7), 0.2), scored("z", ppl(0.6, 8), 0.3)]),
      { sort: "ppl" },
    );
    // y beats x on perplexity at equal arith: x is dominated. z has the best arith.
    expect(board.candidates.map((r) => `${r.id}:${r.pareto}`)).toEqual(["y:true", "z:true", "x:false"]);
  });

  it("names the tasks when asked to sort by one it does not have", () => {
    expect(() => leaderboard(entries, { sort: "nope" })).toThrow(RunStoreError);
    expect(() => leaderboard(entries, { sort: "nope" })).toThrow(/no task "nope" to sort by; this run scored: arith, copy/);
  });

  it("renders a table within 100 columns, with markers and held-out columns", () => {
    const text = renderLeaderboard(leaderboard(entries), { status: "interrupted" });
    const lines = text.trimEnd().split("\n");
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(LEADERBOARD_WIDTH);
    expect(lines[0]).toBe("run board-run · interrupted · 6 proposed, 4 scored, 1 failed, 1 pending");
    const header = lines.find((l) => l.trimStart().startsWith("#"));
    expect(header).toMatch(/^ #\s+candidate\s+gen\s+method\s+fitness\s+held-out\s+arith\s+copy\s+arith:test\s+copy:test$/);
    expect(lines.find((l) => /^\s*1\*\s+B\s/.test(l))).toMatch(/0\.550\s+0\.515\s+0\.500±0\.040\s+0\.600±0\.050\s+0\.450\s+0\.580$/);
    expect(lines.find((l) => /^\s*2\*\s+A\s/.test(l))).toMatch(/0\.500\s+failed\s/);
    expect(lines.find((l) => /^\s*4\s+C\s/.test(l))).toBeDefined();
    expect(text).toMatch(/references \(not merges\):\nmodel\s+role\s+split\s+fitness\s+arith\s+copy\n/);
    expect(text).toMatch(/\.\/expert-a\s+source\s+validation\s+0\.475\s+0\.900±0\.040/);
  });

  it("drops task columns that do not fit and says how many", () => {
    const many = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`task-number-${i}`, score(0.5 + i / 100)]));
    const board = leaderboard(stamp([started(), proposed("only"), scored("only", many, 0.5), heldout("only", many, 0.5)]));
    const text = renderLeaderboard(board);
    for (const line of text.split("\n")) expect(line.length).toBeLessThanOrEqual(LEADERBOARD_WIDTH);
    const shown = (text.match(/task-number-\d/g) ?? []).length;
    const hidden = Number(/\((\d+) more columns? (?:does|do) not fit in 100: use --json\)/.exec(text)?.[1]);
    expect(shown + hidden).toBe(18);
    expect(shown).toBeGreaterThan(0);
  });

  it("says so when nothing is scored yet", () => {
    expect(renderLeaderboard(leaderboard(stamp([started(), proposed("c0")])))).toMatch(/no candidate has been scored yet/);
  });
});

describe("paretoFront", () => {
  const dominates = (a: number[], b: number[]) => a.every((x, i) => x >= b[i]) && a.some((x, i) => x > b[i]);
  it("matches the definition on random point sets", () => {
    const points = fc.integer({ min: 1, max: 4 }).chain((k) => fc.array(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: k, maxLength: k }), { maxLength: 30 }));
    fc.assert(
      fc.property(points, (pts) => {
        const front = paretoFront(pts);
        pts.forEach((p, i) => {
          const dominated = pts.some((q) => dominates(q, p));
          expect(front[i]).toBe(!dominated);
        });
        // The best sum is never dominated; a non-empty set always has a front.
        if (pts.length > 0) {
          const best = pts.reduce((b, p, i) => (p.reduce((x, y) => x + y, 0) > pts[b].reduce((x, y) => x + y, 0) ? i : b), 0);
          expect(front[best]).toBe(true);
        }
      }),
    );
  });

  it("counts a missing objective as the worst", () => {
    expect(paretoFront([[1, undefined], [1, 0], [0, 5]])).toEqual([false, true, true]);
  });
});
