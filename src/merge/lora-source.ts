import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { SmeltError, TensorFormatError } from "../errors.js";
import { encodeFloat } from "../tensor/codecs/index.js";
import type { RawTensor, TensorInfo, TensorSource } from "../tensor/tensor-source.js";
import { readRawInto } from "../tensor/read-raw-into.js";

/**
 * A PEFT LoRA adapter applied to its base on the fly (mergekit's `base+adapter` syntax): every
 * targeted tensor reads as W + scale·B·A, computed when it is read, so the full fine-tuned model
 * is never written to disk. scale = lora_alpha / r (or / sqrt(r) with rsLoRA, arXiv 2312.03732).
 * LoRA: Hu et al., "LoRA: Low-Rank Adaptation of Large Language Models", arXiv 2106.09685.
 */
const adapterConfigSchema = z.looseObject({
  r: z.number().int().positive(),
  lora_alpha: z.number(),
  use_rslora: z.boolean().optional(),
  fan_in_fan_out: z.boolean().optional(),
  target_modules: z.union([z.array(z.string()), z.string()]).nullish(),
  peft_type: z.string().optional(),
});

interface LoraPair {
  readonly a: string;
  readonly b: string;
  /** Embedding adapters store A as [r, vocab] and B as [dim, r]: the delta is transposed. */
  readonly embedding: boolean;
}

export async function openLoraOverlay(base: TensorSource, adapterDir: string, adapter: TensorSource): Promise<TensorSource> {
  const configPath = join(adapterDir, "adapter_config.json");
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(configPath, "utf8"));
  } catch (error) {
    throw new TensorFormatError(configPath, `cannot read the LoRA adapter config: ${(error as Error).message}. A PEFT adapter folder holds adapter_config.json and adapter_model.safetensors.`);
  }
  const parsed = adapterConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new TensorFormatError(configPath, `not a LoRA adapter config: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  const config = parsed.data;
  if (config.peft_type !== undefined && config.peft_type !== "LORA") {
    throw new TensorFormatError(configPath, `peft_type ${config.peft_type} is not supported; only LORA adapters can be applied`);
  }
  const scale = config.use_rslora ? config.lora_alpha / Math.sqrt(config.r) : config.lora_alpha / config.r;
  const pairs = new Map<string, LoraPair>();
  for (const info of adapter.list()) {
    const m = /^(?:base_model\.model\.)?(.*)\.lora_(A|B|embedding_A|embedding_B)(?:\.default)?(?:\.weight)?$/.exec(info.name);
    if (!m) continue;
    if (m[2] !== "A" && m[2] !== "embedding_A") continue;
    const target = `${m[1]}.weight`;
    const embedding = m[2] === "embedding_A";
    const b = info.name.replace(embedding ? "lora_embedding_A" : "lora_A", embedding ? "lora_embedding_B" : "lora_B");
    if (!adapter.info(b)) throw new TensorFormatError(adapter.location, `LoRA tensor ${info.name} has no matching ${b}`);
    if (!base.info(target)) {
      throw new SmeltError("lora-target", `LoRA adapter ${adapterDir} targets "${target}", which base model ${base.location} does not have. Is this adapter for another base model?`);
    }
    pairs.set(target, { a: info.name, b, embedding });
  }
  if (pairs.size === 0) throw new TensorFormatError(adapter.location, "no lora_A/lora_B tensor pairs found");

  const list = base.list().map((info): TensorInfo => (pairs.has(info.name) ? { ...info, dtype: "F32", byteLength: count(info.shape) * 4 } : info));
  const byName = new Map(list.map((i) => [i.name, i]));

  const readF32 = async (name: string): Promise<Float32Array> => {
    const pair = pairs.get(name);
    if (!pair) return base.readF32(name);
    const w = await base.readF32(name);
    const a = await adapter.readF32(pair.a);
    const b = await adapter.readF32(pair.b);
    const shape = base.info(name)!.shape;
    applyDelta(w, shape, a, adapter.info(pair.a)!.shape, b, adapter.info(pair.b)!.shape, scale, pair, config.fan_in_fan_out ?? false, name);
    return w;
  };
  const close = async () => {
    await adapter.close();
    await base.close();
  };
  return {
    location: `${base.location}+${adapterDir}`,
    list: () => list,
    info: (name) => byName.get(name),
    readF32,
    async readRaw(name): Promise<RawTensor> {
      if (!pairs.has(name)) return base.readRaw(name);
      return { info: byName.get(name)!, bytes: encodeFloat("F32", await readF32(name)) };
    },
    // Adapted tensors are computed; the others lie in the base model's files as stored.
    byteSpan: (name) => (pairs.has(name) ? undefined : base.byteSpan?.(name)),
    async readRawInto(name, into): Promise<RawTensor> {
      if (!pairs.has(name)) return readRawInto(base, name, into);
      const info = byName.get(name)!;
      if (into.byteLength < info.byteLength) throw new RangeError(`${base.location}: tensor "${name}" needs ${info.byteLength} bytes, the buffer holds ${into.byteLength}`);
      const w = await readF32(name);
      const bytes = into.subarray(0, info.byteLength);
      bytes.set(new Uint8Array(w.buffer, w.byteOffset, w.byteLength));
      return { info, bytes };
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** W += scale · B·A in float64 accumulation (transposed for embeddings and fan_in_fan_out layers). */
function applyDelta(
  w: Float32Array, wShape: readonly number[], a: Float32Array, aShape: readonly number[], b: Float32Array, bShape: readonly number[],
  scale: number, pair: LoraPair, fanInFanOut: boolean, name: string,
): void {
  const [r, inDim] = aShape;
  const [outDim, rB] = bShape;
  if (aShape.length !== 2 || bShape.length !== 2 || r !== rB) {
    throw new SmeltError("lora-shape", `LoRA tensors for "${name}" have shapes A ${JSON.stringify(aShape)} and B ${JSON.stringify(bShape)}; expected A [r, in] and B [out, r]`);
  }
  const transpose = pair.embedding || fanInFanOut;
  const [rows, cols] = transpose ? [inDim, outDim] : [outDim, inDim];
  if (wShape.length !== 2 || wShape[0] !== rows || wShape[1] !== cols) {
    throw new SmeltError("lora-shape", `LoRA delta for "${name}" would be [${rows}, ${cols}] but the base tensor is ${JSON.stringify(wShape)}`);
  }
  const row = new Float64Array(inDim);
  for (let o = 0; o < outDim; o++) {
    row.fill(0);
    for (let k = 0; k < r; k++) {
      const bk = b[o * r + k];
      if (bk === 0) continue;
      const aOff = k * inDim;
      for (let i = 0; i < inDim; i++) row[i] += bk * a[aOff + i];
    }
    for (let i = 0; i < inDim; i++) {
      const idx = transpose ? i * outDim + o : o * inDim + i;
      w[idx] = w[idx] + scale * row[i];
    }
  }
}

function count(shape: readonly number[]): number {
  return shape.reduce((x, y) => x * y, 1);
}

