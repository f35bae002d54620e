/**
 * HF llama checkpoints apply RoPE to the two halves of each head (`rotate_half`: dimension i pairs
 * with i + d/2); llama.cpp's `llama` arch (rope mode 0) rotates adjacent pairs (2i, 2i+1). The two
 * are the same model once the rows of q_proj and k_proj are reordered within each head, which is
 * what llama.cpp's converter does: reshape (n_head, 2, d/2, cols) -> swap axes 1 and 2 -> reshape
 * back (FIELD-NOTES §5). For k, n_head is the number of KV heads. Rows are contiguous runs of
 * `cols` values, so the permutation moves whole rows.
 */
import { ShapeMismatchError } from "../errors.js";

function check(what: string, data: Float32Array, nHead: number, rows: number, cols: number): number {
  if (data.length !== rows * cols) {
    throw new ShapeMismatchError(what, `has ${data.length} values, expected rows ${rows} x cols ${cols}`);
  }
  if (nHead <= 0 || rows % nHead !== 0 || (rows / nHead) % 2 !== 0) {
    throw new ShapeMismatchError(what, `${rows} rows cannot be split into ${nHead} heads of even size`);
  }
  return rows / nHead;
}

function reorder(data: Float32Array, nHead: number, headDim: number, cols: number, toGguf: boolean): Float32Array {
  const out = new Float32Array(data.length);
  const half = headDim / 2;
  for (let h = 0; h < nHead; h++) {
    for (let i = 0; i < half; i++) {
      for (let j = 0; j < 2; j++) {
        const hfRow = h * headDim + j * half + i;
        const ggufRow = h * headDim + i * 2 + j;
        const [from, to] = toGguf ? [hfRow, ggufRow] : [ggufRow, hfRow];
        out.set(data.subarray(from * cols, (from + 1) * cols), to * cols);
      }
    }
  }
  return out;
}

/**
 * HF -> GGUF row order for a q_proj (nHead = heads) or k_proj (nHead = kvHeads) weight of
 * `rows` x `cols`, row-major. Returns a new array.
 */
export function permuteQK(data: Float32Array, nHead: number, rows: number, cols: number): Float32Array {
  const headDim = check("permuteQK input", data, nHead, rows, cols);
  return reorder(data, nHead, headDim, cols, true);
}

/** GGUF -> HF row order: the inverse of {@link permuteQK}. Returns a new array. */
export function unpermuteQK(data: Float32Array, nHead: number, rows: number, cols: number): Float32Array {
  const headDim = check("unpermuteQK input", data, nHead, rows, cols);
  return reorder(data, nHead, headDim, cols, false);
}

/**
 * HF -> GGUF row order applied to encoded rows (`bytes` holds `rows` equal-length rows in any
 * row-wise encoding: F32, F16, BF16, or Q8_0 blocks along the row). Returns a new array. Used
 * when merged tensors arrive already encoded in their output dtype.
 */
export function permuteQKBytes(bytes: Uint8Array, nHead: number, rows: number): Uint8Array {
  if (nHead <= 0 || rows % nHead !== 0 || (rows / nHead) % 2 !== 0 || bytes.length % rows !== 0) {
    throw new ShapeMismatchError("permuteQKBytes input", `${bytes.length} bytes cannot be split into ${rows} rows of ${nHead} heads of even size`);
  }
  const rowBytes = bytes.length / rows;
  const headDim = rows / nHead;
  const half = headDim / 2;
  const out = new Uint8Array(bytes.length);
  for (let h = 0; h < nHead; h++) {
    for (let i = 0; i < half; i++) {
      for (let j = 0; j < 2; j++) {
        const from = h * headDim + j * half + i;
        const to = h * headDim + i * 2 + j;
        out.set(bytes.subarray(from * rowBytes, (from + 1) * rowBytes), to * rowBytes);
      }
    }
  }
  return out;
}
