import { describe, expect, it } from "vitest";
import { runOnRunners } from "../../src/eval/llama/run-on-runners.js";

describe("runOnRunners", () => {
  it("keeps consecutive items of one group on one runner, in order, and returns results in item order", async () => {
    const items = ["q1a", "q1b", "q1c", "q2a", "q2b", "q3a", "q4a", "q4b"];
    const seen = new Map<number, string[]>();
    const results = await runOnRunners(
      [0, 1, 2],
      items,
      async (runner, item) => {
        seen.set(runner, [...(seen.get(runner) ?? []), item]);
        await new Promise((r) => setTimeout(r, item.endsWith("a") ? 5 : 1));
        return item.toUpperCase();
      },
      (a, b) => a.slice(0, 2) === b.slice(0, 2),
    );
    expect(results).toEqual(items.map((i) => i.toUpperCase()));
    for (const list of seen.values()) {
      // Every group a runner took is complete and contiguous on that runner.
      const groups = new Map<string, string[]>();
      for (const item of list) groups.set(item.slice(0, 2), [...(groups.get(item.slice(0, 2)) ?? []), item]);
      for (const [q, members] of groups) expect(members).toEqual(items.filter((i) => i.startsWith(q)));
    }
  });

  it("spreads single items over every runner when no grouping is given", async () => {
    const used = new Set<number>();
    await runOnRunners([0, 1, 2], [1, 2, 3, 4, 5, 6], async (runner) => {
      used.add(runner);
      await new Promise((r) => setTimeout(r, 2));
    });
    expect(used.size).toBe(3);
  });
});
