import { describe, expect, it } from "vitest";
import { LlamaConfigSchema, llamaTensorSpecs } from "../../src/arch/llama-config.js";
import { ggufToHfTensorName, hfToGgufTensorName, llamaRopePermutation } from "../../src/arch/llama-tensor-names.js";

describe("llama tensor names", () => {
  const config = LlamaConfigSchema.parse({ vocabSize: 10, dim: 8, layers: 12, heads: 2, kvHeads: 1, ffnDim: 16, contextLength: 32 });

  it("maps every GGUF tensor to an HF name and back", () => {
    const names = llamaTensorSpecs(config).map((s) => s.name);
    const hf = names.map((n) => ggufToHfTensorName(n));
    expect(hf.every((n) => n !== undefined)).toBe(true);
    expect(new Set(hf).size).toBe(names.length);
    expect(hf.map((n) => hfToGgufTensorName(n!))).toEqual(names);
  });

  it("uses HF's LlamaForCausalLM names", () => {
    expect(hfToGgufTensorName("model.layers.11.self_attn.q_proj.weight")).toBe("blk.11.attn_q.weight");
    expect(hfToGgufTensorName("model.layers.0.post_attention_layernorm.weight")).toBe("blk.0.ffn_norm.weight");
    expect(hfToGgufTensorName("lm_head.weight")).toBe("output.weight");
    expect(ggufToHfTensorName("blk.3.ffn_down.weight")).toBe("model.layers.3.mlp.down_proj.weight");
  });

  it("returns undefined for tensors with no counterpart", () => {
    expect(hfToGgufTensorName("model.layers.0.self_attn.rotary_emb.inv_freq")).toBeUndefined();
    expect(ggufToHfTensorName("rope_freqs.weight")).toBeUndefined();
    expect(ggufToHfTensorName("blk.0.attn_qkv.weight")).toBeUndefined();
  });

  it("flags exactly the q and k projections for the RoPE permutation", () => {
    const flagged = llamaTensorSpecs(config).filter((s) => llamaRopePermutation(s.name) !== undefined);
    expect(flagged).toHaveLength(2 * config.layers);
    expect(llamaRopePermutation("blk.4.attn_k.weight")).toBe("k");
    expect(llamaRopePermutation("blk.4.attn_v.weight")).toBeUndefined();
  });
});
