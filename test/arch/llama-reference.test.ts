import { describe, expect, it } from "vitest";
import { LlamaConfigSchema } from "../../src/arch/llama-config.js";
import { createLlamaReference } from "../../src/arch/llama-reference.js";
import { referenceGreedy, referenceLoglikelihood } from "../../src/arch/llama-reference-tasks.js";
import { ShapeMismatchError } from "../../src/errors.js";
import { buildTinyLlama, TINY_LLAMA_CONFIG } from "../helpers/tiny-llama.js";

const tokens = [256, 72, 105, 33, 10, 72, 105];

describe("createLlamaReference", () => {
  it("with zeroed attention and FFN is the head applied to the normalised embedding", () => {
    const model = buildTinyLlama({ seed: 3 });
    const w = new Map(model.weights);
    for (const [name, data] of w) {
      if (/attn_output|ffn_down/.test(name)) w.set(name, new Float32Array(data.length));
    }
    const ref = createLlamaReference(model.config, w);
    const { dim, vocabSize, rmsEps } = model.config;
    const emb = w.get("token_embd.weight")!, norm = w.get("output_norm.weight")!, head = w.get("output.weight")!;
    const rows = ref.logProbs([72, 105]);
    for (const [i, t] of [72, 105].entries()) {
      const x = emb.subarray(t * dim, (t + 1) * dim);
      const rms = Math.sqrt(x.reduce((s, v) => s + v * v, 0) / dim + rmsEps);
      const logits = Array.from({ length: vocabSize }, (_, r) => {
        let s = 0;
        for (let c = 0; c < dim; c++) s += head[r * dim + c] * ((x[c] / rms) * norm[c]);
        return s;
      });
      const lse = Math.log(logits.reduce((s, l) => s + Math.exp(l), 0));
      logits.forEach((l, r) => expect(rows[i][r]).toBeCloseTo(l - lse, 10));
    }
  });

  it("returns normalised log-probabilities that depend on earlier tokens only", () => {
    const model = buildTinyLlama({ seed: 4 });
    const ref = createLlamaReference(model.config, model.weights);
    const rows = ref.logProbs(tokens);
    for (const row of rows) expect(row.reduce((s, l) => s + Math.exp(l), 0)).toBeCloseTo(1, 12);
    const changedTail = ref.logProbs([...tokens.slice(0, 4), 0, 1, 2]);
    expect(changedTail.slice(0, 4)).toEqual(rows.slice(0, 4));
    expect(changedTail[4]).not.toEqual(rows[4]);
  });

  it("treats grouped-query attention as multi-head attention with shared K/V heads", () => {
    const gqa = buildTinyLlama({ seed: 5 });
    const mhaConfig = LlamaConfigSchema.parse({ ...TINY_LLAMA_CONFIG, kvHeads: 4 });
    const hd = gqa.config.dim / gqa.config.heads;
    const mha = new Map(gqa.weights);
    for (const [name, data] of gqa.weights) {
      if (!/attn_[kv]\./.test(name)) continue;
      // Query heads 0,1 use KV head 0 and heads 2,3 use KV head 1: repeat each KV head's rows.
      const out = new Float32Array(4 * hd * gqa.config.dim);
      for (let h = 0; h < 4; h++) {
        const src = Math.floor(h / 2) * hd * gqa.config.dim;
        out.set(data.subarray(src, src + hd * gqa.config.dim), h * hd * gqa.config.dim);
      }
      mha.set(name, out);
    }
    const a = createLlamaReference(gqa.config, gqa.weights).logProbs(tokens);
    const b = createLlamaReference(mhaConfig, mha).logProbs(tokens);
    a.forEach((row, i) => row.forEach((v, j) => expect(b[i][j]).toBeCloseTo(v, 10)));
  });

  it("uses token_embd as the head when output.weight is absent", () => {
    const model = buildTinyLlama({ seed: 6 });
    const tied = new Map(model.weights);
    tied.delete("output.weight");
    const explicit = new Map(model.weights).set("output.weight", model.weights.get("token_embd.weight")!);
    expect(createLlamaReference(model.config, tied).logProbs(tokens)).toEqual(
      createLlamaReference(model.config, explicit).logProbs(tokens),
    );
  });

  it("names a missing or mis-sized tensor", () => {
    const model = buildTinyLlama({ seed: 7 });
    const missing = new Map(model.weights);
    missing.delete("blk.1.ffn_up.weight");
    expect(() => createLlamaReference(model.config, missing)).toThrow(/blk\.1\.ffn_up\.weight.*missing/);
    const short = new Map(model.weights).set("blk.0.attn_q.weight", new Float32Array(3));
    expect(() => createLlamaReference(model.config, short)).toThrow(ShapeMismatchError);
  });
});

describe("reference tasks", () => {
  it("loglikelihood sums the per-position log-probs and greedy decode follows the argmax", () => {
    const model = buildTinyLlama({ seed: 8 });
    const ref = createLlamaReference(model.config, model.weights);
    const rows = ref.logProbs(tokens);
    const ll = referenceLoglikelihood(ref, tokens.slice(0, 4), tokens.slice(4));
    expect(ll.logprob).toBeCloseTo(rows[3][10] + rows[4][72] + rows[5][105], 12);
    const greedy = referenceGreedy(ref, tokens.slice(0, 4), 3);
    expect(referenceLoglikelihood(ref, tokens.slice(0, 4), greedy).isGreedy).toBe(true);
    expect(ll.isGreedy).toBe(greedy[0] === 10 && greedy[1] === 72 && greedy[2] === 105);
  });
});
