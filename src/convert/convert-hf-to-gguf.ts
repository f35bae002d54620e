import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { SmeltError, TensorFormatError } from "../errors.js";
import { BYTE_BOS_ID, BYTE_EOS_ID, BYTE_VOCAB_SIZE } from "../arch/byte-tokenizer.js";
import { hfConfigToLlamaConfig } from "../arch/llama-hf-config.js";
import { llamaGgufMetadata } from "../arch/llama-gguf-metadata.js";
import { llamaTensorSpecs } from "../arch/llama-config.js";
import { ggufToHfTensorName } from "../arch/llama-tensor-names.js";
import { hfLlamaTensorToGguf } from "../arch/convert-llama-tensor.js";
import { createGgufSink, type GgufDType } from "../tensor/gguf/index.js";
import { openHfCheckpoint } from "../tensor/safetensors/index.js";
import { ggufTensorDtype, parseOutDtype, type OutType } from "../merge/output-dtype.js";
import { prepareOutput } from "../merge/output-target.js";

/** Architectures `smelt convert` knows (config.json `model_type`). */
export const CONVERTIBLE_ARCHITECTURES = ["llama"] as const;

export interface ConvertOptions {
  readonly output: string;
  /** Storage type of the matrices (1-D norms stay F32). Defaults to "f16". */
  readonly outType?: OutType;
  /** Replace an existing output. Defaults to false. */
  readonly force?: boolean;
  /** `general.name`. Defaults to the folder's name. */
  readonly name?: string;
}

export interface ConvertResult {
  readonly output: string;
  readonly tensors: number;
  readonly architecture: string;
}

/**
 * Converts a Hugging Face llama checkpoint (config.json + safetensors) to a GGUF llama.cpp loads,
 * streaming tensor by tensor: names mapped to llama.cpp's, q/k rows permuted from HF's
 * rotate-half RoPE to GGUF's adjacent pairs, metadata from config.json.
 *
 * Tokenizers: smelt's byte-level vocabulary (the toy models: vocab_size 258, no tokenizer.json,
 * BOS 256, EOS 257) is written as a GPT-2 byte vocabulary (FIELD-NOTES §5). A tokenizer.json
 * (BPE or SentencePiece) is not converted yet and is refused with that explanation.
 */
export async function convertHfToGguf(dir: string, options: ConvertOptions): Promise<ConvertResult> {
  const configPath = join(dir, "config.json");
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(await readFile(configPath, "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new TensorFormatError(configPath, `cannot read the model config: ${(error as Error).message}`);
  }
  const modelType = String(raw.model_type ?? "unknown");
  if (!(CONVERTIBLE_ARCHITECTURES as readonly string[]).includes(modelType)) {
    throw new SmeltError("convert", `${configPath}: architecture "${modelType}" cannot be converted to GGUF; supported: ${CONVERTIBLE_ARCHITECTURES.join(", ")}`);
  }
  const config = hfConfigToLlamaConfig(raw, configPath);
  checkByteTokenizer(dir, raw, config.vocabSize);
  const want = parseOutDtype(options.outType ?? "f16", "--out-type") as GgufDType;
  const specs = llamaTensorSpecs(config);
  const source = await openHfCheckpoint(dir);
  const target = await prepareOutput(options.output, options.force ?? false);
  let sink: Awaited<ReturnType<typeof createGgufSink>> | undefined;
  try {
    const hfNames = specs.map((s) => {
      const hf = ggufToHfTensorName(s.name);
      const info = hf === undefined ? undefined : source.info(hf);
      if (!info) throw new TensorFormatError(dir, `tensor ${hf ?? s.name} (GGUF ${s.name}) is missing from the checkpoint`);
      if (info.shape.join(",") !== s.shape.join(",")) {
        throw new TensorFormatError(dir, `tensor ${hf} has shape [${info.shape.join(", ")}], config.json implies [${s.shape.join(", ")}]`);
      }
      return hf!;
    });
    // Norms are the 1-D tensors, which ggufTensorDtype keeps in F32 as llama.cpp wants.
    const dtypes = specs.map((s) => ggufTensorDtype(want, s.shape) as GgufDType);
    sink = await createGgufSink({
      path: target.temp,
      metadata: llamaGgufMetadata(config, options.name ?? basename(dir), { dtype: want }),
      tensors: specs.map((s, i) => ({ name: s.name, shape: s.shape, dtype: dtypes[i] })),
    });
    for (let i = 0; i < specs.length; i++) {
      const data = await source.readF32(hfNames[i]);
      const converted = hfLlamaTensorToGguf(config, { name: hfNames[i], shape: specs[i].shape, data })!;
      await sink.write({ kind: "f32", name: specs[i].name, shape: specs[i].shape, data: converted.data });
    }
    await sink.commit();
    sink = undefined;
    await target.commit();
    return { output: options.output, tensors: specs.length, architecture: modelType };
  } catch (error) {
    await sink?.abort().catch(() => {});
    await target.abort().catch(() => {});
    throw error;
  } finally {
    await source.close();
  }
}

function checkByteTokenizer(dir: string, config: Record<string, unknown>, vocabSize: number): void {
  if (existsSync(join(dir, "tokenizer.json")) || existsSync(join(dir, "tokenizer.model"))) {
    throw new SmeltError("convert", `${dir}: converting a tokenizer.json/tokenizer.model vocabulary to GGUF is not supported yet; only smelt's byte-level vocabulary (vocab_size ${BYTE_VOCAB_SIZE}, no tokenizer files) converts`);
  }
  if (vocabSize !== BYTE_VOCAB_SIZE || config.bos_token_id !== BYTE_BOS_ID || config.eos_token_id !== BYTE_EOS_ID) {
    throw new SmeltError("convert", `${dir}: no tokenizer files, and config.json does not describe smelt's byte-level vocabulary (vocab_size ${BYTE_VOCAB_SIZE}, bos_token_id ${BYTE_BOS_ID}, eos_token_id ${BYTE_EOS_ID})`);
  }
}
