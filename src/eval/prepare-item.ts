import type { GenerateRequest, LoglikelihoodRequest, LoglikelihoodResult } from "./backend.js";
import { generateRequest, loglikelihoodRequest, rollingRequests, type ModelTokenizer } from "./build-requests.js";
import { resolveChoices, targetText } from "./doc-answer.js";
import { ItemError } from "./doc-templates.js";
import { fewshotContext } from "./fewshot-context.js";
import type { LoadedTask } from "./load-task.js";
import type { TaskDoc } from "./read-jsonl.js";
import { applyFilters } from "./apply-filters.js";
import { exactMatch, type ExactMatchOptions } from "./exact-match.js";
import { DEFAULT_MAX_GEN_TOKS, defaultMetrics } from "./task-spec.js";

/** Per-item numbers, keyed like lm-eval's results: "acc", "exact_match,strict-match", "loglikelihood". */
export type ItemScores = Readonly<Record<string, number>>;

/** An item turned into backend requests plus the function that scores the backend's answers. */
export type PreparedItem =
  | {
      readonly kind: "loglikelihood";
      readonly item: TaskDoc;
      readonly requests: readonly LoglikelihoodRequest[];
      score(results: readonly LoglikelihoodResult[]): ItemScores;
    }
  | {
      readonly kind: "generate";
      readonly item: TaskDoc;
      readonly request: GenerateRequest;
      score(response: string): ItemScores;
    };

/** lm-eval's implicit filter when a generate_until task declares none. */
export const NO_FILTER = { name: "none", filter: [{ function: "take_first" as const }] };

/**
 * Builds the requests for one item of a task (lm-eval's construct_requests) and its scorer
 * (process_results). Throws ItemError when the item cannot be scored: template failure, bad
 * target, or a request that does not fit the model's context.
 */
export function prepareItem(task: LoadedTask, model: ModelTokenizer, item: TaskDoc): PreparedItem {
  const { spec, templates } = task;
  switch (spec.output_type) {
    case "multiple_choice": {
      const context = fewshotContext(task, item);
      const { choices, gold } = resolveChoices(templates, item.doc);
      const requests = choices.map((choice) => loglikelihoodRequest(model, context, spec.target_delimiter + choice));
      return {
        kind: "loglikelihood",
        item,
        requests,
        score(results) {
          const lls = results.map((r) => r.logprob);
          // lm-eval normalises by the choice's length in characters (not tokens, not the delimiter).
          const normed = lls.map((ll, i) => ll / choices[i].length);
          return { acc: argmax(lls) === gold ? 1 : 0, acc_norm: argmax(normed) === gold ? 1 : 0 };
        },
      };
    }
    case "generate_until": {
      const context = fewshotContext(task, item);
      const reference = targetText(templates, item.doc);
      const kwargs = spec.generation_kwargs;
      const until = kwargs?.until === undefined ? [spec.fewshot_delimiter] : typeof kwargs.until === "string" ? [kwargs.until] : kwargs.until;
      const request = generateRequest(model, context, until, kwargs?.max_gen_toks ?? DEFAULT_MAX_GEN_TOKS);
      // exact_match options; lm-eval's default metric list is a plain exact_match.
      const exactMatches: ExactMatchOptions[] = spec.metric_list
        ? spec.metric_list.flatMap((m) => (m.metric === "exact_match" ? [m] : []))
        : defaultMetrics.generate_until.map(() => ({}));
      const filters = spec.filter_list ?? [NO_FILTER];
      return {
        kind: "generate",
        item,
        request,
        score(response) {
          const text = cutAtStop(response, until);
          const scores: Record<string, number> = {};
          for (const filter of filters) {
            const filtered = applyFilters(text, filter.filter);
            for (const options of exactMatches) scores[`exact_match,${filter.name}`] = exactMatch(filtered, reference, options);
          }
          return scores;
        },
      };
    }
    case "loglikelihood_rolling": {
      // lm-eval scores doc_to_target for rolling tasks (wikitext: doc_to_target "{{page}}").
      const text = targetText(templates, item.doc);
      if (model.bos === undefined) throw new ItemError("loglikelihood_rolling needs a model with a BOS token to start the first window");
      // Each window request is BOS + at most maxSeqLen + 1 tokens (see rollingRequests): it fits.
      const maxSeqLen = model.contextSize - 2;
      if (maxSeqLen < 1) throw new ItemError(`the model's context of ${model.contextSize} tokens is too small for rolling windows`);
      const requests = rollingRequests(model.tokenize(text), maxSeqLen);
      if (requests.length === 0) throw new ItemError("the text to score is empty");
      return {
        kind: "loglikelihood",
        item,
        requests,
        score(results) {
          const loglikelihood = results.reduce((sum, r) => sum + r.logprob, 0);
          return { loglikelihood, words: text.split(/\s+/).length, bytes: Buffer.byteLength(text, "utf8") };
        },
      };
    }
    default:
      void (spec.output_type satisfies never);
      throw new Error(`unknown output_type ${String(spec.output_type)}`);
  }
}

/** The response up to the first stop sequence (backends may or may not cut it themselves). */
export function cutAtStop(response: string, until: readonly string[]): string {
  let text = response;
  for (const stop of until) {
    if (stop === "") continue;
    const at = text.indexOf(stop);
    if (at >= 0) text = text.slice(0, at);
  }
  return text;
}

/** Index of the first maximum, as numpy's argmax. */
function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
