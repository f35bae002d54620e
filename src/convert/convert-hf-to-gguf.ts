import { basename } from "node:path";
import { ggufToHfTensorName } from "../arch/llama-tensor-names.js";
import { ggufTensorDtype, parseOutDtype, type OutType } from "../merge/output-dtype.js";
import { prepareOutput } from "../merge/output-target.js";
import type { GgufDType } from "../tensor/gguf/index.js";
import { openHfCheckpoint } from "../tensor/safetensors/index.js";
import type { TensorSink } from "../tensor/tensor-source.js";
import { readHfConversion } from "./hf-conversion.js";
import { createHfGgufSink } from "./hf-gguf-sink.js";

export interface ConvertOptions {
  readonly output: string;
  /** Storage type of the matrices (1-D norms and biases stay F32). Defaults to "f16". */
  readonly outType?: OutType;
  /** Replace an existing output. Defaults to false. */
  readonly force?: boolean;
  /** `general.name`. Defaults to the folder's name. */
  readonly name?: string;
}

export interface ConvertResult {
  readonly output: string;
  readonly tensors: number;
  /** config.json's model_type (llama, mistral, qwen2, qwen3). */
  readonly architecture: string;
  /** `general.architecture` of the GGUF (mistral is written as llama, as llama.cpp's converter does). */
  readonly ggufArchitecture: string;
  /** `tokenizer.ggml.model` ("gpt2", "llama"), or "byte" for smelt's byte vocabulary. */
  readonly tokenizer: string;
}

/**
 * Converts a Hugging Face checkpoint folder (config.json + safetensors + tokenizer files) to a
 * GGUF llama.cpp loads, streaming tensor by tensor: architecture tables in src/arch decide the
 * metadata, names and q/k permutation; src/convert/tokenizer turns tokenizer.json into the
 * `tokenizer.*` keys. The output is complete or absent (temporary name, renamed at the end).
 */
export async function convertHfToGguf(dir: string, options: ConvertOptions): Promise<ConvertResult> {
  const conversion = await readHfConversion(dir);
  const want = parseOutDtype(options.outType ?? "f16", "--out-type") as GgufDType;
  const source = await openHfCheckpoint(dir);
  let sink: TensorSink | undefined;
  try {
    // Every checkpoint tensor must be one the model uses or one known to be skippable.
    for (const t of source.list()) conversion.ggufNameOf(t.name);
    const tensors = conversion.specs
      .filter((s) => !s.generated)
      .map((s) => {
        const name = ggufToHfTensorName(s.name)!;
        const info = source.info(name);
        // Absent tensors are reported by the sink, with the others missing.
        return info === undefined ? undefined : { name, shape: info.shape, dtype: ggufTensorDtype(want, info.shape) };
      })
      .filter((t) => t !== undefined);
    const target = await prepareOutput(options.output, options.force ?? false);
    try {
      sink = await createHfGgufSink({ path: target.temp, conversion, name: options.name ?? basename(dir), fileType: want, tensors });
      for (const t of tensors) {
        // Stored already as written (a bf16 checkpoint to --out-type bf16): copy the bytes.
        if (source.info(t.name)!.dtype === t.dtype) {
          await sink.write({ kind: "raw", name: t.name, dtype: t.dtype, shape: t.shape, bytes: (await source.readRaw(t.name)).bytes });
        } else {
          await sink.write({ kind: "f32", name: t.name, shape: t.shape, data: await source.readF32(t.name) });
        }
      }
      await sink.commit();
      sink = undefined;
      await target.commit();
    } catch (error) {
      await sink?.abort().catch(() => {});
      await target.abort().catch(() => {});
      throw error;
    }
    const model = conversion.model;
    return {
      output: options.output,
      tensors: conversion.specs.length,
      architecture: model.architecture.modelType,
      ggufArchitecture: model.config.architecture,
      tokenizer: conversion.tokenizer.kind,
    };
  } finally {
    await source.close();
  }
}
