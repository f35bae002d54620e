import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateRequest, loglikelihoodRequest, rollingRequests } from "../../src/eval/build-requests.js";
import { fakeModel } from "./fake-model.js";

describe("loglikelihoodRequest", () => {
  it("moves the context's trailing whitespace to the continuation", () => {
    const model = fakeModel({ tokenizer: "words" });
    const request = loglikelihoodRequest(model, "Answer: ", " 4");
    expect(model.detokenize(request.context)).toBe("Answer:");
    expect(model.detokenize(request.continuation)).toBe("  4");
    const newline = loglikelihoodRequest(model, "Q: 2+2\n\n", "four");
    expect(model.detokenize(newline.context)).toBe("Q: 2+2");
    expect(model.detokenize(newline.continuation)).toBe("\n\nfour");
  });

  it("takes continuation tokens from encode(context + continuation), as lm-eval does", () => {
    const model = fakeModel({ tokenizer: "words" });
    // "wor" + "ld peace": the whole text tokenises as ["Hello", " world", " peace"], so the
    // continuation is what follows the context's 2 tokens: only " peace".
    const request = loglikelihoodRequest(model, "Hello wor", "ld peace");
    expect(request.context).toEqual(model.tokenize("Hello wor"));
    expect(model.detokenize(request.continuation)).toBe(" peace");
    expect(request.continuation).toEqual(model.tokenize("Hello world peace").slice(2));
  });

  it("leaves BOS to the backend and scores an empty context only when the model has one", () => {
    const withBos = fakeModel();
    expect(loglikelihoodRequest(withBos, "", "abc")).toEqual({ context: [], continuation: [97, 98, 99] });
    const noBos = fakeModel({ bos: null });
    expect(() => loglikelihoodRequest(noBos, "  ", "abc")).toThrow("context is empty and the model has no BOS");
  });

  it("fails a request that does not fit the context, counting BOS", () => {
    const model = fakeModel({ contextSize: 8 });
    expect(loglikelihoodRequest(model, "abcd", "efg").continuation).toHaveLength(3);
    expect(() => loglikelihoodRequest(model, "abcd", "efgh")).toThrow("context too long: BOS + 4 context + 4 continuation tokens = 9 tokens exceed the model's context of 8");
  });
});

describe("generateRequest", () => {
  it("checks that prompt + max_gen_toks fit", () => {
    const model = fakeModel({ contextSize: 10 });
    expect(generateRequest(model, "abc", ["\n"], 6)).toEqual({ prompt: [97, 98, 99], until: ["\n"], maxTokens: 6 });
    expect(() => generateRequest(model, "abc", ["\n"], 7)).toThrow("max_gen_toks 7 = 11 tokens exceed");
  });
});

describe("rollingRequests", () => {
  it("scores every token exactly once, in order, with the preceding tokens as context", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 60 }), fc.integer({ min: 1, max: 12 }), (tokens, maxSeqLen) => {
        const requests = rollingRequests(tokens, maxSeqLen);
        expect(requests.flatMap((r) => r.continuation)).toEqual(tokens);
        let scored = 0;
        for (const [i, r] of requests.entries()) {
          expect(r.continuation.length).toBeGreaterThan(0);
          expect(r.continuation.length).toBeLessThanOrEqual(maxSeqLen);
          // The model input (context + continuation minus its last token) never exceeds maxSeqLen.
          expect(r.context.length + r.continuation.length - 1).toBeLessThanOrEqual(i === 0 ? maxSeqLen - 1 : maxSeqLen);
          expect(r.context).toEqual(tokens.slice(scored - r.context.length, scored));
          scored += r.continuation.length;
        }
      }),
    );
  });

  it("matches lm-eval's windows on a hand-worked example", () => {
    const tokens = [10, 11, 12, 13, 14, 15, 16];
    expect(rollingRequests(tokens, 3)).toEqual([
      { context: [], continuation: [10, 11, 12] },
      { context: [12], continuation: [13, 14, 15] },
      { context: [13, 14, 15], continuation: [16] },
    ]);
  });
});
