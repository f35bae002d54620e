/**
 * A SentencePiece-style tokenizer.json (BPE with `byte_fallback`, spaces spelled "▁": Llama 2,
 * Mistral) as llama.cpp's "llama" (SPM) tokenizer: tokens as they are, byte tokens `<0x..>`,
 * the unknown token, control and user-defined added tokens, and a score per token.
 *
 * llama.cpp's SPM merges, at each step, the adjacent pair whose concatenation is the vocabulary
 * token with the highest score; HF's BPE merges the pair with the lowest merge rank. Scoring each
 * token by minus the rank of the first merge that produces it makes the two pick the same merges
 * (SentencePiece-derived merge lists hold every split of every piece, in piece order).
 * llama.cpp's converter reads real scores from tokenizer.model when present and falls back to a
 * constant -1000 for tokenizer.json-only folders, which makes its SPM merge left to right instead.
 */
import { ConversionError } from "../../errors.js";
import { looksSpecial, type TokenTable } from "./token-table.js";
import { TOKEN_TYPE, type TokenType } from "./token-types.js";
import { flattenSequence, mergePair, type BpeModel, type Component, type TokenizerJson } from "./tokenizer-json.js";

export interface SpmVocabulary {
  readonly tokens: string[];
  readonly scores: number[];
  readonly types: TokenType[];
  /** Whether a "▁" is put in front of the text (`tokenizer.ggml.add_space_prefix`). */
  readonly addSpacePrefix: boolean;
}

const SPACE = "\u2581";
const BYTE_TOKEN = /^<0x[0-9A-F]{2}>$/;

function field(c: Component | undefined, key: string): unknown {
  return (c as Record<string, unknown> | undefined)?.[key];
}

/**
 * Space handling llama.cpp's SPM reproduces: spaces become "▁", and "▁" is prepended (or not)
 * to the text. Either as normalizers (legacy Llama 2: Prepend("▁") + Replace(" ", "▁")) or as a
 * non-splitting Metaspace pre-tokenizer.
 */
function spaceHandling(json: TokenizerJson, file: string): boolean {
  const norms = flattenSequence(json.normalizer, "normalizers");
  const pres = flattenSequence(json.pre_tokenizer, "pretokenizers");
  const isReplace = (c: Component | undefined) =>
    c?.type === "Replace" && (field(c, "pattern") as { String?: unknown } | undefined)?.String === " " && field(c, "content") === SPACE;
  if (pres.length === 0) {
    if (norms.length === 2 && norms[0].type === "Prepend" && field(norms[0], "prepend") === SPACE && isReplace(norms[1])) return true;
    if (norms.length === 1 && isReplace(norms[0])) return false;
  }
  if (norms.length === 0 && pres.length === 1 && pres[0].type === "Metaspace" && field(pres[0], "replacement") === SPACE && field(pres[0], "split") === false) {
    const scheme = field(pres[0], "prepend_scheme") ?? (field(pres[0], "add_prefix_space") === false ? "never" : "always");
    if (scheme === "always" || scheme === "first") return true;
    if (scheme === "never") return false;
  }
  throw new ConversionError(
    file,
    `normalizer ${JSON.stringify(json.normalizer)} with pre_tokenizer ${JSON.stringify(json.pre_tokenizer)} is not supported for a byte-fallback vocabulary: smelt converts Prepend("▁")+Replace(" ", "▁") normalizers or a Metaspace("▁", split false) pre-tokenizer, which llama.cpp's SPM tokenizer reproduces`,
  );
}

export function convertSpmVocabulary(json: TokenizerJson, model: BpeModel, table: TokenTable, file: string): SpmVocabulary {
  if (model.dropout != null) throw new ConversionError(file, `model.dropout ${model.dropout} is not supported`);
  const addSpacePrefix = spaceHandling(json, file);
  for (let b = 0; b < 256; b++) {
    const text = `<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`;
    if (table.idOf(text) === undefined) throw new ConversionError(file, `byte_fallback is on but the vocabulary lacks ${text}; llama.cpp's SPM byte fallback needs all 256 byte tokens`);
  }
  // Score = -(1 + rank of the first merge producing the token); tokens no merge produces score 0.
  const rankOf = new Map<string, number>();
  model.merges.forEach((m, rank) => {
    const pair = mergePair(m);
    const joined = pair === undefined ? undefined : pair[0] + pair[1];
    if (joined === undefined || model.vocab[joined] === undefined) {
      throw new ConversionError(file, `model.merges[${rank}] ${JSON.stringify(m)} does not join two tokens into a vocabulary token`);
    }
    if (!rankOf.has(joined)) rankOf.set(joined, rank);
  });
  const unkId = model.unk_token == null ? undefined : table.idOf(model.unk_token);
  const tokens: string[] = [];
  const scores: number[] = [];
  const types: TokenType[] = [];
  table.texts.forEach((text, id) => {
    if (text === undefined) {
      tokens.push(`[PAD${id}]`);
      scores.push(-1000);
      types.push(TOKEN_TYPE.unused);
      return;
    }
    const added = table.added.get(id);
    tokens.push(text);
    const rank = rankOf.get(text);
    scores.push(rank === undefined ? 0 : -(rank + 1));
    if (id === unkId) types.push(TOKEN_TYPE.unknown);
    else if (BYTE_TOKEN.test(text)) types.push(TOKEN_TYPE.byte);
    else if (added !== undefined) types.push(added.special || looksSpecial(text) ? TOKEN_TYPE.control : TOKEN_TYPE.userDefined);
    else types.push(TOKEN_TYPE.normal);
  });
  return { tokens, scores, types, addSpacePrefix };
}
