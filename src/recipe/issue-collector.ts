import type { Issue } from "../errors.js";

/**
 * Collects issues found while walking thousands of tensors without printing the same problem a
 * thousand times: issues sharing a `key` are reported once, the first one's message followed by
 * how many more times it came up.
 */
export class IssueCollector {
  private readonly entries = new Map<string, { issue: Issue; more: number }>();

  add(key: string, issue: Issue): void {
    const e = this.entries.get(key);
    if (e === undefined) this.entries.set(key, { issue, more: 0 });
    else e.more += 1;
  }

  addAll(issues: readonly Issue[]): void {
    for (const i of issues) this.add(`${i.path.join(".")}\u0000${i.message}`, i);
  }

  get size(): number {
    return this.entries.size;
  }

  issues(): Issue[] {
    return [...this.entries.values()].map(({ issue, more }) =>
      more === 0 ? issue : { ...issue, message: `${issue.message} (and ${more} more like it)` },
    );
  }
}
