/**
 * Spreads requests over the sequences of one context: each sequence is driven by its own async
 * worker taking the next request in order, so llama.cpp batches their tokens into shared decode
 * calls, and consecutive requests (which usually share a few-shot preamble) land on warm caches.
 * On the first failure the other workers stop taking new requests; the first error is rethrown
 * once all have settled, so no native call is left running behind the caller's back.
 */
export async function runOnRunners<Runner, Item, Result>(
  runners: readonly Runner[],
  items: readonly Item[],
  run: (runner: Runner, item: Item, index: number) => Promise<Result>,
): Promise<Result[]> {
  const results = new Array<Result>(items.length);
  let next = 0;
  let failed = false;
  let firstError: unknown;
  await Promise.all(
    runners.map(async (runner) => {
      while (!failed && next < items.length) {
        const index = next++;
        try {
          results[index] = await run(runner, items[index], index);
        } catch (error) {
          if (!failed) firstError = error;
          failed = true;
        }
      }
    }),
  );
  if (failed) throw firstError;
  return results;
}
