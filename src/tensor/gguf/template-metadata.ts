/**
 * Builds metadata for a new GGUF from a template file's metadata, so a merged model keeps its base
 * model's architecture hyper-parameters and tokenizer. Order is preserved: overridden keys stay where
 * they were, new keys are appended.
 */
import type { GgufDType } from "./ggml-type.js";
import type { GgufMetadataEntry, GgufValue } from "./gguf-value.js";

/** An override: a typed value, a plain JS value (typed like the template's entry), or null to remove. */
export type MetadataOverride = GgufValue | string | number | bigint | boolean | null;

function isTyped(v: MetadataOverride): v is GgufValue {
  return typeof v === "object" && v !== null && "type" in v;
}

/**
 * Types a plain override value. Reusing the template entry's type keeps e.g. `general.file_type` a
 * uint32 as llama.cpp expects; keys new to the template get the natural GGUF type for the value.
 */
function typed(v: Exclude<MetadataOverride, null>, previous: GgufMetadataEntry | undefined): GgufValue {
  if (isTyped(v)) return v;
  if (previous !== undefined && previous.type !== "array") {
    const kind = { string: "string", bool: "boolean", uint64: "bigint", int64: "bigint" }[previous.type as string] ?? "number";
    if (typeof v === kind) return { type: previous.type, value: v } as GgufValue;
  }
  switch (typeof v) {
    case "string": return { type: "string", value: v };
    case "boolean": return { type: "bool", value: v };
    case "bigint": return { type: "int64", value: v };
    default:
      if (!Number.isInteger(v)) return { type: "float32", value: v };
      return v >= 0 && v <= 0xffffffff ? { type: "uint32", value: v } : { type: "int32", value: v };
  }
}

/**
 * Keys never copied from a template: `split.*` describe how the template was sharded, which the new
 * file does not share (llama.cpp would look for shards that do not exist).
 */
const DROPPED_PREFIXES: readonly string[] = ["split."];

/**
 * Copies `template.metadata` with `overrides` applied: a value replaces (or appends) the key, `null`
 * removes it. Plain values take the template entry's type when it fits (else see `typed`). Example: `templateMetadata(base, { "general.name": ggufValue.string("merged"),
 * "general.file_type": ggufValue.u32(ggufFileType("Q8_0")) })`.
 */
export function templateMetadata(
  template: { readonly metadata: readonly GgufMetadataEntry[] },
  overrides: Readonly<Record<string, MetadataOverride>> = {},
): GgufMetadataEntry[] {
  const out: GgufMetadataEntry[] = [];
  const seen = new Set<string>();
  for (const entry of template.metadata) {
    if (DROPPED_PREFIXES.some((p) => entry.key.startsWith(p))) continue;
    seen.add(entry.key);
    if (!Object.hasOwn(overrides, entry.key)) {
      out.push(entry);
      continue;
    }
    const value = overrides[entry.key];
    if (value !== null) out.push({ key: entry.key, ...typed(value, entry) });
  }
  for (const [key, value] of Object.entries(overrides)) {
    if (!seen.has(key) && value !== null) out.push({ key, ...typed(value, undefined) });
  }
  return out;
}

/**
 * `general.file_type` (llama.cpp's `llama_ftype`) for a file whose weights are mostly `dtype`. K-quants
 * map to their "_M" mixes, the usual choice. Informational: llama.cpp loads tensors by their own types.
 */
export function ggufFileType(dtype: GgufDType): number | undefined {
  const table: Partial<Record<GgufDType, number>> = {
    F32: 0, F16: 1, Q4_0: 2, Q4_1: 3, Q8_0: 7, Q5_0: 8, Q5_1: 9, Q4_K: 15, Q5_K: 17, Q6_K: 18, BF16: 32,
  };
  return table[dtype];
}
