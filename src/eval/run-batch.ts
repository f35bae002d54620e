import type { LoadedModel, LoglikelihoodResult } from "./backend.js";
import type { ItemScores, PreparedItem } from "./prepare-item.js";

/** Largest positive log-probability accepted as rounding error. */
const LOGPROB_ROUNDING = 1e-3;

export type BatchOutcome =
  | { readonly ok: true; readonly prepared: PreparedItem; readonly scores: ItemScores; readonly tokens: number }
  | { readonly ok: false; readonly prepared: PreparedItem; readonly reason: string };

/**
 * Sends a batch of prepared items to the model in as few calls as possible: all loglikelihood
 * requests in one call and all generations in another, so the backend can run them on parallel
 * sequences and share prefixes. If a batched call fails, each item is retried alone so one bad
 * item fails by itself instead of taking its neighbours down.
 */
export async function runBatch(model: LoadedModel, batch: readonly PreparedItem[]): Promise<BatchOutcome[]> {
  const scoring = batch.filter((p) => p.kind === "loglikelihood");
  const generating = batch.filter((p) => p.kind === "generate");
  const outcomes = new Map<PreparedItem, BatchOutcome>();
  for (const o of await runGroup(scoring, (items) => loglikelihoodGroup(model, items))) outcomes.set(o.prepared, o);
  for (const o of await runGroup(generating, (items) => generateGroup(model, items))) outcomes.set(o.prepared, o);
  return batch.map((p) => outcomes.get(p)!);
}

async function runGroup<P extends PreparedItem>(items: readonly P[], run: (items: readonly P[]) => Promise<BatchOutcome[]>): Promise<BatchOutcome[]> {
  if (items.length === 0) return [];
  try {
    return await run(items);
  } catch (error) {
    if (items.length === 1) return [{ ok: false, prepared: items[0], reason: `backend failed: ${message(error)}` }];
    const out: BatchOutcome[] = [];
    for (const item of items) out.push(...(await runGroup([item], run)));
    return out;
  }
}

async function loglikelihoodGroup(model: LoadedModel, items: readonly Extract<PreparedItem, { kind: "loglikelihood" }>[]): Promise<BatchOutcome[]> {
  const requests = items.flatMap((p) => p.requests);
  const results = await model.loglikelihood(requests);
  if (results.length !== requests.length) {
    throw new Error(`the backend returned ${results.length} log-likelihoods for ${requests.length} requests`);
  }
  let at = 0;
  return items.map((p): BatchOutcome => {
    const mine: LoglikelihoodResult[] = results.slice(at, at + p.requests.length);
    at += p.requests.length;
    // A log-probability is <= 0; allow float rounding from logit arithmetic, and -Infinity (an
    // underflowed probability is a legitimate, if extreme, answer).
    const bad = mine.find((r) => Number.isNaN(r.logprob) || r.logprob > LOGPROB_ROUNDING);
    if (bad) return { ok: false, prepared: p, reason: `the backend returned an invalid log-probability (${bad.logprob})` };
    const tokens = p.requests.reduce((sum, r) => sum + r.context.length + r.continuation.length, 0);
    return score(p, () => p.score(mine), tokens);
  });
}

async function generateGroup(model: LoadedModel, items: readonly Extract<PreparedItem, { kind: "generate" }>[]): Promise<BatchOutcome[]> {
  const responses = await model.generate(items.map((p) => p.request));
  if (responses.length !== items.length) throw new Error(`the backend returned ${responses.length} generations for ${items.length} requests`);
  return items.map((p, i) => score(p, () => p.score(responses[i]), p.request.prompt.length + model.tokenize(responses[i]).length));
}

function score(prepared: PreparedItem, run: () => ItemScores, tokens: number): BatchOutcome {
  try {
    return { ok: true, prepared, scores: run(), tokens };
  } catch (error) {
    return { ok: false, prepared, reason: `scoring failed: ${message(error)}` };
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
