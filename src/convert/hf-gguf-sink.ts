/**
 * A TensorSink that takes tensors under their HF names, in HF conventions, and writes a GGUF
 * llama.cpp loads: each tensor renamed, q/k rows permuted where the architecture needs it (on
 * float32 values or on already-encoded rows alike), skipped tensors dropped, and generated ones
 * (`rope_freqs.weight`) appended. Every tensor the model needs must be declared with the shape the
 * config implies, before anything is written. Streaming and atomic like the GGUF sink it wraps.
 */
import { ropePermutationHeads } from "../arch/convert-llama-tensor.js";
import { llamaHeadDim } from "../arch/llama-config.js";
import { permuteQK, permuteQKBytes } from "../arch/permute-qk.js";
import { llama3RopeDivisors } from "../arch/rope-scaling.js";
import { ConversionError, ShapeMismatchError } from "../errors.js";
import type { DType } from "../tensor/dtype.js";
import { createGgufSink, type GgufDType, type GgufSink } from "../tensor/gguf/index.js";
import type { TensorPayload, TensorSink } from "../tensor/tensor-source.js";
import type { HfConversion } from "./hf-conversion.js";

export interface HfGgufSinkOptions {
  /** Final .gguf path (written under a temporary name until `commit`). */
  readonly path: string;
  readonly conversion: HfConversion;
  /** `general.name`. */
  readonly name: string;
  /** Dominant storage type, for `general.file_type`. */
  readonly fileType: GgufDType;
  /** Every tensor `write` will receive, by HF name, in that order, with its GGUF storage dtype. */
  readonly tensors: readonly { readonly name: string; readonly shape: readonly number[]; readonly dtype: DType }[];
  /** Write around the page cache (see sequential-file-writer.ts). Defaults to `false`. */
  readonly direct?: boolean;
}

interface Mapped {
  readonly gguf: string;
  /** Heads to permute q/k rows over, or undefined. */
  readonly heads: number | undefined;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export async function createHfGgufSink(options: HfGgufSinkOptions): Promise<TensorSink> {
  const { conversion } = options;
  const { config } = conversion.model;
  const specByName = new Map(conversion.specs.map((s) => [s.name, s]));
  const mapped = new Map<string, Mapped | "skip">();
  const declared: { name: string; shape: readonly number[]; dtype: GgufDType }[] = [];
  const have = new Set<string>();
  for (const t of options.tensors) {
    const gguf = conversion.ggufNameOf(t.name);
    if (gguf === "skip") {
      mapped.set(t.name, "skip");
      continue;
    }
    const spec = specByName.get(gguf)!;
    if (!sameShape(t.shape, spec.shape)) {
      throw new ShapeMismatchError(t.name, `has shape [${t.shape.join(", ")}], but ${conversion.dir}/config.json implies [${spec.shape.join(", ")}] (GGUF ${gguf})`);
    }
    if (have.has(gguf)) throw new ConversionError(conversion.dir, `two tensors map to GGUF ${gguf}`);
    have.add(gguf);
    mapped.set(t.name, { gguf, heads: ropePermutationHeads(config, gguf, t.shape) });
    declared.push({ name: gguf, shape: t.shape, dtype: t.dtype as GgufDType });
  }
  const generated = conversion.specs.filter((s) => s.generated);
  const missing = conversion.specs.filter((s) => !s.generated && !have.has(s.name)).map((s) => s.name);
  if (missing.length > 0) {
    const more = missing.length > 3 ? ` and ${missing.length - 3} more` : "";
    throw new ConversionError(conversion.dir, `tensors the config implies are missing: ${missing.slice(0, 3).join(", ")}${more} (GGUF names)`);
  }
  for (const g of generated) declared.push({ name: g.name, shape: g.shape, dtype: "F32" });
  const sink: GgufSink = await createGgufSink({ path: options.path, metadata: conversion.metadata(options.name, options.fileType), tensors: declared, direct: options.direct });

  const generate = (name: string): Float32Array => {
    if (name === "rope_freqs.weight" && config.ropeScaling.type === "llama3") {
      return llama3RopeDivisors(config.ropeScaling, llamaHeadDim(config), config.ropeBase);
    }
    throw new ConversionError(conversion.dir, `cannot generate tensor ${name} for this config`);
  };

  return {
    location: options.path,
    async write(tensor: TensorPayload) {
      const m = mapped.get(tensor.name);
      if (m === undefined) throw new ConversionError(conversion.dir, `tensor "${tensor.name}" was not declared to the GGUF sink`);
      if (m === "skip") return;
      if (tensor.kind === "f32") {
        const data = m.heads === undefined ? tensor.data : permuteQK(tensor.data, m.heads, tensor.shape[0], tensor.shape[1] ?? 1);
        await sink.write({ ...tensor, name: m.gguf, data });
      } else {
        const bytes = m.heads === undefined ? tensor.bytes : permuteQKBytes(tensor.bytes, m.heads, tensor.shape[0]);
        await sink.write({ ...tensor, name: m.gguf, bytes });
      }
    },
    async commit() {
      for (const g of generated) await sink.write({ kind: "f32", name: g.name, shape: g.shape, data: generate(g.name) });
      await sink.commit();
    },
    abort: () => sink.abort(),
  };
}
