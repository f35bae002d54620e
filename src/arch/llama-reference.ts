/**
 * A float64 forward pass of the llama architecture exactly as llama.cpp's `llama` arch defines it:
 * token embedding, per block RMSNorm -> attention (RoPE mode 0 on adjacent pairs, grouped-query
 * heads, causal) -> residual -> RMSNorm -> SwiGLU FFN -> residual, then output RMSNorm and the
 * output head (token_embd when `output.weight` is absent). Weights are read in GGUF naming and
 * row-major `[out, in]` layout. It is a reference to check llama.cpp and the dequantisers against,
 * for toy models only: one token at a time, no SIMD, O(n^2) attention over a growing cache.
 */
import { ShapeMismatchError } from "../errors.js";
import { ropeAdjacentPairs } from "./rope.js";
import { llamaHeadDim, llamaTensorSpecs, type LlamaConfig } from "./llama-config.js";

/** Weights by GGUF tensor name, row-major float32. */
export type LlamaWeights = ReadonlyMap<string, Float32Array> | Readonly<Record<string, Float32Array>>;

/** Incremental evaluation over one growing sequence (a KV cache). */
export interface LlamaReferenceSession {
  /** Tokens fed so far. */
  readonly length: number;
  /** Appends one token and returns the log-softmax over the vocabulary for the next token. */
  feed(token: number): Float64Array;
}

export interface LlamaReference {
  readonly config: LlamaConfig;
  session(): LlamaReferenceSession;
  /** Log-softmax row after each of `tokens` (row i predicts token i + 1). */
  logProbs(tokens: readonly number[]): Float64Array[];
}

function rmsNorm(x: Float64Array, w: Float32Array, eps: number): Float64Array {
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += x[i] * x[i];
  const scale = 1 / Math.sqrt(ss / x.length + eps);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] * scale * w[i];
  return out;
}

/** `W x` for W of `rows` x x.length, row-major. */
function matVec(w: Float32Array, x: Float64Array, rows: number): Float64Array {
  const cols = x.length;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    const o = r * cols;
    for (let c = 0; c < cols; c++) s += w[o + c] * x[c];
    out[r] = s;
  }
  return out;
}

function logSoftmax(logits: Float64Array): Float64Array {
  let max = -Infinity;
  for (const l of logits) if (l > max) max = l;
  let sum = 0;
  for (const l of logits) sum += Math.exp(l - max);
  const lse = max + Math.log(sum);
  return logits.map((l) => l - lse);
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

/** Builds a reference evaluator. Validates every tensor's presence and size up front. */
export function createLlamaReference(config: LlamaConfig, weights: LlamaWeights): LlamaReference {
  const w = resolveWeights(config, weights);
  const { dim, heads, kvHeads, ffnDim, vocabSize, rmsEps, ropeBase } = config;
  const hd = llamaHeadDim(config);
  const group = heads / kvHeads;
  const scale = 1 / Math.sqrt(hd);

  const session = (): LlamaReferenceSession => {
    const keys: Float64Array[][] = Array.from({ length: config.layers }, () => []);
    const values: Float64Array[][] = Array.from({ length: config.layers }, () => []);
    let pos = 0;
    return {
      get length() {
        return pos;
      },
      feed(token: number): Float64Array {
        if (!Number.isInteger(token) || token < 0 || token >= vocabSize) {
          throw new RangeError(`token ${token} is outside the vocabulary (0..${vocabSize - 1})`);
        }
        const x = Float64Array.from(w.get("token_embd.weight")!.subarray(token * dim, (token + 1) * dim));
        for (let l = 0; l < config.layers; l++) {
          const b = `blk.${l}.`;
          const xn = rmsNorm(x, w.get(`${b}attn_norm.weight`)!, rmsEps);
          const q = matVec(w.get(`${b}attn_q.weight`)!, xn, heads * hd);
          const k = matVec(w.get(`${b}attn_k.weight`)!, xn, kvHeads * hd);
          const v = matVec(w.get(`${b}attn_v.weight`)!, xn, kvHeads * hd);
          ropeAdjacentPairs(q, heads, hd, pos, ropeBase);
          ropeAdjacentPairs(k, kvHeads, hd, pos, ropeBase);
          keys[l].push(k);
          values[l].push(v);
          const att = new Float64Array(heads * hd);
          const scores = new Float64Array(pos + 1);
          for (let h = 0; h < heads; h++) {
            const g = Math.floor(h / group) * hd;
            let max = -Infinity;
            for (let t = 0; t <= pos; t++) {
              let s = 0;
              const kt = keys[l][t];
              for (let i = 0; i < hd; i++) s += q[h * hd + i] * kt[g + i];
              scores[t] = s * scale;
              if (scores[t] > max) max = scores[t];
            }
            let sum = 0;
            for (let t = 0; t <= pos; t++) sum += scores[t] = Math.exp(scores[t] - max);
            for (let t = 0; t <= pos; t++) {
              const p = scores[t] / sum;
              const vt = values[l][t];
              for (let i = 0; i < hd; i++) att[h * hd + i] += p * vt[g + i];
            }
          }
          const o = matVec(w.get(`${b}attn_output.weight`)!, att, dim);
          for (let i = 0; i < dim; i++) x[i] += o[i];
          const fn = rmsNorm(x, w.get(`${b}ffn_norm.weight`)!, rmsEps);
          const gate = matVec(w.get(`${b}ffn_gate.weight`)!, fn, ffnDim);
          const up = matVec(w.get(`${b}ffn_up.weight`)!, fn, ffnDim);
          for (let i = 0; i < ffnDim; i++) gate[i] = (gate[i] / (1 + Math.exp(-gate[i]))) * up[i];
          const down = matVec(w.get(`${b}ffn_down.weight`)!, gate, dim);
          for (let i = 0; i < dim; i++) x[i] += down[i];
        }
        pos++;
        const out = rmsNorm(x, w.get("output_norm.weight")!, rmsEps);
        return logSoftmax(matVec(w.get("output.weight")!, out, vocabSize));
      },
    };
  };

  return {
    config,
    session,
    logProbs(tokens) {
      const s = session();
      return tokens.map((t) => s.feed(t));
    },
  };
}
