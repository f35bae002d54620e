/**
 * A byte-level BPE tokenizer.json (GPT-2 style: Llama 3, Qwen2/2.5/3) as llama.cpp's "gpt2"
 * tokenizer: tokens in their byte-to-unicode spelling, merges as "a b" lines, the pre-tokenizer
 * named by its regex (bpe-pre-tokenizers.ts), control tokens for special added tokens and
 * user-defined ones for the rest. Every choice that would change token ids is checked against
 * what llama.cpp implements, and refused when it differs.
 */
import { ConversionError } from "../../errors.js";
import { gpt2ByteSymbols } from "../../arch/byte-tokenizer.js";
import { findBpePreTokenizer, SUPPORTED_BPE_PRE_TOKENIZERS, type BpePreTokenizer } from "./bpe-pre-tokenizers.js";
import { looksSpecial, type TokenTable } from "./token-table.js";
import { TOKEN_TYPE, type TokenType } from "./token-types.js";
import { flattenSequence, mergePair, type BpeModel, type TokenizerJson } from "./tokenizer-json.js";

export interface BpeVocabulary {
  readonly pre: BpePreTokenizer;
  readonly tokens: string[];
  readonly types: TokenType[];
  readonly merges: string[];
}

function describe(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** The pre-tokenizer: Split(regex, Isolated) then ByteLevel without its own regex or prefix space. */
function checkPreTokenizer(json: TokenizerJson, file: string, model: BpeModel): BpePreTokenizer {
  const steps = flattenSequence(json.pre_tokenizer, "pretokenizers");
  const [split, byteLevel] = steps as Record<string, unknown>[];
  const regex = (split?.pattern as { Regex?: unknown } | undefined)?.Regex;
  const shapeOk =
    steps.length === 2 &&
    split.type === "Split" &&
    typeof regex === "string" &&
    split.behavior === "Isolated" &&
    split.invert === false &&
    byteLevel.type === "ByteLevel" &&
    byteLevel.add_prefix_space === false &&
    byteLevel.use_regex === false;
  if (!shapeOk) {
    throw new ConversionError(
      file,
      `pre_tokenizer ${describe(json.pre_tokenizer)} is not supported: smelt converts byte-level BPE whose pre_tokenizer is Sequence[Split(Regex, Isolated), ByteLevel(add_prefix_space false, use_regex false)] with a known regex: ${SUPPORTED_BPE_PRE_TOKENIZERS}`,
    );
  }
  const pre = findBpePreTokenizer(regex as string);
  if (pre === undefined) {
    throw new ConversionError(file, `the pre-tokenizer regex ${describe(regex)} is not one smelt can name for llama.cpp; supported: ${SUPPORTED_BPE_PRE_TOKENIZERS}`);
  }
  if (pre.ignoreMerges !== model.ignore_merges) {
    throw new ConversionError(
      file,
      `model.ignore_merges is ${model.ignore_merges}, but llama.cpp's "${pre.name}" pre-tokenizer ${pre.ignoreMerges ? "ignores" : "applies"} merges for whole-word vocabulary hits; token ids would differ`,
    );
  }
  return pre;
}

function checkModel(model: BpeModel, file: string): void {
  const bad: [string, unknown][] = [
    ["dropout", model.dropout ?? null],
    ["continuing_subword_prefix", model.continuing_subword_prefix || null],
    ["end_of_word_suffix", model.end_of_word_suffix || null],
  ];
  for (const [key, value] of bad) {
    if (value !== null) throw new ConversionError(file, `model.${key} ${describe(value)} is not supported by llama.cpp's BPE tokenizer`);
  }
}

/**
 * Normalizers llama.cpp's BPE does not apply: none is exact; NFC (Qwen2) is accepted because it
 * changes only text that is not already NFC, and model inputs almost always are.
 */
function checkNormalizer(json: TokenizerJson, file: string): void {
  const steps = flattenSequence(json.normalizer, "normalizers");
  const unsupported = steps.filter((s) => s.type !== "NFC");
  if (unsupported.length > 0) {
    throw new ConversionError(file, `normalizer ${describe(json.normalizer)} is not supported for byte-level BPE (llama.cpp applies none; smelt accepts none or NFC)`);
  }
}

export function convertBpeVocabulary(json: TokenizerJson, model: BpeModel, table: TokenTable, file: string): BpeVocabulary {
  checkModel(model, file);
  checkNormalizer(json, file);
  const pre = checkPreTokenizer(json, file, model);
  const missingByte = gpt2ByteSymbols().find((symbol) => model.vocab[symbol] === undefined);
  if (missingByte !== undefined) {
    throw new ConversionError(file, `the vocabulary lacks the byte symbol ${describe(missingByte)}; llama.cpp's byte-level BPE needs all 256`);
  }
  const tokens: string[] = [];
  const types: TokenType[] = [];
  table.texts.forEach((text, id) => {
    const added = table.added.get(id);
    if (text === undefined) {
      tokens.push(`[PAD${id}]`);
      types.push(TOKEN_TYPE.unused);
    } else if (added !== undefined) {
      tokens.push(text);
      types.push(added.special || looksSpecial(text) ? TOKEN_TYPE.control : TOKEN_TYPE.userDefined);
    } else {
      tokens.push(text);
      types.push(TOKEN_TYPE.normal);
    }
  });
  const merges = model.merges.map((m, i) => {
    const pair = mergePair(m);
    if (pair === undefined || model.vocab[pair[0] + pair[1]] === undefined) {
      throw new ConversionError(file, `model.merges[${i}] ${describe(m)} does not join two tokens into a vocabulary token`);
    }
    // llama.cpp splits a merge line at its first space after the first character; a space inside
    // a part (possible in the pair form) is written as U+0120, as llama.cpp's converter does.
    return pair.map((part) => part.replaceAll(" ", "\u0120")).join(" ");
  });
  return { pre, tokens, types, merges };
}
