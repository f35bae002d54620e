/**
 * One llama-family tensor converted between HF safetensors and GGUF conventions: the name changes
 * (llama-tensor-names.ts) and, for architectures whose llama.cpp RoPE rotates adjacent pairs
 * (gguf-architectures.ts), q/k projections get their rows permuted (permute-qk.ts). Shapes are
 * row-major in both conventions, so they are unchanged. Returns undefined for tensors with no
 * counterpart (e.g. `rotary_emb.inv_freq`).
 */
import { ShapeMismatchError } from "../errors.js";
import { needsQkPermutation } from "./gguf-architectures.js";
import { llamaHeadDim, type LlamaConfig } from "./llama-config.js";
import { ggufToHfTensorName, hfToGgufTensorName, llamaRopePermutation } from "./llama-tensor-names.js";
import { permuteQK, unpermuteQK } from "./permute-qk.js";

export interface NamedTensor {
  readonly name: string;
  /** Row-major shape. */
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/**
 * How many heads a GGUF tensor's rows are grouped in for the RoPE permutation, or undefined when
 * the tensor is not permuted under `config`'s architecture. Throws when the shape contradicts the
 * config, which a permutation would otherwise turn into silent garbage.
 */
export function ropePermutationHeads(config: LlamaConfig, ggufName: string, shape: readonly number[]): number | undefined {
  if (!needsQkPermutation(config.architecture)) return undefined;
  const kind = llamaRopePermutation(ggufName);
  if (kind === undefined) return undefined;
  const nHead = kind === "q" ? config.heads : config.kvHeads;
  if (shape.length < 1 || shape.length > 2 || shape[0] !== nHead * llamaHeadDim(config)) {
    throw new ShapeMismatchError(
      ggufName,
      `shape [${shape.join(", ")}] does not hold ${nHead} heads of ${llamaHeadDim(config)} rows as the config says`,
    );
  }
  return nHead;
}

function convertRows(config: LlamaConfig, ggufName: string, tensor: NamedTensor, toGguf: boolean): Float32Array {
  const nHead = ropePermutationHeads(config, ggufName, tensor.shape);
  if (nHead === undefined) return tensor.data;
  const rows = tensor.shape[0];
  const cols = tensor.shape[1] ?? 1;
  return toGguf ? permuteQK(tensor.data, nHead, rows, cols) : unpermuteQK(tensor.data, nHead, rows, cols);
}

/** HF -> GGUF: renamed, q/k rows permuted to adjacent-pair RoPE order where the architecture needs it. */
export function hfLlamaTensorToGguf(config: LlamaConfig, tensor: NamedTensor): NamedTensor | undefined {
  const name = hfToGgufTensorName(tensor.name);
  if (name === undefined) return undefined;
  return { name, shape: tensor.shape, data: convertRows(config, name, tensor, true) };
}

/** GGUF -> HF: the inverse of {@link hfLlamaTensorToGguf}. */
export function ggufLlamaTensorToHf(config: LlamaConfig, tensor: NamedTensor): NamedTensor | undefined {
  const name = ggufToHfTensorName(tensor.name);
  if (name === undefined) return undefined;
  return { name, shape: tensor.shape, data: convertRows(config, tensor.name, tensor, false) };
}
