import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatModelRef, parseModelRef } from "../../src/recipe/model-ref.js";

describe("parseModelRef", () => {
  it.each([
    ["mistralai/Mistral-7B-v0.1", { kind: "hub", repo: "mistralai/Mistral-7B-v0.1" }],
    ["org/name@v1.0", { kind: "hub", repo: "org/name", revision: "v1.0" }],
    ["gpt2", { kind: "hub", repo: "gpt2" }],
    ["./experts/math", { kind: "path", path: "./experts/math" }],
    ["../m", { kind: "path", path: "../m" }],
    ["/abs/models/base", { kind: "path", path: "/abs/models/base" }],
    ["~/models/x", { kind: "path", path: "~/models/x" }],
    ["C:\\models\\x", { kind: "path", path: "C:\\models\\x" }],
    ["a/b/c", { kind: "path", path: "a/b/c" }],
    [
      "meta-llama/Llama-2-7b-hf@main+./adapters/lora",
      { kind: "hub", repo: "meta-llama/Llama-2-7b-hf", revision: "main", adapter: { kind: "path", path: "./adapters/lora" } },
    ],
    ["base/model+org/lora@abc123", { kind: "hub", repo: "base/model", adapter: { kind: "hub", repo: "org/lora", revision: "abc123" } }],
  ])("%s", (s, expected) => {
    expect(parseModelRef(s)).toEqual(expected);
  });

  it.each([
    ["", /empty/],
    ["a+b+c", /more than one "\+"/],
    ["org/na me", /neither a Hub repository/],
    ["org/name@", /not a valid revision/],
    ["+lora", /empty part/],
    ["org--x/name", /neither/],
  ])("rejects %j", (s, message) => {
    expect(() => parseModelRef(s)).toThrow(message);
  });

  it("formatModelRef inverts parseModelRef", () => {
    const seg = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_]{0,8}$/);
    const single = fc.oneof(
      fc.record({ repo: fc.tuple(seg, seg).map(([a, b]) => `${a}/${b}`), rev: fc.option(seg, { nil: undefined }) }).map(({ repo, rev }) =>
        rev === undefined ? repo : `${repo}@${rev}`,
      ),
      fc.tuple(seg, seg).map(([a, b]) => `./${a}/${b}`),
    );
    fc.assert(
      fc.property(single, fc.option(single, { nil: undefined }), (base, adapter) => {
        const text = adapter === undefined ? base : `${base}+${adapter}`;
        expect(formatModelRef(parseModelRef(text))).toBe(text);
      }),
    );
  });
});
