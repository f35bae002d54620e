/**
 * Which tokens are BOS/EOS/UNK/PAD and whether the tokenizer adds BOS/EOS by itself, as
 * transformers decides it: the tokens named in tokenizer_config.json (else special_tokens_map.json,
 * else config.json's `*_token_id`), and `add_bos_token`/`add_eos_token` from tokenizer_config.json,
 * else from the post-processor's template (Llama 3's `TemplateProcessing` starts every sequence
 * with `<|begin_of_text|>`; Qwen2's `ByteLevel` post-processor adds nothing).
 */
import { flattenSequence, type Component } from "./tokenizer-json.js";

export type SpecialRole = "bos" | "eos" | "unk" | "pad";
export const SPECIAL_ROLES: readonly SpecialRole[] = ["bos", "eos", "unk", "pad"];

export interface SpecialTokens {
  readonly ids: Readonly<Partial<Record<SpecialRole, number>>>;
  readonly addBos: boolean;
  readonly addEos: boolean;
}

export interface SpecialTokenSources {
  /** tokenizer_config.json, parsed, or undefined when absent. */
  readonly tokenizerConfig: Record<string, unknown> | undefined;
  /** special_tokens_map.json, parsed, or undefined when absent. */
  readonly specialTokensMap: Record<string, unknown> | undefined;
  /** config.json's `bos_token_id` etc. */
  readonly configIds: Readonly<Partial<Record<SpecialRole, number | undefined>>>;
  readonly postProcessor: Component | null | undefined;
  /** Id of a token's text, or undefined when not in the vocabulary. */
  readonly idOf: (content: string) => number | undefined;
  readonly vocabSize: number;
}

/** A `bos_token` value: a string or an AddedToken object `{ content }`. */
function tokenText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null && typeof (value as { content?: unknown }).content === "string") {
    return (value as { content: string }).content;
  }
  return undefined;
}

/** The `SpecialToken` ids a TemplateProcessing's `single` template starts and ends with. */
function templateEnds(postProcessor: Component | null | undefined): { first?: string; last?: string } {
  for (const p of flattenSequence(postProcessor, "processors")) {
    if (p.type !== "TemplateProcessing") continue;
    const single = (p as { single?: unknown }).single;
    if (!Array.isArray(single) || single.length < 2) return {};
    const special = (item: unknown) => (item as { SpecialToken?: { id?: unknown } } | undefined)?.SpecialToken?.id;
    const first = special(single[0]);
    const last = special(single[single.length - 1]);
    return { first: typeof first === "string" ? first : undefined, last: typeof last === "string" ? last : undefined };
  }
  return {};
}

export function resolveSpecialTokens(s: SpecialTokenSources): SpecialTokens {
  const ids: Partial<Record<SpecialRole, number>> = {};
  const texts: Partial<Record<SpecialRole, string>> = {};
  for (const role of SPECIAL_ROLES) {
    const text = tokenText(s.tokenizerConfig?.[`${role}_token`]) ?? tokenText(s.specialTokensMap?.[`${role}_token`]);
    // A named token not in the vocabulary falls back to config.json's id, as llama.cpp's converter does.
    const id = (text !== undefined ? s.idOf(text) : undefined) ?? s.configIds[role];
    if (text !== undefined) texts[role] = text;
    if (id !== undefined && Number.isInteger(id) && id >= 0 && id < s.vocabSize) ids[role] = id;
  }
  const ends = templateEnds(s.postProcessor);
  // A template that starts with a special token the configs do not name still tells which it is.
  if (ids.bos === undefined && ends.first !== undefined) {
    const id = s.idOf(ends.first);
    if (id !== undefined) {
      ids.bos = id;
      texts.bos = ends.first;
    }
  }
  const flag = (key: string): boolean | undefined => (typeof s.tokenizerConfig?.[key] === "boolean" ? (s.tokenizerConfig[key] as boolean) : undefined);
  const addBos = flag("add_bos_token") ?? (ends.first !== undefined && (ends.first === texts.bos || s.idOf(ends.first) === ids.bos));
  const addEos = flag("add_eos_token") ?? (ends.last !== undefined && (ends.last === texts.eos || s.idOf(ends.last) === ids.eos));
  return { ids, addBos: addBos && ids.bos !== undefined, addEos: addEos && ids.eos !== undefined };
}
