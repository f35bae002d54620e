/**
 * The float64 forward pass shared by smelt's reference models (llama-reference.ts reads weights
 * in GGUF conventions, hf-reference.ts in Hugging Face's): token embedding, per block RMSNorm ->
 * attention (q/k/v with optional biases, optional per-head q/k RMSNorm, RoPE, grouped-query
 * heads, causal) -> residual -> RMSNorm -> SwiGLU FFN -> residual, then the output RMSNorm and
 * head. The caller supplies the weights already sorted by role and the RoPE to apply, so the
 * conventions that differ between formats (names, row order, pairing) stay in the wrappers. For toy
 * models only: one token at a time, no SIMD, O(n^2) attention over a growing cache.
 */

export interface DecoderBlockWeights {
  readonly attnNorm: Float32Array;
  readonly q: Float32Array;
  readonly k: Float32Array;
  readonly v: Float32Array;
  readonly qBias?: Float32Array;
  readonly kBias?: Float32Array;
  readonly vBias?: Float32Array;
  /** Per-head RMSNorm weights (headDim values) applied to queries / keys before RoPE. */
  readonly qNorm?: Float32Array;
  readonly kNorm?: Float32Array;
  readonly o: Float32Array;
  readonly ffnNorm: Float32Array;
  readonly gate: Float32Array;
  readonly up: Float32Array;
  readonly down: Float32Array;
}

export interface DecoderWeights {
  readonly embed: Float32Array;
  readonly blocks: readonly DecoderBlockWeights[];
  readonly outputNorm: Float32Array;
  /** The output head; the embedding when tied. */
  readonly output: Float32Array;
}

export interface DecoderShape {
  readonly vocabSize: number;
  readonly dim: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly ffnDim: number;
  readonly rmsEps: number;
}

/** Rotates `v` (nHead heads, contiguous) in place for position `pos`. */
export type ApplyPositionalRope = (v: Float64Array, nHead: number, pos: number) => void;

/** Incremental evaluation over one growing sequence (a KV cache). */
export interface ReferenceSession {
  /** Tokens fed so far. */
  readonly length: number;
  /** Appends one token and returns the log-softmax over the vocabulary for the next token. */
  feed(token: number): Float64Array;
}

export interface DecoderReference {
  session(): ReferenceSession;
  /** Log-softmax row after each of `tokens` (row i predicts token i + 1). */
  logProbs(tokens: readonly number[]): Float64Array[];
}

function rmsNormInto(x: Float64Array, from: number, n: number, w: Float32Array, eps: number, out: Float64Array): void {
  let ss = 0;
  for (let i = 0; i < n; i++) ss += x[from + i] * x[from + i];
  const scale = 1 / Math.sqrt(ss / n + eps);
  for (let i = 0; i < n; i++) out[from + i] = x[from + i] * scale * w[i];
}

function rmsNorm(x: Float64Array, w: Float32Array, eps: number): Float64Array {
  const out = new Float64Array(x.length);
  rmsNormInto(x, 0, x.length, w, eps, out);
  return out;
}

/** `W x (+ b)` for W of `rows` x x.length, row-major. */
function matVec(w: Float32Array, x: Float64Array, rows: number, bias?: Float32Array): Float64Array {
  const cols = x.length;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = bias === undefined ? 0 : bias[r];
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

export function createDecoderReference(shape: DecoderShape, w: DecoderWeights, rope: ApplyPositionalRope): DecoderReference {
  const { dim, heads, kvHeads, headDim: hd, ffnDim, vocabSize, rmsEps } = shape;
  const group = heads / kvHeads;
  const scale = 1 / Math.sqrt(hd);

  const session = (): ReferenceSession => {
    const keys: Float64Array[][] = w.blocks.map(() => []);
    const values: Float64Array[][] = w.blocks.map(() => []);
    let pos = 0;
    return {
      get length() {
        return pos;
      },
      feed(token: number): Float64Array {
        if (!Number.isInteger(token) || token < 0 || token >= vocabSize) {
          throw new RangeError(`token ${token} is outside the vocabulary (0..${vocabSize - 1})`);
        }
        const x = Float64Array.from(w.embed.subarray(token * dim, (token + 1) * dim));
        w.blocks.forEach((b, l) => {
          const xn = rmsNorm(x, b.attnNorm, rmsEps);
          const q = matVec(b.q, xn, heads * hd, b.qBias);
          const k = matVec(b.k, xn, kvHeads * hd, b.kBias);
          const v = matVec(b.v, xn, kvHeads * hd, b.vBias);
          if (b.qNorm) for (let h = 0; h < heads; h++) rmsNormInto(q, h * hd, hd, b.qNorm, rmsEps, q);
          if (b.kNorm) for (let h = 0; h < kvHeads; h++) rmsNormInto(k, h * hd, hd, b.kNorm, rmsEps, k);
          rope(q, heads, pos);
          rope(k, kvHeads, pos);
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
          const o = matVec(b.o, att, dim);
          for (let i = 0; i < dim; i++) x[i] += o[i];
          const fn = rmsNorm(x, b.ffnNorm, rmsEps);
          const gate = matVec(b.gate, fn, ffnDim);
          const up = matVec(b.up, fn, ffnDim);
          for (let i = 0; i < ffnDim; i++) gate[i] = (gate[i] / (1 + Math.exp(-gate[i]))) * up[i];
          const down = matVec(b.down, gate, dim);
          for (let i = 0; i < dim; i++) x[i] += down[i];
        });
        pos++;
        const out = rmsNorm(x, w.outputNorm, rmsEps);
        return logSoftmax(matVec(w.output, out, vocabSize));
      },
    };
  };

  return {
    session,
    logProbs(tokens) {
      const s = session();
      return tokens.map((t) => s.feed(t));
    },
  };
}
