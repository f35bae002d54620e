/**
 * A float64 forward pass of a Hugging Face llama-family checkpoint (LlamaForCausalLM,
 * MistralForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM) in HF's own conventions, written from
 * transformers' modeling code and independent of smelt's conversion tables: it reads config.json's
 * fields itself, takes weights by their HF names, applies RoPE with `rotate_half` (dimension i with
 * i + d/2) and computes the inverse frequencies as transformers' rope initialisers do (default,
 * "linear", "llama3"). q/k/v biases and q/k norms are used when the checkpoint has them. A
 * converted GGUF scored by llama.cpp must agree with it: that is what proves the name map and the
 * q/k permutation right.
 */
import { ShapeMismatchError, TensorFormatError } from "../errors.js";
import { createDecoderReference, type DecoderBlockWeights, type DecoderReference } from "./decoder-reference.js";
import { applyRope } from "./rope.js";

/** Weights by HF tensor name, row-major float32. */
export type HfWeights = ReadonlyMap<string, Float32Array>;

function num(config: Record<string, unknown>, key: string, fallback?: number): number {
  const v = config[key] ?? fallback;
  if (typeof v !== "number") throw new TensorFormatError("config.json", `the HF reference needs a number at "${key}"`);
  return v;
}

/** transformers' `inv_freq` for the config's rope_scaling / rope_parameters. */
export function hfInverseFrequencies(config: Record<string, unknown>, headDim: number): Float64Array {
  const params = (config.rope_parameters ?? config.rope_scaling ?? {}) as Record<string, unknown>;
  const theta = num({ ...config, ...params }, "rope_theta", 10000);
  const inv = new Float64Array(headDim / 2);
  for (let i = 0; i < inv.length; i++) inv[i] = 1 / Math.pow(theta, (2 * i) / headDim);
  const type = params.rope_type ?? params.type ?? "default";
  if (type === "default") return inv;
  const factor = num(params, "factor");
  if (type === "linear") return inv.map((f) => f / factor);
  if (type === "llama3") {
    const low = num(params, "low_freq_factor");
    const high = num(params, "high_freq_factor");
    const old = num(params, "original_max_position_embeddings");
    return inv.map((f) => {
      const wavelen = (2 * Math.PI) / f;
      const scaled = wavelen > old / low ? f / factor : f;
      const isMedium = !(wavelen < old / high) && !(wavelen > old / low);
      if (!isMedium) return scaled;
      const smooth = (old / wavelen - low) / (high - low);
      return ((1 - smooth) * scaled) / factor + smooth * scaled;
    });
  }
  throw new TensorFormatError("config.json", `the HF reference does not implement rope type "${String(type)}"`);
}

/** Builds the reference from a parsed config.json and the checkpoint's tensors. */
export function createHfReference(config: Record<string, unknown>, weights: HfWeights): DecoderReference {
  const dim = num(config, "hidden_size");
  const heads = num(config, "num_attention_heads");
  const kvHeads = num(config, "num_key_value_heads", heads);
  const headDim = num(config, "head_dim", dim / heads);
  const shape = {
    vocabSize: num(config, "vocab_size"),
    dim,
    heads,
    kvHeads,
    headDim,
    ffnDim: num(config, "intermediate_size"),
    rmsEps: num(config, "rms_norm_eps"),
  };
  const get = (name: string, size: number): Float32Array => {
    const t = weights.get(name);
    if (t === undefined) throw new ShapeMismatchError(name, "is missing from the weights given to the HF reference");
    if (t.length !== size) throw new ShapeMismatchError(name, `has ${t.length} values, expected ${size}`);
    return t;
  };
  const opt = (name: string, size: number) => (weights.has(name) ? get(name, size) : undefined);
  const q = heads * headDim;
  const kv = kvHeads * headDim;
  const blocks: DecoderBlockWeights[] = Array.from({ length: num(config, "num_hidden_layers") }, (_, l) => {
    const p = `model.layers.${l}.`;
    return {
      attnNorm: get(`${p}input_layernorm.weight`, dim),
      q: get(`${p}self_attn.q_proj.weight`, q * dim),
      k: get(`${p}self_attn.k_proj.weight`, kv * dim),
      v: get(`${p}self_attn.v_proj.weight`, kv * dim),
      qBias: opt(`${p}self_attn.q_proj.bias`, q),
      kBias: opt(`${p}self_attn.k_proj.bias`, kv),
      vBias: opt(`${p}self_attn.v_proj.bias`, kv),
      qNorm: opt(`${p}self_attn.q_norm.weight`, headDim),
      kNorm: opt(`${p}self_attn.k_norm.weight`, headDim),
      o: get(`${p}self_attn.o_proj.weight`, dim * q),
      ffnNorm: get(`${p}post_attention_layernorm.weight`, dim),
      gate: get(`${p}mlp.gate_proj.weight`, shape.ffnDim * dim),
      up: get(`${p}mlp.up_proj.weight`, shape.ffnDim * dim),
      down: get(`${p}mlp.down_proj.weight`, dim * shape.ffnDim),
    };
  });
  const embed = get("model.embed_tokens.weight", shape.vocabSize * dim);
  const output = config.tie_word_embeddings === true ? embed : get("lm_head.weight", shape.vocabSize * dim);
  const invFreq = hfInverseFrequencies(config, headDim);
  return createDecoderReference(
    shape,
    { embed, blocks, outputNorm: get("model.norm.weight", dim), output },
    (v, nHead, pos) => applyRope(v, nHead, headDim, pos, invFreq, "neox"),
  );
}
