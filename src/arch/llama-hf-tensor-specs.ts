import { LlamaConfigSchema, llamaTensorSpecs, type LlamaConfigInput } from "./llama-config.js";
import { ggufToHfTensorName } from "./llama-tensor-names.js";

/** Every tensor of a llama-family checkpoint under its Hugging Face name, with its row-major shape. */
export function llamaHfTensorSpecs(config: LlamaConfigInput): { name: string; shape: number[] }[] {
  return llamaTensorSpecs(LlamaConfigSchema.parse(config))
    .filter((s) => !s.generated)
    .map((s) => ({ name: ggufToHfTensorName(s.name)!, shape: [...s.shape] }));
}
