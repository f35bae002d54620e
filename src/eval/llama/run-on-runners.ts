/**
 * Spreads requests over the sequences of one context: each sequence is driven by its own async
 * worker taking the next request in order, so llama.cpp batches their tokens into shared decode
 * calls, and consecutive requests (which usually share a few-shot preamble) land on warm caches.
 * Consecutive items that `sameGroup` says belong together (e.g. the choices of one multiple-choice
 * question, which share their context) go to one sequence in order, so the shared context is
 * decoded once and reused instead of once per sequence.
 * On the first failure the other workers stop taking new requests; the first error is rethrown
 * once all have settled, so no native call is left running behind the caller's back.
 */
export async function runOnRunners<Runner, Item, Result>(
  runners: readonly Runner[],
  items: readonly Item[],
  run: (runner: Runner, item: Item, index: number) => Promise<Result>,
  sameGroup?: (a: Item, b: Item) => boolean,
): Promise<Result[]> {
  const results = new Array<Result>(items.length);
  const groups = groupConsecutive(items, sameGroup);
  let next = 0;
  let failed = false;
  let firstError: unknown;
  await Promise.all(
    runners.map(async (runner) => {
      while (!failed && next < groups.length) {
        for (const index of groups[next++]) {
          if (failed) break;
          try {
            results[index] = await run(runner, items[index], index);
          } catch (error) {
            if (!failed) firstError = error;
            failed = true;
          }
        }
      }
    }),
  );
  if (failed) throw firstError;
  return results;
}

/** Indices of `items` in runs of consecutive members of one group (each item alone without `sameGroup`). */
function groupConsecutive<Item>(items: readonly Item[], sameGroup?: (a: Item, b: Item) => boolean): number[][] {
  const groups: number[][] = [];
  items.forEach((item, i) => {
    const last = groups.at(-1);
    if (last && sameGroup?.(items[last[0]], item)) last.push(i);
    else groups.push([i]);
  });
  return groups;
}
