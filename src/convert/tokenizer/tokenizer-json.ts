/**
 * The parts of a Hugging Face `tokenizer.json` (the `tokenizers` library's serialisation) that the
 * GGUF conversion reads, as zod schemas. Objects are loose: unknown fields are kept, not refused,
 * and each converter checks the fields whose values change tokenization.
 */
import { z } from "zod";

export const AddedTokenSchema = z.looseObject({
  id: z.number().int().nonnegative(),
  content: z.string(),
  special: z.boolean().default(false),
  normalized: z.boolean().optional(),
});
export type AddedToken = z.infer<typeof AddedTokenSchema>;

/** `merges` come as "a b" strings (tokenizers < 0.20) or ["a", "b"] pairs (which allow spaces). */
const MergeSchema = z.union([z.string(), z.tuple([z.string(), z.string()])]);

export const BpeModelSchema = z.looseObject({
  type: z.literal("BPE"),
  vocab: z.record(z.string(), z.number().int().nonnegative()),
  merges: z.array(MergeSchema).default([]),
  byte_fallback: z.boolean().default(false),
  ignore_merges: z.boolean().default(false),
  dropout: z.number().nullish(),
  unk_token: z.string().nullish(),
  continuing_subword_prefix: z.string().nullish(),
  end_of_word_suffix: z.string().nullish(),
});
export type BpeModel = z.infer<typeof BpeModelSchema>;

/** A pipeline component (`normalizer`, `pre_tokenizer`, `post_processor`, `decoder`): `type` plus fields. */
export const ComponentSchema = z.looseObject({ type: z.string() });
export type Component = z.infer<typeof ComponentSchema>;

export const TokenizerJsonSchema = z.looseObject({
  model: z.looseObject({ type: z.string().optional() }),
  added_tokens: z.array(AddedTokenSchema).default([]),
  normalizer: ComponentSchema.nullish(),
  pre_tokenizer: ComponentSchema.nullish(),
  post_processor: ComponentSchema.nullish(),
});
export type TokenizerJson = z.infer<typeof TokenizerJsonSchema>;

/** The members of a `Sequence` component, or the component itself. */
export function flattenSequence(component: Component | null | undefined, key: string): Component[] {
  if (component === null || component === undefined) return [];
  if (component.type !== "Sequence") return [component];
  const members = (component as Record<string, unknown>)[key];
  return Array.isArray(members) ? members.flatMap((m) => flattenSequence(m as Component, key)) : [];
}

/** A merge as the two strings it joins. */
export function mergePair(merge: string | readonly [string, string]): readonly [string, string] | undefined {
  if (typeof merge !== "string") return merge;
  const space = merge.indexOf(" ", 1);
  return space < 0 ? undefined : [merge.slice(0, space), merge.slice(space + 1)];
}
