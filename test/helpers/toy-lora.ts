import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { openHfCheckpoint, writeSafetensors } from "../../src/tensor/safetensors/index.js";
import { randomValues } from "../merge/fixtures.js";
import { ROOT } from "./toy-space.js";

/** The toy base model's HF folder, which the adapters apply to. */
export const BASE = `${ROOT}examples/toy/base`;
export const R = 2;
export const ALPHA = 4;
/** Target modules (HF name without `.weight`) and the GGUF tensor each becomes. */
export const TARGETS = [
  ["model.layers.1.mlp.down_proj", "blk.1.ffn_down.weight"],
  ["model.layers.2.self_attn.v_proj", "blk.2.attn_v.weight"],
] as const;

/** A PEFT LoRA adapter folder for the toy base; returns its A and B factors by target. */
export async function writeToyAdapter(dir: string, seed: number): Promise<Map<string, { a: Float32Array; b: Float32Array; inp: number }>> {
  const base = await openHfCheckpoint(BASE);
  const factors = new Map<string, { a: Float32Array; b: Float32Array; inp: number }>();
  const tensors = [];
  try {
    for (const [target] of TARGETS) {
      const [out, inp] = base.list().find((t) => t.name === `${target}.weight`)!.shape;
      const a = randomValues(R * inp, seed++, 0.2);
      const b = randomValues(out * R, seed++, 0.2);
      factors.set(target, { a, b, inp });
      tensors.push(
        { name: `base_model.model.${target}.lora_A.weight`, dtype: "F32" as const, shape: [R, inp], data: a },
        { name: `base_model.model.${target}.lora_B.weight`, dtype: "F32" as const, shape: [out, R], data: b },
      );
    }
  } finally {
    await base.close();
  }
  await mkdir(dir, { recursive: true });
  await writeSafetensors(join(dir, "adapter_model.safetensors"), tensors);
  await writeFile(join(dir, "adapter_config.json"), JSON.stringify({ peft_type: "LORA", r: R, lora_alpha: ALPHA, target_modules: ["down_proj", "v_proj"] }));
  return factors;
}

