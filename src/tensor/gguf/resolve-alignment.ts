/**
 * Reconciles a writer's `alignment` option with the `general.alignment` metadata key. Readers take
 * the alignment from the key (default 32), so the two must agree: a non-default alignment without
 * the key gets the key appended.
 */
import { OutputError } from "../../errors.js";
import { GGUF_DEFAULT_ALIGNMENT, MAX_ALIGNMENT } from "./gguf-limits.js";
import type { GgufMetadataEntry } from "./gguf-value.js";

export function resolveAlignment(
  path: string,
  metadata: readonly GgufMetadataEntry[],
  requested: number | undefined,
): { alignment: number; metadata: readonly GgufMetadataEntry[] } {
  const entry = metadata.find((e) => e.key === "general.alignment");
  if (entry !== undefined && entry.type !== "uint32") {
    throw new OutputError(path, `general.alignment must be a uint32, not ${entry.type}`);
  }
  const declared = entry?.type === "uint32" ? entry.value : undefined;
  const alignment = requested ?? declared ?? GGUF_DEFAULT_ALIGNMENT;
  if (!Number.isInteger(alignment) || alignment < 1 || alignment > MAX_ALIGNMENT || (alignment & (alignment - 1)) !== 0) {
    throw new OutputError(path, `alignment ${alignment} must be a power of two between 1 and ${MAX_ALIGNMENT}`);
  }
  if (declared !== undefined && declared !== alignment) {
    throw new OutputError(path, `alignment option ${alignment} disagrees with the general.alignment metadata (${declared})`);
  }
  if (declared === undefined && alignment !== GGUF_DEFAULT_ALIGNMENT) {
    return { alignment, metadata: [...metadata, { key: "general.alignment", type: "uint32", value: alignment }] };
  }
  return { alignment, metadata };
}
