/**
 * A float64 forward pass of a llama-family model exactly as llama.cpp defines it for the `llama`,
 * `qwen2` and `qwen3` architectures (decoder-reference.ts holds the maths): weights in GGUF naming
 * and row-major `[out, in]` layout, RoPE in the architecture's pairing (adjacent pairs for
 * `llama`, halves for the qwen archs), frequencies scaled as llama.cpp does (linear: divided by
 * `rope.scaling.factor`; llama3: divided per pair by `rope_freqs.weight`), the output head from
 * token_embd when `output.weight` is absent. A reference to check llama.cpp and the dequantisers
 * against, for toy models only.
 */
import { ShapeMismatchError } from "../errors.js";
import { createDecoderReference, type DecoderBlockWeights, type ReferenceSession } from "./decoder-reference.js";
import { GGUF_ARCHITECTURES } from "./gguf-architectures.js";
import { llamaHeadDim, llamaTensorSpecs, type LlamaConfig } from "./llama-config.js";
import { applyRope, ropeInverseFrequencies } from "./rope.js";

/** Weights by GGUF tensor name, row-major float32. */
export type LlamaWeights = ReadonlyMap<string, Float32Array> | Readonly<Record<string, Float32Array>>;

export type LlamaReferenceSession = ReferenceSession;

export interface LlamaReference {
  readonly config: LlamaConfig;
  session(): LlamaReferenceSession;
  /** Log-softmax row after each of `tokens` (row i predicts token i + 1). */
  logProbs(tokens: readonly number[]): Float64Array[];
}

function resolveWeights(config: LlamaConfig, weights: LlamaWeights): Map<string, Float32Array> {
  const get = (n: string): Float32Array | undefined =>
    weights instanceof Map ? weights.get(n) : (weights as Readonly<Record<string, Float32Array>>)[n];
  const out = new Map<string, Float32Array>();
  const tied = get("output.weight") === undefined;
  for (const spec of llamaTensorSpecs({ ...config, tieEmbeddings: tied })) {
    const data = get(spec.name);
    const need = spec.shape.reduce((a, b) => a * b, 1);
    if (data === undefined) throw new ShapeMismatchError(spec.name, "is missing from the weights given to the reference");
    if (data.length !== need) {
      throw new ShapeMismatchError(spec.name, `has ${data.length} values, expected [${spec.shape.join(", ")}] = ${need}`);
    }
    out.set(spec.name, data);
  }
  if (tied) out.set("output.weight", out.get("token_embd.weight")!);
  return out;
}

/** llama.cpp's per-pair inverse frequencies: base^(-2i/d) times the linear scale, over rope_freqs. */
function inverseFrequencies(config: LlamaConfig, divisors: Float32Array | undefined): Float64Array {
  const inv = ropeInverseFrequencies(llamaHeadDim(config), config.ropeBase);
  const scale = config.ropeScaling.type === "linear" ? 1 / config.ropeScaling.factor : 1;
  return inv.map((f, i) => (f * scale) / (divisors?.[i] ?? 1));
}

/** Builds a reference evaluator. Validates every tensor's presence and size up front. */
export function createLlamaReference(config: LlamaConfig, weights: LlamaWeights): LlamaReference {
  const w = resolveWeights(config, weights);
  const hd = llamaHeadDim(config);
  const blocks: DecoderBlockWeights[] = Array.from({ length: config.layers }, (_, l) => {
    const t = (n: string) => w.get(`blk.${l}.${n}`)!;
    const opt = (n: string) => w.get(`blk.${l}.${n}`);
    return {
      attnNorm: t("attn_norm.weight"), q: t("attn_q.weight"), k: t("attn_k.weight"), v: t("attn_v.weight"),
      qBias: opt("attn_q.bias"), kBias: opt("attn_k.bias"), vBias: opt("attn_v.bias"),
      qNorm: opt("attn_q_norm.weight"), kNorm: opt("attn_k_norm.weight"),
      o: t("attn_output.weight"), ffnNorm: t("ffn_norm.weight"), gate: t("ffn_gate.weight"), up: t("ffn_up.weight"), down: t("ffn_down.weight"),
    };
  });
  const invFreq = inverseFrequencies(config, w.get("rope_freqs.weight"));
  const pairing = GGUF_ARCHITECTURES[config.architecture].rope;
  const core = createDecoderReference(
    { ...config, headDim: hd },
    { embed: w.get("token_embd.weight")!, blocks, outputNorm: w.get("output_norm.weight")!, output: w.get("output.weight")! },
    (v, nHead, pos) => applyRope(v, nHead, hd, pos, invFreq, pairing),
  );
  return { config, session: core.session, logProbs: core.logProbs };
}
