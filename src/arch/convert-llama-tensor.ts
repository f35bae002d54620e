/**
 * One llama tensor converted between HF (`LlamaForCausalLM` safetensors) and GGUF conventions:
 * the name changes (llama-tensor-names.ts) and q/k projections get their rows permuted for the
 * RoPE pairing difference (permute-qk.ts). Shapes are row-major in both conventions, so they
 * are unchanged. Returns undefined for tensors with no counterpart (e.g. `rotary_emb.inv_freq`).
 */
import { ShapeMismatchError } from "../errors.js";
import { llamaHeadDim, type LlamaConfig } from "./llama-config.js";
import { ggufToHfTensorName, hfToGgufTensorName, llamaRopePermutation } from "./llama-tensor-names.js";
import { permuteQK, unpermuteQK } from "./permute-qk.js";

export interface NamedTensor {
  readonly name: string;
  /** Row-major shape. */
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

function convertRows(config: LlamaConfig, ggufName: string, tensor: NamedTensor, toGguf: boolean): Float32Array {
  const kind = llamaRopePermutation(ggufName);
  if (kind === undefined) return tensor.data;
  const nHead = kind === "q" ? config.heads : config.kvHeads;
  const [rows, cols] = tensor.shape;
  if (tensor.shape.length !== 2 || rows !== nHead * llamaHeadDim(config)) {
    throw new ShapeMismatchError(
      tensor.name,
      `shape [${tensor.shape.join(", ")}] does not hold ${nHead} heads of ${llamaHeadDim(config)} rows as the config says`,
    );
  }
  return toGguf ? permuteQK(tensor.data, nHead, rows, cols) : unpermuteQK(tensor.data, nHead, rows, cols);
}

/** HF -> GGUF: renamed, q/k rows permuted to adjacent-pair RoPE order. */
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
