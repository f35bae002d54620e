import { describe, expect, it } from "vitest";
import { LlamaConfigSchema, llamaTensorSpecs } from "../../src/arch/llama-config.js";
import { llamaArchGgufEntries, llamaGgufMetadata } from "../../src/arch/llama-gguf-metadata.js";
import { hfConfigToLlamaConfig, llamaConfigToHfConfig } from "../../src/arch/llama-hf-config.js";
import { ConversionError, UnknownArchitectureError } from "../../src/errors.js";

const base = { vocabSize: 258, dim: 64, layers: 2, heads: 4, kvHeads: 2, ffnDim: 128, contextLength: 256 };

describe("LlamaConfigSchema", () => {
  it("fills the documented defaults", () => {
    const c = LlamaConfigSchema.parse(base);
    expect(c).toMatchObject({ ropeBase: 10000, rmsEps: 1e-5, tieEmbeddings: false });
  });

  it("rejects head layouts llama.cpp cannot run, with the offending field", () => {
    const bad = LlamaConfigSchema.safeParse({ ...base, heads: 3 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0].path).toEqual(["heads"]);
    expect(LlamaConfigSchema.safeParse({ ...base, kvHeads: 3 }).error?.issues[0].path).toEqual(["kvHeads"]);
    expect(LlamaConfigSchema.safeParse({ ...base, dim: 60, heads: 4 }).error?.issues[0].message).toMatch(/even/);
  });
});

describe("llamaTensorSpecs", () => {
  it("lists 9 tensors per block plus embedding, final norm and head, with [out, in] shapes", () => {
    const c = LlamaConfigSchema.parse(base);
    const specs = llamaTensorSpecs(c);
    expect(specs).toHaveLength(2 * 9 + 3);
    const byName = new Map(specs.map((s) => [s.name, s.shape]));
    expect(byName.get("blk.1.attn_k.weight")).toEqual([32, 64]);
    expect(byName.get("blk.0.ffn_down.weight")).toEqual([64, 128]);
    expect(byName.get("output.weight")).toEqual([258, 64]);
    expect(llamaTensorSpecs({ ...c, tieEmbeddings: true }).some((s) => s.name === "output.weight")).toBe(false);
  });
});

describe("llamaGgufMetadata", () => {
  it("types every key as llama.cpp reads it", () => {
    const c = LlamaConfigSchema.parse(base);
    const entries = new Map(llamaGgufMetadata(c, "toy", { dtype: "Q8_0" }).map((e) => [e.key, e]));
    expect(entries.get("general.architecture")).toMatchObject({ type: "string", value: "llama" });
    expect(entries.get("general.file_type")).toMatchObject({ type: "uint32", value: 7 });
    expect(entries.get("llama.block_count")).toMatchObject({ type: "uint32", value: 2 });
    expect(entries.get("llama.rope.dimension_count")).toMatchObject({ type: "uint32", value: 16 });
    expect(entries.get("llama.attention.layer_norm_rms_epsilon")).toMatchObject({ type: "float32", value: 1e-5 });
    expect(entries.get("tokenizer.ggml.token_type")).toMatchObject({ type: "array", itemType: "int32" });
    expect(entries.get("tokenizer.ggml.merges")).toMatchObject({ type: "array", itemType: "string", value: [] });
    for (const e of llamaArchGgufEntries(c, "toy")) expect(entries.has(e.key)).toBe(true);
    expect(entries.has("llama.attention.key_length")).toBe(false);
  });
});

describe("HF config.json conversion", () => {
  it("round-trips a config through LlamaForCausalLM's config.json", () => {
    const c = LlamaConfigSchema.parse({ ...base, ropeBase: 500000, rmsEps: 1e-6, tieEmbeddings: true });
    const json = JSON.parse(JSON.stringify(llamaConfigToHfConfig(c)));
    expect(json).toMatchObject({ architectures: ["LlamaForCausalLM"], hidden_size: 64, num_key_value_heads: 2, rope_theta: 500000 });
    expect(hfConfigToLlamaConfig(json)).toEqual(c);
  });

  it("applies transformers' defaults for keys older configs omit", () => {
    const c = hfConfigToLlamaConfig({
      model_type: "llama", vocab_size: 32000, hidden_size: 4096, intermediate_size: 11008,
      num_hidden_layers: 32, num_attention_heads: 32, max_position_embeddings: 4096,
    });
    expect(c).toMatchObject({ kvHeads: 32, ropeBase: 10000, rmsEps: 1e-6, tieEmbeddings: false });
  });

  it("refuses configs whose model it would compute differently, naming the file and field", () => {
    const json = llamaConfigToHfConfig(LlamaConfigSchema.parse(base));
    const attempt = (patch: Record<string, unknown>) => () => hfConfigToLlamaConfig({ ...json, ...patch }, "toy/config.json");
    expect(attempt({ rope_scaling: { type: "yarn", factor: 2 } })).toThrow(ConversionError);
    expect(attempt({ rope_scaling: { type: "yarn", factor: 2 } })).toThrow(/toy\/config\.json.*rope_scaling type "yarn"/);
    expect(attempt({ model_type: "qwen2", architectures: ["Qwen2ForCausalLM"], head_dim: 32 })).toThrow(/head_dim/);
    expect(attempt({ model_type: "gemma", architectures: ["GemmaForCausalLM"] })).toThrow(UnknownArchitectureError);
    expect(attempt({ num_key_value_heads: 3 })).toThrow(/kvHeads/);
    expect(attempt({ attention_bias: true })).toThrow(/attention_bias/);
  });
});
