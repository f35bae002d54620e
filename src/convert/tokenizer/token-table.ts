/**
 * The token list by id that GGUF stores (`tokenizer.ggml.tokens`): the model's vocabulary and the
 * added tokens, padded to the embedding's row count with `[PAD<id>]` placeholders of type
 * "unused", as llama.cpp's converter does (Qwen2's embedding has 151,936 rows for 151,665 tokens).
 */
import { ConversionError } from "../../errors.js";
import type { AddedToken } from "./tokenizer-json.js";

export interface TokenTable {
  /** Token text by id; undefined where neither the vocabulary nor the added tokens have one. */
  readonly texts: readonly (string | undefined)[];
  /** Added tokens by id. */
  readonly added: ReadonlyMap<number, AddedToken>;
  /** Id of a token text (added tokens first, then the vocabulary). */
  idOf(text: string): number | undefined;
}

export function buildTokenTable(vocab: Readonly<Record<string, number>>, addedTokens: readonly AddedToken[], vocabSize: number, file: string): TokenTable {
  const texts: (string | undefined)[] = new Array(vocabSize).fill(undefined);
  const byText = new Map<string, number>();
  const place = (text: string, id: number, what: string) => {
    if (id >= vocabSize) {
      throw new ConversionError(file, `${what} ${JSON.stringify(text)} has id ${id}, but config.json's vocab_size (the embedding's rows) is ${vocabSize}`);
    }
    const had = texts[id];
    if (had !== undefined && had !== text) throw new ConversionError(file, `id ${id} names two tokens, ${JSON.stringify(had)} and ${JSON.stringify(text)}`);
    if (text.length === 0) throw new ConversionError(file, `token ${id} is empty; llama.cpp cannot store an empty token`);
    texts[id] = text;
  };
  for (const [text, id] of Object.entries(vocab)) {
    place(text, id, "token");
    byText.set(text, id);
  }
  const added = new Map<number, AddedToken>();
  for (const t of addedTokens) {
    place(t.content, t.id, "added token");
    added.set(t.id, t);
  }
  const addedByText = new Map(addedTokens.map((t) => [t.content, t.id]));
  return { texts, added, idOf: (text) => addedByText.get(text) ?? byText.get(text) };
}

/**
 * Added tokens that are not flagged special but are control tokens in practice: llama.cpp's
 * converter treats `<|...|>`, `<｜...｜>`, `<unused...>` and a few named ones as control too.
 */
export function looksSpecial(text: string): boolean {
  return (
    ["<pad>", "<mask>", "<2mass>", "[@BOS@]"].includes(text) ||
    (text.startsWith("<|") && text.endsWith("|>")) ||
    (text.startsWith("<｜") && text.endsWith("｜>")) ||
    (text.startsWith("<unused") && text.endsWith(">"))
  );
}
