/**
 * Runs lm-eval requests on one llama.cpp context sequence, reusing whatever prefix of the new
 * request the sequence's KV cache already holds: only the diverging tail is erased and
 * re-evaluated (few-shot preambles make this ~3x fewer decoded tokens, FIELD-NOTES §4). Token
 * lists given here are complete (BOS already prepended) and already checked against the context.
 */
import type { ControlledEvaluateInputItem, LlamaContextSequence, LlamaModel, Token } from "node-llama-cpp";
import { EvalBackendError } from "../../errors.js";
import type { LoglikelihoodResult } from "../backend.js";
import { nextTokenLogprob, scoringOptions } from "./next-token-logprob.js";

export class SequenceRunner {
  /** Tokens sent to llama_decode so far (what prefix reuse saves shows up here). */
  evaluatedTokens = 0;

  constructor(
    private readonly sequence: LlamaContextSequence,
    private readonly model: LlamaModel,
    /** When false, the cache is cleared before every request (used to test that reuse changes nothing). */
    private readonly reusePrefix: boolean,
  ) {}

  /**
   * Makes the cache hold `tokens[0, keep)` for the largest `keep <= maxKeep` it already agrees
   * with, erasing everything after. Returns `keep`: evaluation resumes at that index.
   */
  private async align(tokens: readonly number[], maxKeep: number): Promise<number> {
    const cached = this.sequence.contextTokens;
    let keep = 0;
    if (this.reusePrefix) {
      const limit = Math.min(maxKeep, cached.length);
      while (keep < limit && cached[keep] === tokens[keep]) keep++;
    }
    const end = this.sequence.nextTokenIndex;
    if (keep < end) await this.sequence.eraseContextTokenRanges([{ start: keep, end }]);
    return keep;
  }

  /**
   * log P(continuation | prefix). The cache may keep at most `prefix.length - 1` tokens, because
   * the last prefix token must be evaluated again to get the logits that score continuation[0]
   * (logits are not cached). The final continuation token is never evaluated: nothing scores it.
   */
  async loglikelihood(prefix: readonly number[], continuation: readonly number[]): Promise<LoglikelihoodResult> {
    if (continuation.length === 0) return { logprob: 0, isGreedy: true };
    const all = [...prefix, ...continuation];
    const first = prefix.length - 1;
    const keep = await this.align(all, first);
    const input: ControlledEvaluateInputItem[] = [];
    for (let i = keep; i < all.length - 1; i++) {
      input.push(i < first ? (all[i] as Token) : [all[i] as Token, scoringOptions(all[i + 1])]);
    }
    this.evaluatedTokens += input.length;
    const output = await this.sequence.controlledEvaluate(input);
    let logprob = 0;
    let isGreedy = true;
    for (let i = first; i < all.length - 1; i++) {
      const scored = nextTokenLogprob(output[i - keep], all[i + 1]);
      logprob += scored.logprob;
      isGreedy &&= scored.isGreedy;
    }
    return { logprob, isGreedy };
  }

  /**
   * Greedy decoding with no penalties or bias: up to `maxTokens` tokens, stopping at an
   * end-of-generation token or as soon as the decoded text contains any `until` string. Returns
   * the text before the earliest stop string.
   */
  async generate(prompt: readonly number[], until: readonly string[], maxTokens: number): Promise<string> {
    if (maxTokens <= 0) return "";
    const keep = await this.align(prompt, prompt.length - 1);
    const greedy = { generateNext: { token: true } } as const;
    const input: ControlledEvaluateInputItem[] = prompt.slice(keep).map((t) => t as Token);
    input[input.length - 1] = [prompt[prompt.length - 1] as Token, greedy];
    const generated: Token[] = [];
    let text = "";
    for (;;) {
      this.evaluatedTokens += input.length;
      const output = await this.sequence.controlledEvaluate(input);
      const next = output[input.length - 1]?.next.token;
      if (next == null) throw new EvalBackendError("llama.cpp returned no token during greedy generation");
      if (this.model.isEogToken(next)) break;
      generated.push(next);
      text = this.model.detokenize(generated, false);
      const stop = earliestStop(text, until);
      if (stop !== undefined) return text.slice(0, stop);
      if (generated.length >= maxTokens) break;
      input.length = 0;
      input.push([next, greedy]);
    }
    return text;
  }
}

/** Index of the earliest occurrence of any stop string in `text`, or undefined. */
function earliestStop(text: string, until: readonly string[]): number | undefined {
  let best: number | undefined;
  for (const stop of until) {
    if (stop === "") continue;
    const at = text.indexOf(stop);
    if (at >= 0 && (best === undefined || at < best)) best = at;
  }
  return best;
}
