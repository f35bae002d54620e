import { describe, expect, it } from "vitest";
import { findHfArchitecture, HF_ARCHITECTURES } from "../../src/arch/hf-architectures.js";
import { hfInverseFrequencies } from "../../src/arch/hf-reference.js";
import { llamaArchGgufEntries } from "../../src/arch/llama-gguf-metadata.js";
import { readHfModelConfig } from "../../src/arch/llama-hf-config.js";
import { llama3RopeDivisors } from "../../src/arch/rope-scaling.js";
import { ropeInverseFrequencies } from "../../src/arch/rope.js";
import { MissingConfigKeyError } from "../../src/errors.js";

const base = {
  vocab_size: 1000, hidden_size: 64, intermediate_size: 128, num_hidden_layers: 2, num_attention_heads: 4,
  num_key_value_heads: 2, max_position_embeddings: 512, rms_norm_eps: 1e-6, rope_theta: 10000,
};

describe("readHfModelConfig", () => {
  it.each([
    ["llama", "LlamaForCausalLM", "llama", false, false],
    ["mistral", "MistralForCausalLM", "llama", false, false],
    ["qwen2", "Qwen2ForCausalLM", "qwen2", true, false],
    ["qwen3", "Qwen3ForCausalLM", "qwen3", false, true],
  ])("%s -> GGUF arch %s with the architecture's blocks", (modelType, cls, gguf, bias, norm) => {
    const { config, architecture } = readHfModelConfig({ ...base, model_type: modelType, architectures: [cls] });
    expect(architecture.modelType).toBe(modelType);
    expect(config).toMatchObject({ architecture: gguf, attentionBias: bias, qkNorm: norm, heads: 4, kvHeads: 2, contextLength: 512 });
  });

  it("finds the architecture from the class name when model_type is missing", () => {
    expect(readHfModelConfig({ ...base, architectures: ["Qwen2ForCausalLM"] }).architecture.modelType).toBe("qwen2");
    expect(findHfArchitecture(undefined, undefined)).toEqual({ unknown: "(no model_type or architectures)" });
    expect(HF_ARCHITECTURES.map((a) => a.modelType)).toEqual(["llama", "mistral", "qwen2", "qwen3"]);
  });

  it("takes Qwen3's default head_dim of 128 and writes key/value lengths when the head size is not hidden/heads", () => {
    const { config } = readHfModelConfig({ ...base, model_type: "qwen3" });
    expect(config.headDim).toBe(128);
    const keys = new Map(llamaArchGgufEntries(config, "x").map((e) => [e.key, e.value]));
    expect(keys.get("qwen3.attention.key_length")).toBe(128);
    expect(keys.get("qwen3.rope.dimension_count")).toBe(128);
    // An explicit head_dim equal to hidden/heads changes nothing (the toy experts' config.json).
    expect(readHfModelConfig({ ...base, model_type: "llama", head_dim: 16 }).config.headDim).toBeUndefined();
  });

  it("reads transformers 5's rope_parameters and transformers 4's rope_theta + rope_scaling alike", () => {
    const scaling = { rope_type: "llama3", factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8192 };
    const v4 = readHfModelConfig({ ...base, model_type: "llama", rope_theta: 500000, rope_scaling: scaling }).config;
    const v5 = readHfModelConfig({ ...base, model_type: "llama", rope_theta: undefined, rope_parameters: { ...scaling, rope_theta: 500000 } }).config;
    expect(v5).toEqual(v4);
    expect(v4).toMatchObject({ ropeBase: 500000, ropeScaling: { type: "llama3", factor: 8, originalContextLength: 8192 } });
    expect(readHfModelConfig({ ...base, model_type: "llama", rope_scaling: { type: "default" } }).config.ropeScaling).toEqual({ type: "none" });
  });

  it("names a missing key and the file", () => {
    const attempt = () => readHfModelConfig({ ...base, model_type: "llama", intermediate_size: undefined }, "m/config.json");
    expect(attempt).toThrow(MissingConfigKeyError);
    expect(attempt).toThrow(/m\/config\.json: the key "intermediate_size" is missing; it is the FFN width/);
  });
});

describe("llama3 RoPE scaling", () => {
  it("llama.cpp's per-pair divisors reproduce transformers' scaled inverse frequencies", () => {
    const scaling = { type: "llama3" as const, factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalContextLength: 8192 };
    const divisors = llama3RopeDivisors(scaling, 128, 500000);
    const ours = ropeInverseFrequencies(128, 500000).map((f, i) => f / divisors[i]);
    const hf = hfInverseFrequencies({ rope_theta: 500000, rope_scaling: { rope_type: "llama3", factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8192 } }, 128);
    ours.forEach((f, i) => expect(f / hf[i]).toBeCloseTo(1, 6));
    expect(divisors[0]).toBe(1);
    expect(divisors[63]).toBe(8);
    expect(divisors.some((d) => d > 1 && d < 8)).toBe(true);
  });
});
